/**
 * Callbacks a trigger accepted, so that the same raw body again starts nothing, however it is
 * signed (a sender retrying signs each delivery anew). Kept in the workflow's static data for the
 * node, which n8n loads for every production webhook request and saves after it: the memory
 * outlives restarts and is shared by the processes of queue mode. One trigger's entries never
 * push out another's.
 *
 * n8n saves the copy each request loaded, so two requests at once would erase each other's
 * entries. Each process therefore also keeps its own memory per trigger, merges what was loaded
 * into it, and hands n8n one shared object that n8n serialises only when it saves: every save
 * carries all this process knows at that moment.
 */
import { createHash } from 'node:crypto';

import type { IDataObject } from 'n8n-workflow';

/** How long a callback is remembered, and how many at most per trigger (the oldest go first). */
export const REMEMBER_MS = 48 * 60 * 60 * 1000;
export const MAX_REMEMBERED = 10_000;

/** One entry: 22 characters of digest (base64url of 16 bytes), 7 of acceptance time (base36 s). */
const DIGEST_CHARS = 22;
const ENTRY_CHARS = DIGEST_CHARS + 7;
const FORMAT = 1;

interface Saved {
	format: number;
	entries: string;
}

interface Memory {
	/** digest -> acceptance time in seconds. */
	accepted: Map<string, number>;
	/** The object placed in static data: the same one for every request of this process. */
	saved: Saved;
}

const memories = new Map<string, Memory>();

/** What identifies a callback: its raw body, whatever its headers. */
export function callbackDigest(rawBody: Buffer): string {
	return createHash('sha256').update(rawBody).digest().subarray(0, 16).toString('base64url');
}

function mergeEntries(accepted: Map<string, number>, entries: string): void {
	for (let at = 0; at + ENTRY_CHARS <= entries.length; at += ENTRY_CHARS) {
		const digest = entries.slice(at, at + DIGEST_CHARS);
		const seconds = parseInt(entries.slice(at + DIGEST_CHARS, at + ENTRY_CHARS), 36);
		if (Number.isFinite(seconds) && !((accepted.get(digest) ?? -1) >= seconds))
			accepted.set(digest, seconds);
	}
}

function forgetOld(accepted: Map<string, number>, nowMs: number): void {
	const oldest = (nowMs - REMEMBER_MS) / 1000;
	for (const [digest, seconds] of accepted) if (seconds <= oldest) accepted.delete(digest);
	if (accepted.size <= MAX_REMEMBERED) return;
	const newest = [...accepted].sort((a, b) => a[1] - b[1]).slice(-MAX_REMEMBERED);
	accepted.clear();
	for (const [digest, seconds] of newest) accepted.set(digest, seconds);
}

function pack(accepted: Map<string, number>): string {
	const parts: string[] = [];
	for (const [digest, seconds] of accepted)
		parts.push(digest, seconds.toString(36).padStart(7, '0'));
	return parts.join('');
}

/**
 * True the first time a callback is seen (and it is recorded), false for a repeat. Synchronous
 * from reading to recording, so no other request of this process comes in between.
 */
export function acceptOnce(
	staticData: IDataObject,
	processKey: string,
	digest: string,
	nowMs: number,
): boolean {
	let memory = memories.get(processKey);
	if (memory === undefined) {
		memory = { accepted: new Map(), saved: { format: FORMAT, entries: '' } };
		memories.set(processKey, memory);
	}
	const loaded = staticData.accepted as Partial<Saved> | undefined;
	const loadedEntries =
		loaded?.format === FORMAT && typeof loaded.entries === 'string' ? loaded.entries : '';
	if (loadedEntries !== memory.saved.entries) mergeEntries(memory.accepted, loadedEntries);
	const known = memory.accepted.get(digest);
	const first = known === undefined || known * 1000 <= nowMs - REMEMBER_MS;
	if (first) memory.accepted.set(digest, Math.floor(nowMs / 1000));
	forgetOld(memory.accepted, nowMs);
	memory.saved.entries = pack(memory.accepted);
	// Assigned whenever the loaded copy lacks something, so n8n marks the data changed and saves it.
	if (memory.saved.entries !== loadedEntries)
		staticData.accepted = memory.saved as unknown as IDataObject;
	return first;
}
