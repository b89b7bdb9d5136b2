/**
 * Which callback, and whose memory: a callback's id (its raw body's digest and its time, the
 * form in which the memory stores it), and each trigger node's key and static data.
 */
import { createHash } from 'node:crypto';

import type { IDataObject } from 'n8n-workflow';

/** An entry: 16 characters of digest (base64url of 12 bytes), 7 of time (base36 seconds). */
const DIGEST_CHARS = 16;
export const ENTRY_CHARS = DIGEST_CHARS + 7;

export const entryOf = (digest: string, seconds: number): string =>
	digest + seconds.toString(36).padStart(ENTRY_CHARS - DIGEST_CHARS, '0');

/** What identifies a callback: its raw body's digest and its time (seconds), as one text. */
export function callbackIdOf(rawBody: Buffer, timeMs: number): string {
	const digest = createHash('sha256').update(rawBody).digest().subarray(0, 12);
	return entryOf(digest.toString('base64url'), Math.max(0, Math.floor(timeMs / 1000)));
}

export function parseId(id: string): { digest: string; seconds: number } | undefined {
	if (id.length !== ENTRY_CHARS) return undefined;
	const seconds = parseInt(id.slice(DIGEST_CHARS), 36);
	return Number.isFinite(seconds) ? { digest: id.slice(0, DIGEST_CHARS), seconds } : undefined;
}

/** Whose memory: each trigger node of each workflow has its own. */
export function memoryKey(context: {
	getWorkflow(): { id?: string };
	getNode(): { id: string };
}): string {
	return `${context.getWorkflow().id ?? ''}:${context.getNode().id}`;
}

/** The node's static data; undefined when n8n holds none usable (null, or not an object). */
export function staticDataOf(context: {
	getWorkflowStaticData(type: string): IDataObject;
}): IDataObject | undefined {
	try {
		const data: unknown = context.getWorkflowStaticData('node');
		return typeof data === 'object' && data !== null && !Array.isArray(data)
			? (data as IDataObject)
			: undefined;
	} catch {
		return undefined;
	}
}
