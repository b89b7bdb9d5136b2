/** Reading a callback 1Flow sent and shaping it into the trigger's items. */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { lineItemRows, simplifyDocument } from '../OneFlow/shared/document';
import { isFailure, type Failure } from '../OneFlow/shared/failure';

export type CallbackOutput = 'callback' | 'simplified' | 'lineItems';

/** The body as a JSON object, or undefined when it is not one. A UTF-8 BOM is skipped, as n8n does. */
export function parseCallback(rawBody: Buffer): IDataObject | undefined {
	try {
		const text = rawBody.toString('utf8');
		const body: unknown = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
		return typeof body === 'object' && body !== null && !Array.isArray(body)
			? (body as IDataObject)
			: undefined;
	} catch {
		return undefined;
	}
}

/** The events chosen, read defensively: undefined when the setting is not a list of texts. */
export function eventsOf(value: unknown): string[] | undefined {
	if (!Array.isArray(value) || value.length === 0) return undefined;
	return value.every((event) => typeof event === 'string') ? (value as string[]) : undefined;
}

/** Whether the trigger's Events setting lets this callback start the workflow. */
export function isWanted(body: IDataObject, events: string[]): boolean {
	return events.includes('*') || (typeof body.event === 'string' && events.includes(body.event));
}

/**
 * When the document reached its state, by 1Flow's `status.updatedAt` (an ISO date, or Unix time
 * in milliseconds or seconds); undefined when the body has no readable one.
 */
export function bodyTimeMsOf(body: IDataObject): number | undefined {
	const status = body.status;
	if (typeof status !== 'object' || status === null || Array.isArray(status)) return undefined;
	const updatedAt = (status as IDataObject).updatedAt;
	const ms =
		typeof updatedAt === 'number'
			? updatedAt < 1e11
				? updatedAt * 1000
				: updatedAt
			: typeof updatedAt === 'string'
				? Date.parse(updatedAt)
				: NaN;
	return Number.isFinite(ms) && ms > 0 ? ms : undefined;
}

/**
 * The items the workflow starts with: the callback as sent, simplified, or one per line item
 * (a Failure when the document is too large to split). Each is built here as `{ json }`, whatever
 * keys the body has; `verified` and `callbackId` come last, so no field 1Flow sends can claim them.
 */
export function callbackItems(
	body: IDataObject,
	output: CallbackOutput,
	trigger: { verified: boolean; callbackId: string },
): INodeExecutionData[] | Failure {
	const documentId = typeof body.documentId === 'string' ? body.documentId : '';
	const event = body.event ?? null;
	if (output === 'callback') return [{ json: { ...body, ...trigger } }];
	const rows =
		output === 'simplified' ? [simplifyDocument(body, documentId)] : lineItemRows(body, documentId);
	if (isFailure(rows)) return rows;
	return rows.map((row) => ({ json: { event, ...row, ...trigger } }));
}
