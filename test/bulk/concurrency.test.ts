/**
 * How the node's bulk deletes behave over time, in the real n8n engine against the 1Flow
 * emulator: the concurrency bound, output order, and stopping (cancelled, or at the first
 * failure). Retries are in ./retries.test.ts, de-duplication and lost answers in
 * ./one-delete-per-document.test.ts.
 */
import { NodeApiError } from 'n8n-workflow';

import { demoDocIds } from '../../testkit/emulator';
import {
	bulkEmulatorsPerTest,
	pairedItems,
	requestsFor,
	runDeletes,
	successIds,
} from '../support/bulk-delete';
import { WEBHOOK_ID, describeEachTransport } from '../support/one-flow-node';
import { sleep, waitFor } from '../support/wait';

const startEmulator = bulkEmulatorsPerTest();

describe('concurrency bound', () => {
	test.each([1, 4, 12])(
		'concurrency %i: never more requests in flight, and that many reached',
		async (concurrency) => {
			const docIds = demoDocIds(60);
			const emulator = await startEmulator(docIds, { latencyMs: 30 });

			const result = await runDeletes(emulator, { docIds, options: { concurrency } });

			expect(result.error).toBeUndefined();
			expect(emulator.maxInFlight).toBe(Math.min(concurrency, docIds.length));
			expect(emulator.requestCount).toBe(60);
			expect(successIds(result.main)).toEqual(docIds);
			expect(result.main.map((item) => item.pairedItem)).toEqual(pairedItems(60));
		},
	);

	test('a concurrency above the item count starts one request per item', async () => {
		const docIds = demoDocIds(3);
		const emulator = await startEmulator(docIds, { latencyMs: 30 });
		const result = await runDeletes(emulator, { docIds, options: { concurrency: 50 } });
		expect(result.error).toBeUndefined();
		expect(emulator.maxInFlight).toBe(3);
	});
});

describe('output order', () => {
	test('follows input order although answers arrive in another order', async () => {
		const docIds = demoDocIds(30);
		// 1..51 ms, scrambled over the documents.
		const delayOf = (docId: unknown) => ((Number(String(docId).slice(4)) * 37) % 11) * 5 + 1;
		const emulator = await startEmulator(docIds, {
			script: ({ docId }) => ({ kind: 'delay', ms: delayOf(docId) }),
		});

		const result = await runDeletes(emulator, { docIds, options: { concurrency: 6 } });

		expect(result.error).toBeUndefined();
		const answered = [...emulator.requests]
			.sort((a, b) => a.endedAt - b.endedAt)
			.map((request) => request.docId);
		expect(answered).not.toEqual(docIds);
		expect(successIds(result.main)).toEqual(docIds);
		expect(result.main.map((item) => item.pairedItem)).toEqual(pairedItems(30));
	});

	test('with failures: each output keeps input order and every item is paired', async () => {
		const docIds = demoDocIds(20);
		const failing = new Set(['doc_003', 'doc_010', 'doc_011', 'doc_019']);
		const emulator = await startEmulator(docIds, {
			script: ({ docId }) =>
				failing.has(docId as string)
					? { kind: 'status', status: 400, body: { error: 'Malformed docId' } }
					: { kind: 'delay', ms: 20 - (Number(String(docId).slice(4)) % 20) },
		});

		const result = await runDeletes(emulator, {
			docIds,
			options: { concurrency: 5 },
			onError: 'continueErrorOutput',
		});

		expect(result.error).toBeUndefined();
		const expectedFailed = docIds.flatMap((docId, item) => (failing.has(docId) ? [item] : []));
		const expectedDeleted = docIds.flatMap((docId, item) => (failing.has(docId) ? [] : [item]));
		expect(result.errorOutput.map((item) => item.pairedItem)).toEqual(
			expectedFailed.map((item) => ({ item })),
		);
		expect(
			result.errorOutput.map((item) => (item.json.details as { docId: string }).docId),
		).toEqual(expectedFailed.map((item) => docIds[item]));
		expect(result.main.map((item) => item.pairedItem)).toEqual(
			expectedDeleted.map((item) => ({ item })),
		);
		expect(successIds(result.main)).toEqual(expectedDeleted.map((item) => docIds[item]));
	});
});

