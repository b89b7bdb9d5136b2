/**
 * 1,000 deletes through the real n8n engine against the 1Flow emulator with seeded faults of
 * every kind, checking what must hold however the faults fall: one output item per input
 * item, each document deleted at most once, nothing untouched asked for or touched unasked.
 */
import { runInThisContext } from 'node:vm';

import type { INodeExecutionData } from 'n8n-workflow';

import { OneFlowEmulator, type RecordedRequest } from '../../testkit/emulator';
import type { RunNodeResult } from '../../testkit/engine';
import { SECRET, WEBHOOK_ID, runOneFlow } from '../support/one-flow-node';
import {
	BAD_VALUES,
	ITEM_COUNT,
	faultOf,
	isFinal,
	maybeCarriedOut,
	pairedIndex,
	planItems,
} from './cases/mixed-faults';

const CONCURRENCY = 10;
/** Documents whose first attempt is answered 429, with the Retry-After sent. */
const RATE_LIMITED = new Map([
	['doc_0100', '1'],
	['doc_0400', '0'],
	// An HTTP date already past: retry at once.
	['doc_0600', new Date(Date.now() - 5_000).toUTCString()],
	['doc_0800', '1'],
]);

const MAX_RETRIES = 10;

/** The real process (Jest hands each test file a copy that never sees process events). */
const realProcess = runInThisContext('process') as NodeJS.Process;

