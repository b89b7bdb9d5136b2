/**
 * The Trigger's memory on its own, with the clock in hand: what `admit` answers at the webhook,
 * what `confirm` records in the run, when a run marks the static data for saving, and what is
 * forgotten at the capacity and after the window. Figures as docs/trigger-security.md states them.
 */
import { randomUUID } from 'node:crypto';

import type { IDataObject } from 'n8n-workflow';

import { callbackIdOf } from '../../nodes/OneFlowTrigger/identity';
import { admit, confirm } from '../../nodes/OneFlowTrigger/memory';

const CAPACITY = 5_000;
const WINDOW_MS = 48 * 3600 * 1000;
const PENDING_MS = 120_000;
const NOW = Date.parse('2026-12-06T12:00:00Z');

const idOf = (text: string, timeMs = NOW) => callbackIdOf(Buffer.from(text), timeMs);
/** A new trigger's memory each time (the key names a trigger node). */
const newKey = () => `workflow:${randomUUID()}`;
/** What n8n does when it saves static data, and loads it back in another request or process. */
const savedCopy = (data: IDataObject) => JSON.parse(JSON.stringify(data)) as IDataObject;

describe('admit, at the webhook', () => {
	it('a new callback is pending until its run confirms it; then it is a repeat', () => {
		const key = newKey();
		expect(admit(key, {}, idOf('a'), NOW)).toBe('new');
		expect(admit(key, {}, idOf('a'), NOW + 10)).toBe('pending');
		expect(confirm(key, {}, idOf('a'), NOW + 20)).toBe(true);
		expect(admit(key, {}, idOf('a'), NOW + 30)).toBe('started');
		expect(admit(key, {}, idOf('b'), NOW + 30)).toBe('new');
	});

	it('a pending callback whose run never came (n8n could not store it) is admitted again after the pending time', () => {
		const key = newKey();
		expect(admit(key, {}, idOf('lost'), NOW)).toBe('new');
		expect(admit(key, {}, idOf('lost'), NOW + PENDING_MS - 1000)).toBe('pending');
		expect(admit(key, {}, idOf('lost'), NOW + PENDING_MS + 2000)).toBe('new');
	});

	it('a callback older than the window is too old, whatever the memory holds', () => {
		const key = newKey();
		expect(admit(key, {}, idOf('old', NOW - WINDOW_MS - 1000), NOW)).toBe('tooOld');
		expect(admit(key, {}, idOf('recent', NOW - WINDOW_MS + 60_000), NOW)).toBe('new');
	});

	it('an unreadable id is said so', () => {
		expect(admit(newKey(), {}, 'not an id', NOW)).toBe('unreadable');
	});
});

describe('a stored copy that is behind', () => {
	it('a repeat, which the trigger answers itself, puts back what a save landing out of order lost', () => {
		const key = newKey();
		const first: IDataObject = {};
		confirm(key, first, idOf('e1'), NOW);
		const older = savedCopy(first);
		const second: IDataObject = {};
		confirm(key, second, idOf('e2'), NOW + 1);
		// n8n 1.x wrote the first save last: the database holds e1 only.
		const loaded = savedCopy(older);
		expect(admit(key, loaded, idOf('e1'), NOW + 2)).toBe('started');
		const repaired = savedCopy(loaded);
		expect((repaired.callbacks as { entries: string }).entries).toHaveLength(2 * 23);
		// Up to date, a repeat writes nothing.
		const upToDate = savedCopy(repaired);
		expect(admit(key, upToDate, idOf('e2'), NOW + 3)).toBe('started');
		expect(upToDate.callbacks).toEqual(repaired.callbacks);
		expect(upToDate.callbacks).not.toHaveProperty('toJSON');
	});
});

describe('confirm, in the run', () => {
	it('records the first run, stops a second one', () => {
		const key = newKey();
		expect(confirm(key, {}, idOf('c'), NOW)).toBe(true);
		expect(confirm(key, {}, idOf('c'), NOW + 5)).toBe(false);
	});

	it('marks the run static data for saving only when no save of the memory is queued', () => {
		const key = newKey();
		const runs = [{}, {}, {}, {}].map((data) => data as IDataObject);
		confirm(key, runs[0], idOf('r0'), NOW);
		confirm(key, runs[1], idOf('r1'), NOW + 1);
		expect([runs[0].callbacks !== undefined, runs[1].callbacks !== undefined]).toEqual([
			true,
			false,
		]);
		// n8n serialises the first run's data when it saves: it carries both entries.
		const saved = savedCopy(runs[0]);
		expect((saved.callbacks as { entries: string }).entries).toHaveLength(2 * 23);
		confirm(key, runs[2], idOf('r2'), NOW + 2);
		expect(runs[2].callbacks).toBeDefined();
		// A queued save that never happened (a run that crashed) stops holding back after 30 s.
		confirm(key, runs[3], idOf('r3'), NOW + 2 + 31_000);
		expect(runs[3].callbacks).toBeDefined();
	});

	it("another process's saved entries are merged: its callbacks are repeats here", () => {
		const data: IDataObject = {};
		expect(confirm(newKey(), data, idOf('d'), NOW)).toBe(true);
		const loaded = savedCopy(data);
		const elsewhere = newKey();
		expect(admit(elsewhere, loaded, idOf('d'), NOW + 10)).toBe('started');
		expect(confirm(elsewhere, loaded, idOf('d'), NOW + 10)).toBe(false);
	});
});

describe('the capacity and the watermark', () => {
	it('past the capacity the oldest are forgotten and refused as too old; the saved form stays bounded', () => {
		const key = newKey();
		let data: IDataObject = {};
		const total = CAPACITY + 1_000;
		for (let index = 0; index < total; index++) {
			const time = NOW + index * 1000;
			expect(confirm(key, data, idOf(`cap ${index}`, time), time)).toBe(true);
			if (index % 500 === 0) data = savedCopy(data);
		}
		const later = NOW + total * 1000;
		data = savedCopy(data);
		const entries = (data.callbacks as { entries: string }).entries.length / 23;
		expect(entries).toBeLessThanOrEqual(CAPACITY);
		expect(entries).toBeGreaterThanOrEqual(CAPACITY * 0.9 - 1);
		// The oldest, re-sent, is older than the watermark; so is a never-seen one of its time.
		expect(admit(key, data, idOf('cap 0', NOW), later)).toBe('tooOld');
		expect(admit(key, data, idOf('never seen', NOW + 5), later)).toBe('tooOld');
		// The newest is still remembered, and a fresh one starts.
		expect(admit(key, data, idOf(`cap ${total - 1}`, later - 1000), later)).toBe('started');
		expect(admit(key, data, idOf('fresh', later), later)).toBe('new');
		// Another process loading the saved form refuses the oldest too.
		expect(admit(newKey(), savedCopy(data), idOf('cap 0', NOW), later)).toBe('tooOld');
	});

	it('after the window an entry is forgotten, and its callback is too old', () => {
		const key = newKey();
		const data: IDataObject = {};
		confirm(key, data, idOf('w'), NOW);
		expect(admit(key, data, idOf('w'), NOW + WINDOW_MS - 1000)).toBe('started');
		expect(admit(key, data, idOf('w'), NOW + WINDOW_MS + 2000)).toBe('tooOld');
	});
});