describeEachTransport('stopping', () => {
	test.each([['stopWorkflow'], ['continueErrorOutput']] as const)(
		'a cancelled execution stops sending (On Error: %s)',
		async (onError) => {
			const docIds = demoDocIds(200);
			const emulator = await startEmulator(docIds, { latencyMs: 50 });
			const controller = new AbortController();

			const pending = runDeletes(emulator, {
				docIds,
				options: { concurrency: 2 },
				signal: controller.signal,
				onError,
			});
			await waitFor(() => emulator.requestCount >= 6, '6 requests');
			controller.abort();
			const atAbort = emulator.requestCount;
			const result = await pending;

			// Only a request that was being started at that moment may still arrive.
			await sleep(300);
			const shortlyAfter = emulator.requestCount;
			expect(shortlyAfter - atAbort).toBeLessThanOrEqual(2);
			// ...and then nothing more, over ten times the emulator's latency.
			await sleep(500);
			expect(emulator.requestCount).toBe(shortlyAfter);
			expect(emulator.requestCount).toBeLessThan(20);
			expect(emulator.inFlight).toBe(0);
			const stillThere = docIds.filter((docId) => emulator.hasDocument(WEBHOOK_ID, docId));
			expect(stillThere.length).toBeGreaterThanOrEqual(200 - emulator.requestCount);

			// A cancelled run is not an error: n8n marks it 'canceled' and keeps one item per input
			// saying what happened to it, on the error output when there is one.
			expect(result.status).toBe('canceled');
			const items = [...result.main, ...result.errorOutput];
			expect(items).toHaveLength(200);
			const indexes = items.map((item) => (item.pairedItem as { item: number }).item);
			expect(new Set(indexes).size).toBe(200);
			const failed =
				onError === 'stopWorkflow'
					? result.main.filter((item) => 'error' in item.json)
					: result.errorOutput;
			const notSent = failed.filter((item) =>
				String(item.json.error).includes('cancelled before its request was sent'),
			);
			expect(notSent.length).toBeGreaterThanOrEqual(200 - emulator.requestCount);
			for (const item of notSent)
				expect(requestsFor(emulator, item.json.docId as string)).toEqual([]);
			const deleted = items.filter((item) => item.json.deleted === true);
			for (const item of deleted)
				expect(emulator.deleteCount(item.json.documentId as string)).toBe(1);
			expect(result.logs.join('\n')).toContain('(execution cancelled)');
		},
	);

	test('without "continue", the first failure stops new deletes and is thrown', async () => {
		const docIds = demoDocIds(40);
		const emulator = await startEmulator(docIds, {
			latencyMs: 20,
			script: ({ docId }) =>
				docId === 'doc_006'
					? { kind: 'status', status: 400, body: { error: 'Malformed docId' } }
					: undefined,
		});

		const result = await runDeletes(emulator, { docIds, options: { concurrency: 4 } });

		expect(result.status).toBe('error');
		expect(result.error).toBeInstanceOf(NodeApiError);
		expect(result.error?.message).toBe('1Flow rejected document ID "doc_006": Malformed docId');
		expect((result.error as NodeApiError).httpCode).toBe('400');
		// doc_006's 400 comes with the second four (the latency holds for it too), in any order with
		// the other three answers: each answer read before it may have started one more delete, and
		// nothing starts after it. (A keep-alive client gets the four answers in the same instant.)
		expect(emulator.requestCount).toBeLessThanOrEqual(4 + 4 + 3);
		const deleted = docIds.filter((docId) => emulator.deleteCount(docId) === 1).length;
		expect(deleted).toBe(emulator.requestCount - 1);
		expect((result.error as NodeApiError).description).toContain(
			deleted === 1
				? '1 other document of this run was deleted'
				: `${deleted} other documents of this run were deleted`,
		);
		expect(emulator.hasDocument(WEBHOOK_ID, 'doc_040')).toBe(true);
	});
});
