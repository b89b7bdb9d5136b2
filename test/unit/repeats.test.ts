import type { IDataObject } from 'n8n-workflow';

import { acceptOnce, callbackDigest } from '../../nodes/OneFlowTrigger/repeats';

/** The figures docs/trigger-security.md states. */
const REMEMBER_MS = 48 * 60 * 60 * 1000;
const MAX_REMEMBERED = 10_000;

const NOW = Date.parse('2026-11-30T12:00:00Z');
let keys = 0;
const newKey = () => `unit:${++keys}`;
const digest = (text: string) => callbackDigest(Buffer.from(text));

describe('acceptOnce', () => {
	it('accepts a body once, until it is older than the memory lasts', () => {
		const [store, key] = [{}, newKey()];
		expect(acceptOnce(store, key, digest('a'), NOW)).toBe(true);
		expect(acceptOnce(store, key, digest('a'), NOW + 1000)).toBe(false);
		expect(acceptOnce(store, key, digest('b'), NOW + 1000)).toBe(true);
		expect(acceptOnce(store, key, digest('a'), NOW + REMEMBER_MS - 1000)).toBe(false);
		expect(acceptOnce(store, key, digest('a'), NOW + REMEMBER_MS + 1000)).toBe(true);
	});

	it('remembers through static data alone (a restart, another process)', () => {
		const store = {};
		expect(acceptOnce(store, newKey(), digest('c'), NOW)).toBe(true);
		const reloaded = JSON.parse(JSON.stringify(store)) as IDataObject;
		expect(acceptOnce(reloaded, newKey(), digest('c'), NOW + 1000)).toBe(false);
	});

	it('a copy loaded before another request recorded still learns of it in this process', () => {
		const key = newKey();
		const [first, second] = [{}, {}];
		expect(acceptOnce(first, key, digest('d'), NOW)).toBe(true);
		expect(acceptOnce(second, key, digest('e'), NOW)).toBe(true);
		// Whichever is saved last holds both.
		for (const saved of [first, second]) {
			const reloaded = JSON.parse(JSON.stringify(saved)) as IDataObject;
			expect(acceptOnce(reloaded, newKey(), digest('d'), NOW)).toBe(false);
			expect(acceptOnce(reloaded, newKey(), digest('e'), NOW)).toBe(false);
		}
	});

	it('keeps at most MAX_REMEMBERED, dropping the oldest', () => {
		const [store, key] = [{} as IDataObject, newKey()];
		for (let index = 0; index <= MAX_REMEMBERED; index++)
			acceptOnce(store, key, digest(`flood ${index}`), NOW + index * 10);
		const entries = (store.accepted as { entries: string }).entries;
		expect(entries.length).toBe(MAX_REMEMBERED * 29);
		const later = NOW + MAX_REMEMBERED * 10 + 1000;
		expect(acceptOnce(store, newKey(), digest(`flood ${MAX_REMEMBERED}`), later)).toBe(false);
		expect(acceptOnce(store, newKey(), digest('flood 0'), later)).toBe(true);
	});

	it('ignores static data it cannot read', () => {
		const store = { accepted: { format: 99, entries: 42 } } as unknown as IDataObject;
		expect(acceptOnce(store, newKey(), digest('f'), NOW)).toBe(true);
	});
});
