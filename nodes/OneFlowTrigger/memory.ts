/**
 * The callbacks whose run has started, so that the same body again starts nothing however it is
 * signed, and a callback older than what is remembered starts nothing either (a replay).
 *
 * Two moments, because n8n answers 1Flow only once it has stored the execution:
 * - at the webhook, `admit` checks and marks the callback pending in this process (a re-send
 *   meanwhile waits), but writes nothing: n8n would not save it there, and its write would race
 *   the execution's own;
 * - in the run, `confirm` records it; the run's static data is marked changed so n8n saves it
 *   with the run, but only when no save of this memory is already queued: one queued save
 *   carries every entry recorded before n8n serialises it (`toJSON`), so a surge costs a few
 *   saves, not one per callback.
 * Each process keeps the memory per trigger and mode (Test URL apart from Production URL), and
 * merges what other processes saved.
 */
import { randomUUID } from 'node:crypto';

import type { IDataObject } from 'n8n-workflow';

import { ENTRY_CHARS, entryOf, parseId } from './identity';

/** Figures and their reasons: docs/trigger-security.md#repeats. */
const CAPACITY = 5_000;
const WINDOW_S = 48 * 3600;
const PENDING_MS = 120_000;
const SAVE_QUEUED_MS = 30_000;

const FORMAT = 2;
const KEY = 'callbacks';

interface SavedForm {
	format: number;
	/** Which process saved it: what it saved, it already knows. */
	savedBy: string;
	/** Callbacks at or before this time (seconds) are refused as too old. */
	watermark: number;
	/** How many changes the saving process had made: a copy it saved is behind when lower. */
	version: number;
	entries: string;
}

interface Memory {
	/** digest -> time in seconds (the callback's own, or when first seen). */
	started: Map<string, number>;
	/** digest -> when admitted (ms): its run has not been seen to start yet. */
	pending: Map<string, number>;
	watermark: number;
	id: string;
	version: number;
	/** The entries text last merged from a save, to skip merging it again. */
	merged: string;
	/** Set when a run marked the data changed, cleared when n8n serialises it. */
	saveQueuedAt?: number;
	forgotAt: number;
	/** The object placed in a run's static data: n8n serialises it through toJSON. */
	saved: { toJSON(): SavedForm };
}

const memories = new Map<string, Memory>();

function entriesOf(memory: Memory): string {
	let text = '';
	for (const [digest, seconds] of memory.started) text += entryOf(digest, seconds);
	return text;
}

function memoryOf(key: string): Memory {
	let memory = memories.get(key);
	if (memory === undefined) {
		const created: Memory = {
			started: new Map(),
			pending: new Map(),
			watermark: 0,
			id: randomUUID(),
			version: 0,
			merged: '',
			forgotAt: 0,
			saved: {
				toJSON: () => {
					created.saveQueuedAt = undefined;
					const { id: savedBy, watermark, version } = created;
					return { format: FORMAT, savedBy, watermark, version, entries: entriesOf(created) };
				},
			},
		};
		memories.set(key, (memory = created));
	}
	return memory;
}

/** Adds what another process (or this one before a restart) saved. */
function merge(memory: Memory, staticData: IDataObject): void {
	const loaded = staticData[KEY] as Partial<SavedForm> | undefined;
	if (typeof loaded !== 'object' || loaded === null || loaded.format !== FORMAT) return;
	if (loaded.savedBy === memory.id || typeof loaded.entries !== 'string') return;
	if (typeof loaded.watermark === 'number' && loaded.watermark > memory.watermark)
		memory.watermark = loaded.watermark;
	if (loaded.entries === memory.merged) return;
	memory.merged = loaded.entries;
	for (let at = 0; at + ENTRY_CHARS <= loaded.entries.length; at += ENTRY_CHARS) {
		const entry = parseId(loaded.entries.slice(at, at + ENTRY_CHARS));
		if (entry === undefined || entry.seconds <= memory.watermark) continue;
		if (memory.started.has(entry.digest)) continue;
		memory.started.set(entry.digest, entry.seconds);
		memory.version++;
	}
}

/** Drops what is past the window and, over the capacity, the oldest tenth (raising the watermark). */
function forget(memory: Memory, nowMs: number): void {
	memory.forgotAt = nowMs;
	const oldest = Math.floor(nowMs / 1000) - WINDOW_S;
	if (oldest > memory.watermark) memory.watermark = oldest;
	if (memory.started.size > CAPACITY) {
		const times = [...memory.started.values()].sort((a, b) => a - b);
		const cut = times[memory.started.size - Math.floor(CAPACITY * 0.9) - 1];
		if (cut > memory.watermark) memory.watermark = cut;
	}
	for (const [digest, seconds] of memory.started)
		if (seconds <= memory.watermark && memory.started.delete(digest)) memory.version++;
	for (const [digest, since] of memory.pending)
		if (nowMs - since > PENDING_MS) memory.pending.delete(digest);
}

function prepared(key: string, staticData: IDataObject | undefined, nowMs: number): Memory {
	const memory = memoryOf(key);
	if (staticData !== undefined) merge(memory, staticData);
	// At most once a second, or at once past the capacity: a pass visits every entry.
	if (memory.started.size > CAPACITY || nowMs - memory.forgotAt > 1000) forget(memory, nowMs);
	return memory;
}

export type Admission = 'new' | 'pending' | 'started' | 'tooOld' | 'unreadable';

/**
 * Whether the loaded copy lacks what this process knows: a save that landed out of order (n8n
 * 1.x's SQLite driver writes in parallel), or one another process made over it.
 */
function isBehind(memory: Memory, staticData: IDataObject): boolean {
	const loaded = staticData[KEY] as Partial<SavedForm> | undefined;
	if (memory.started.size === 0) return false;
	return loaded?.savedBy !== memory.id || loaded.version !== memory.version;
}

/** At the webhook: whether this callback may start a run; a new one is marked pending. */
export function admit(
	key: string,
	staticData: IDataObject | undefined,
	callbackId: string,
	nowMs: number,
): Admission {
	const entry = parseId(callbackId);
	if (entry === undefined) return 'unreadable';
	const memory = prepared(key, staticData, nowMs);
	const outcome: Admission = memory.started.has(entry.digest)
		? 'started'
		: entry.seconds <= Math.max(memory.watermark, Math.floor(nowMs / 1000) - WINDOW_S)
			? 'tooOld'
			: memory.pending.has(entry.digest)
				? 'pending'
				: 'new';
	if (outcome === 'new') memory.pending.set(entry.digest, nowMs);
	// The trigger answers these itself, and then n8n saves what changed: the copy is put right.
	else if (staticData !== undefined && isBehind(memory, staticData))
		staticData[KEY] = memory.saved as unknown as IDataObject;
	return outcome;
}

/**
 * In the run: true when this is the callback's first run (recorded), false when another run had
 * it. Synchronous from reading to recording, so no other run of this process comes in between.
 */
export function confirm(
	key: string,
	staticData: IDataObject | undefined,
	callbackId: string,
	nowMs: number,
): boolean {
	const entry = parseId(callbackId);
	if (entry === undefined) return true;
	const memory = prepared(key, staticData, nowMs);
	if (memory.started.has(entry.digest)) return false;
	memory.started.set(entry.digest, entry.seconds);
	memory.version++;
	memory.pending.delete(entry.digest);
	const queued = memory.saveQueuedAt;
	if (staticData !== undefined && (queued === undefined || nowMs - queued > SAVE_QUEUED_MS)) {
		staticData[KEY] = memory.saved as unknown as IDataObject;
		memory.saveQueuedAt = nowMs;
	}
	return true;
}
