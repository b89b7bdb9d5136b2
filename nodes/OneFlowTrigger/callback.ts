/** Reading a callback 1Flow sent and shaping it into the trigger's items. */
import type { IDataObject } from 'n8n-workflow';

import { lineItemRows, simplifyDocument } from '../OneFlow/shared/document';
import { isFailure } from '../OneFlow/shared/failure';

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

/** Whether the trigger's Events setting lets this callback start the workflow. */
export function isWanted(body: IDataObject, events: string[]): boolean {
	return events.includes('*') || (typeof body.event === 'string' && events.includes(body.event));
}

/** The items the workflow starts with: the callback as sent, simplified, or one per line item. */
export function callbackItems(
	body: IDataObject,
	output: CallbackOutput,
	verified: boolean,
): IDataObject[] {
	const documentId = typeof body.documentId === 'string' ? body.documentId : '';
	const event = body.event ?? null;
	// `verified` comes last: no field 1Flow sends can claim it.
	if (output === 'simplified') return [{ event, ...simplifyDocument(body, documentId), verified }];
	if (output === 'lineItems') {
		const rows = lineItemRows(body, documentId);
		if (isFailure(rows)) return [{ event, documentId, error: rows.message, verified }];
		return rows.map((row) => ({ event, ...row, verified }));
	}
	return [{ ...body, verified }];
}