describe('1,000 deletes under mixed faults (engine + emulator)', () => {
	const plan = planItems();
	const emulator = new OneFlowEmulator({
		webhooks: [
			{ id: WEBHOOK_ID, secret: SECRET, documents: [...plan.existing, ...plan.untouched] },
		],
	});
	const unhandled: unknown[] = [];
	const onUnhandled = (reason: unknown) => unhandled.push(reason);
	let result: RunNodeResult;
	let byDocId: Map<string, RecordedRequest[]>;

	beforeAll(async () => {
		await emulator.start();
		const duplicates = new Set(plan.duplicates);
		emulator.setFaults({
			seed: 7,
			latencyMs: 1,
			errorRate: 0.06,
			errorStatuses: [500, 502, 503],
			dropRate: 0.02,
			lostResponseRate: 0.03,
			nonJsonRate: 0.004,
			hangRate: 0.002,
			script: ({ docId, attempt }) => {
				if (typeof docId !== 'string') return undefined;
				// The webhook check (an empty docId) gets no random fault: the plan counts on it.
				if (docId === '') return { kind: 'delay', ms: 1 };
				// Duplicated documents get no random fault, so that "sent once" is exact for them.
				if (duplicates.has(docId)) return { kind: 'delay', ms: 1 };
				// Rate limiting, scripted so that it happens however fast this machine is.
				const retryAfter = RATE_LIMITED.get(docId);
				if (retryAfter !== undefined && attempt === 1) {
					return {
						kind: 'status',
						status: 429,
						body: { error: 'Too many requests' },
						headers: { 'Retry-After': retryAfter },
					};
				}
				return undefined;
			},
		});

		// The listener must be able to see an unhandled rejection: check it with a canary that
		// is handled afterwards (so Jest does not count it).
		realProcess.on('unhandledRejection', onUnhandled);
		const canary = Promise.reject(new Error('canary'));
		for (let i = 0; i < 50 && unhandled.length === 0; i++)
			await new Promise((resolve) => setTimeout(resolve, 5));
		canary.catch(() => undefined);
		expect(unhandled).toEqual([expect.objectContaining({ message: 'canary' })]);
		unhandled.length = 0;

		result = await runOneFlow(
			emulator,
			plan.items.map((item) => item.json),
			{
				parameters: { docId: '={{ $json.docId ?? $json.documentId }}' },
				options: {
					concurrency: CONCURRENCY,
					maxRetries: MAX_RETRIES,
					timeout: 1000,
					treatNotFoundAsDeleted: false,
				},
				onError: 'continueErrorOutput',
			},
		);
		// Let anything the node left behind settle before the listener is removed.
		await new Promise((resolve) => setTimeout(resolve, 200));
		realProcess.off('unhandledRejection', onUnhandled);

		byDocId = new Map();
		for (const request of emulator.requests) {
			const key = typeof request.docId === 'string' ? request.docId : JSON.stringify(request.docId);
			byDocId.set(key, [...(byDocId.get(key) ?? []), request]);
		}
	}, 120_000);

	afterAll(async () => {
		realProcess.off('unhandledRejection', onUnhandled);
		await emulator.stop();
	});

	const outcomeOf = (): Map<number, { output: 'main' | 'error'; item: INodeExecutionData }> => {
		const outcomes = new Map<number, { output: 'main' | 'error'; item: INodeExecutionData }>();
		for (const item of result.main) outcomes.set(pairedIndex(item), { output: 'main', item });
		for (const item of result.errorOutput)
			outcomes.set(pairedIndex(item), { output: 'error', item });
		return outcomes;
	};

	test('the execution succeeds with no unhandled rejection', () => {
		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');
		expect(unhandled).toEqual([]);
	});

	test('exactly one output item per input item, across both outputs, each in input order', () => {
		const indexes = [...result.main, ...result.errorOutput].map(pairedIndex);
		expect(indexes).toHaveLength(ITEM_COUNT);
		expect([...indexes].sort((a, b) => a - b)).toEqual(
			Array.from({ length: ITEM_COUNT }, (_, i) => i),
		);
		const ascending = (list: number[]) => list.every((value, i) => i === 0 || list[i - 1] < value);
		expect(ascending(result.main.map(pairedIndex))).toBe(true);
		expect(ascending(result.errorOutput.map(pairedIndex))).toBe(true);
	});

	test('every item reports the document it asked for', () => {
		for (const [index, { output, item }] of outcomeOf()) {
			const planned = plan.items[index];
			if (output === 'main') {
				expect(item.json).toMatchObject({
					success: true,
					deleted: true,
					documentId: planned.docId,
				});
			} else {
				expect(item.json).toMatchObject({
					error: expect.any(String),
					details: { docId: planned.docId, description: expect.any(String) },
				});
				// The engine merged the input item's fields into the error item.
				expect(item.json.row).toBe(planned.json.row);
			}
		}
	});

	test('bad input goes to the error output and is never sent', () => {
		const outcomes = outcomeOf();
		plan.items.forEach((planned, index) => {
			if (planned.kind !== 'bad') return;
			const outcome = outcomes.get(index);
			expect(outcome?.output).toBe('error');
			expect(outcome?.item.json.details).toMatchObject({ docId: null, httpCode: null });
		});
		// The only requests without a document ID are the node's webhook check (once per run,
		// retried like a delete, before reading a 404 after a lost answer): they delete nothing.
		const empty = emulator.requests.filter(
			(request) => typeof request.docId !== 'string' || request.docId.trim() === '',
		);
		expect(empty.length).toBeLessThanOrEqual(1 + MAX_RETRIES);
		for (const request of empty) expect(request).toMatchObject({ docId: '', deleted: false });
		if (empty.length > 0) expect(empty.filter((request) => request.status === 400)).toHaveLength(1);
	});

	test('a document reported deleted is gone and was deleted exactly once', () => {
		for (const [index, { output, item }] of outcomeOf()) {
			if (output !== 'main') continue;
			const planned = plan.items[index];
			const docId = planned.docId as string;
			expect(emulator.hasDocument(WEBHOOK_ID, docId)).toBe(false);
			if (planned.kind === 'unknown') {
				// A document 1Flow never had can only look deleted after an attempt whose answer was
				// lost: the retry's 404 cannot tell "deleted by that attempt" from "never existed".
				expect(item.json.confirmedByRetry).toBe(true);
				expect(emulator.deleteCount(docId)).toBe(0);
				expect((byDocId.get(docId) ?? []).some(maybeCarriedOut)).toBe(true);
			} else {
				expect(emulator.deleteCount(docId)).toBe(1);
			}
		}
	});

	test('every document asked for is either deleted once or reported failed', () => {
		const outcomes = outcomeOf();
		plan.items.forEach((planned, index) => {
			if (planned.docId === null) return;
			const outcome = outcomes.get(index);
			expect(outcome).toBeDefined();
			const count = emulator.deleteCount(planned.docId);
			expect(count).toBeLessThanOrEqual(1);
			if (outcome?.output === 'error') {
				// Still there, unless an attempt whose answer was lost removed it.
				const lost = (byDocId.get(planned.docId) ?? []).some(
					(request) => request.deleted && request.status === 'lost',
				);
				expect(emulator.hasDocument(WEBHOOK_ID, planned.docId)).toBe(
					planned.kind !== 'unknown' && !lost,
				);
				expect(count).toBe(lost ? 1 : 0);
			}
		});
	});

	test('documents not asked for are untouched and never named in a request', () => {
		for (const docId of plan.untouched) {
			expect(emulator.hasDocument(WEBHOOK_ID, docId)).toBe(true);
			expect(emulator.deleteCount(docId)).toBe(0);
			expect(byDocId.has(docId)).toBe(false);
		}
		const asked = new Set(plan.items.map((item) => item.docId));
		for (const docId of byDocId.keys()) expect(docId === '' || asked.has(docId)).toBe(true);
	});

	test('a delete whose answer was lost is reported deleted, confirmed by the retry', () => {
		const outcomes = outcomeOf();
		let checked = 0;
		plan.items.forEach((planned, index) => {
			if (planned.docId === null) return;
			const requests = byDocId.get(planned.docId) ?? [];
			const lostAt = requests.findIndex((request) => request.deleted && request.status === 'lost');
			if (lostAt === -1) return;
			checked++;
			const later = requests.slice(lostAt + 1);
			// The retries found the document gone (a gateway page without JSON instead ends the delete).
			if (later.some((request) => faultOf(request) === 'nonJson')) {
				expect(outcomes.get(index)?.output).toBe('error');
				return;
			}
			expect(later.filter((request) => request.status === 404)).toHaveLength(1);
			expect(outcomes.get(index)?.item.json).toMatchObject({
				success: true,
				deleted: true,
				confirmedByRetry: true,
			});
		});
		expect(checked).toBeGreaterThan(0);
		// And confirmedByRetry is only ever claimed after an attempt that may have been carried out.
		for (const [index, { item }] of outcomes) {
			if (item.json.confirmedByRetry !== true) continue;
			expect((byDocId.get(plan.items[index].docId as string) ?? []).some(maybeCarriedOut)).toBe(
				true,
			);
		}
	});

	test('each document is one logical delete: attempts never overlap and stop at a final answer', () => {
		const overlapping: string[] = [];
		const afterFinal: string[] = [];
		for (const [docId, requests] of byDocId) {
			for (let i = 1; i < requests.length; i++) {
				if (requests[i].startedAt < requests[i - 1].endedAt) overlapping.push(docId);
			}
			const finalAt = requests.findIndex(isFinal);
			if (finalAt !== -1 && finalAt < requests.length - 1) afterFinal.push(docId);
			for (const request of requests) expect(request.authorized).toBe(true);
		}
		expect(overlapping).toEqual([]);
		expect(afterFinal).toEqual([]);
		expect(byDocId.size).toBeGreaterThan(900);
	});

	test('a document asked for by several items is sent once and every item gets its result', () => {
		const outcomes = outcomeOf();
		for (const docId of plan.duplicates) {
			const sent = (byDocId.get(docId) ?? []).filter((request) => request.status !== 429);
			expect({ docId, sent: sent.length }).toEqual({ docId, sent: 1 });
			const indexes = plan.items.flatMap((item, index) => (item.docId === docId ? [index] : []));
			expect(indexes.length).toBeGreaterThanOrEqual(2);
			for (const index of indexes) {
				const outcome = outcomes.get(index);
				expect(outcome?.output).toBe('main');
				expect(outcome?.item.pairedItem).toEqual({ item: index });
				expect(outcome?.item.json).toMatchObject({
					success: true,
					deleted: true,
					documentId: docId,
				});
			}
		}
	});

	test('never more requests in flight than the concurrency option', () => {
		expect(emulator.maxInFlight).toBeLessThanOrEqual(CONCURRENCY);
		expect(emulator.maxInFlight).toBeGreaterThan(1);
		expect(emulator.inFlight).toBe(0);
	});

	test('the secret appears in no output item and no log line', () => {
		expect(JSON.stringify([result.main, result.errorOutput])).not.toContain(SECRET);
		expect(result.logs.join('\n')).not.toContain(SECRET);
	});

	test('faults of every kind were injected (summary)', () => {
		const faults: Record<string, number> = {};
		for (const request of emulator.requests) {
			const kind = faultOf(request);
			if (kind !== undefined) faults[kind] = (faults[kind] ?? 0) + 1;
		}
		for (const kind of [
			'rateLimited429',
			'http500',
			'http502',
			'http503',
			'dropped',
			'lostResponse',
			'nonJson',
		]) {
			expect({ kind, injected: (faults[kind] ?? 0) > 0 }).toEqual({ kind, injected: true });
		}
		const answered = new Set([...result.main, ...result.errorOutput].map(pairedIndex));
		const itemsLost = ITEM_COUNT - answered.size;
		const deleted = result.main.length;
		const confirmed = result.main.filter((item) => item.json.confirmedByRetry === true).length;
		const total = Object.values(faults).reduce((sum, count) => sum + count, 0);
		const unknownDeleted = result.main.filter(
			(item) => plan.items[pairedIndex(item)].kind === 'unknown',
		).length;
		const existingFailed = result.errorOutput.filter((item) => {
			const { kind } = plan.items[pairedIndex(item)];
			return kind === 'unique' || kind === 'duplicate';
		}).length;
		console.log(
			`bulk invariants: ${ITEM_COUNT} items (${plan.duplicates.length} docIds duplicated, 10 unknown, ${BAD_VALUES.length} bad), ` +
				`${emulator.requests.length} requests, faults injected: ${total} (` +
				Object.entries(faults)
					.sort()
					.map(([kind, count]) => `${kind} ${count}`)
					.join(', ') +
				`), reported deleted: ${deleted} (${confirmed} confirmedByRetry, ${unknownDeleted} of them never existed), ` +
				`error output: ${result.errorOutput.length} (${existingFailed} existing documents not deleted), ` +
				`items lost: ${itemsLost}, most in flight: ${emulator.maxInFlight}/${CONCURRENCY}`,
		);
		expect(itemsLost).toBe(0);
	});
});
