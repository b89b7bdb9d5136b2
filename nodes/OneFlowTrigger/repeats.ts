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
import { createHash, randomUUID } from 'node:crypto';

import type { IDataObject } from 'n8n-workflow';

/** How long a callback is remembered, and how many at most per trigger (the oldest go first). */
const REMEMBER_MS = 48 * 60 * 60 * 1000;
const MAX_REMEMBERED = 10_000;

/** One entry: 22 characters of digest (base64url of 16 bytes), 7 of acceptance time (base36 s). */
const DIGEST_CHARS = 22;
const ENTRY_CHARS = DIGEST_CHARS + 7;
const FORMAT = 1;

interface Saved {
	format: number;
	/** Which memory saved it: a copy this memory saved holds nothing it does not know. */
	savedBy: string;
	entries: string;
}

interface Memory {
	/** digest -> acceptance time in seconds. */
	accepted: Map<string, number>;
	/** The digests oldest first from `head` on, as `saved.entries` holds them. */
	queue: string[];
	head: number;
	/** The object placed in static data: the same one for every request of this process. */
	saved: Saved;
}

const memories = new Map<string, Memory>();

/** What identifies a callback: its raw body, whatever its headers. */
export function callbackDigest(rawBody: Buffer): string {
	return createHash('sha256').update(rawBody).digest().subarray(0, 16).toString('base64url');
}

const entryOf = (digest: string, seconds: number) =>
	digest + seconds.toString(36).padStart(ENTRY_CHARS - DIGEST_CHARS, '0');

/** Adds what another process (or this one before a restart) saved, keeping the oldest first. */
function merge(memory: Memory, entries: string, nowMs: number): void {
	const { accepted, saved } = memory;
	if (entries === '' || entries === saved.entries) return;
	// What is older than all this process keeps at the cap would be dropped again at once.
	const full = accepted.size >= MAX_REMEMBERED;
	const floor = full ? parseInt(saved.entries.slice(DIGEST_CHARS, ENTRY_CHARS), 36) : -Infinity;
	const expired = (nowMs - REMEMBER_MS) / 1000;
	let added = false;
	for (let at = 0; at + ENTRY_CHARS <= entries.length; at += ENTRY_CHARS) {
		const digest = entries.slice(at, at + DIGEST_CHARS);
		const seconds = parseInt(entries.slice(at + DIGEST_CHARS, at + ENTRY_CHARS), 36);
		if (!(seconds > expired && seconds >= floor) || (accepted.get(digest) ?? -1) >= seconds)
			continue;
		accepted.set(digest, seconds);
		added = true;
	}
	if (!added) return;
	const sorted = [...accepted].sort((a, b) => a[1] - b[1]);
	memory.queue = sorted.map(([digest]) => digest);
	memory.head = 0;
	saved.entries = sorted.map(([digest, seconds]) => entryOf(digest, seconds)).join('');
}

/** Drops the expired entries and, past the cap, the oldest: both from the front. */
function forgetOld(memory: Memory, nowMs: number): void {
	const { accepted, queue } = memory;
	const oldest = (nowMs - REMEMBER_MS) / 1000;
	const from = memory.head;
	while (memory.head < queue.length) {
		const digest = queue[memory.head];
		if ((accepted.get(digest) ?? 0) > oldest && accepted.size <= MAX_REMEMBERED) break;
		accepted.delete(digest);
		memory.head++;
	}
	if (memory.head === from) return;
	memory.saved.entries = memory.saved.entries.slice((memory.head - from) * ENTRY_CHARS);
	if (memory.head > queue.length / 2) {
		memory.queue = queue.slice(memory.head);
		memory.head = 0;
	}
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
		const saved = { format: FORMAT, savedBy: randomUUID(), entries: '' };
		memory = { accepted: new Map(), queue: [], head: 0, saved };
		memories.set(processKey, memory);
	}
	const loaded = staticData.accepted as Partial<Saved> | undefined;
	const loadedEntries =
		loaded?.format === FORMAT && typeof loaded.entries === 'string' ? loaded.entries : '';
	if (loaded?.savedBy !== memory.saved.savedBy) merge(memory, loadedEntries, nowMs);
	forgetOld(memory, nowMs);
	const first = !memory.accepted.has(digest);
	if (first) {
		const seconds = Math.floor(nowMs / 1000);
		memory.accepted.set(digest, seconds);
		memory.queue.push(digest);
		memory.saved.entries += entryOf(digest, seconds);
		forgetOld(memory, nowMs);
	}
	// Placed whenever the loaded copy lacks something, so n8n marks the data changed and saves it.
	if (memory.saved.entries !== loadedEntries)
		staticData.accepted = memory.saved as unknown as IDataObject;
	return first;
}
