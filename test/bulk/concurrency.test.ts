/**
 * How the node's bulk deletes behave over time, in the real n8n engine against the 1Flow
 * emulator: the concurrency bound, output order, cancelling, Retry-After, de-duplication,
 * lost answers and what is (not) retried.
 */
import { NodeApiError } from 'n8n-workflow';
import type { INodeExecutionData } from 'n8n-workflow';

import {
	demoDocIds,
	type FaultAction,
	type FaultConfig,
	type OneFlowEmulator,
	type RecordedRequest,
} from '../../testkit/emulator';
import type { RunNodeResult } from '../../testkit/engine';
import {
	SECRET,
	WEBHOOK_ID,
	describeEachTransport,
	emulatorsPerTest,
	runOneFlow,
	type RunSettings,
} from '../support/one-flow-node';
import { sleep, waitFor } from '../support/wait';

const startEmulators = emulatorsPerTest();

function startEmulator(
	documents: string[],
	faults?: FaultConfig,
	extraWebhooks: Array<{ id: string; secret: string }> = [],
) {
	return startEmulators({
		webhooks: [
			{ id: WEBHOOK_ID, secret: SECRET, documents },
			...extraWebhooks.map((webhook) => ({ ...webhook, documents })),
		],
		faults,
	});
}

/** Deletes docIds (items `{ docId, row }`) with up to 3 retries unless the options say otherwise. */
async function run(
	emulator: OneFlowEmulator,
	{ docIds, options, ...settings }: RunSettings & { docIds: string[] },
): Promise<RunNodeResult> {
	return await runOneFlow(
		emulator,
		docIds.map((docId, row) => ({ docId, row })),
		{
			...settings,
			parameters: { docId: '={{ $json.docId ?? $json.documentId }}' },
			options: { maxRetries: 3, ...options },
		},
	);
}

function requestsFor(emulator: OneFlowEmulator, docId: string): RecordedRequest[] {
	return emulator.requests.filter((request) => request.docId === docId);
}

function successIds(items: INodeExecutionData[]): unknown[] {
	return items.map((item) => item.json.documentId);
}

function pairedItems(count: number) {
	return Array.from({ length: count }, (_, item) => ({ item }));
}

describe('concurrency bound', () => {
	test.each([1, 4, 12])(
		'concurrency %i: never more requests in flight, and that many reached',
		async (concurrency) => {
			const docIds = demoDocIds(60);
			const emulator = await startEmulator(docIds, { latencyMs: 30 });

			const result = await run(emulator, { docIds, options: { concurrency } });

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
		const result = await run(emulator, { docIds, options: { concurrency: 50 } });
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

		const result = await run(emulator, { docIds, options: { concurrency: 6 } });

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

		const result = await run(emulator, {
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

			const pending = run(emulator, {
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

		const result = await run(emulator, { docIds, options: { concurrency: 4 } });

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

describe('Retry-After', () => {
	/** The 429 answer, the retry of its document, and what started while the run was paused. */
	function pauseAround(
		emulator: OneFlowEmulator,
		docId: string,
		pauseEnd: (limited: RecordedRequest) => number,
	) {
		const [limited, retry, ...more] = requestsFor(emulator, docId);
		expect(limited.status).toBe(429);
		expect(retry.status).toBe(200);
		expect(more).toEqual([]);
		const end = pauseEnd(limited);
		// A worker that had just passed the pause check may still start one request.
		const grace = 100;
		const duringPause = emulator.requests.filter(
			(request) => request.startedAt > limited.endedAt + grace && request.startedAt < end,
		);
		return { limited, retry, end, duringPause };
	}

	test('429 with Retry-After in seconds pauses the whole run', async () => {
		const docIds = demoDocIds(24);
		const emulator = await startEmulator(docIds, {
			latencyMs: 20,
			script: ({ docId, attempt }) =>
				docId === 'doc_005' && attempt === 1
					? {
							kind: 'status',
							status: 429,
							body: { error: 'Too many requests' },
							headers: { 'Retry-After': '1' },
						}
					: undefined,
		});

		const result = await run(emulator, { docIds, options: { concurrency: 4 } });

		expect(result.error).toBeUndefined();
		expect(successIds(result.main)).toEqual(docIds);
		const { limited, retry, duringPause } = pauseAround(
			emulator,
			'doc_005',
			(request) => request.endedAt + 1000,
		);
		expect(retry.startedAt - limited.endedAt).toBeGreaterThanOrEqual(1000);
		expect(duringPause).toEqual([]);
		// Without the pause the other 19 deletes would all have been done within the second.
		const afterPause = emulator.requests.filter(
			(request) => request.startedAt >= limited.endedAt + 1000,
		);
		expect(afterPause.length).toBeGreaterThan(10);
	});

	test('429 with Retry-After as an HTTP date pauses the whole run until then', async () => {
		const docIds = demoDocIds(24);
		let retryAt = 0;
		const emulator = await startEmulator(docIds, {
			latencyMs: 20,
			script: ({ docId, attempt }) => {
				if (docId !== 'doc_005' || attempt !== 1) return undefined;
				retryAt = Math.ceil((Date.now() + 1000) / 1000) * 1000;
				const headers = { 'Retry-After': new Date(retryAt).toUTCString() };
				return { kind: 'status', status: 429, body: { error: 'Too many requests' }, headers };
			},
		});

		const result = await run(emulator, { docIds, options: { concurrency: 4 } });

		expect(result.error).toBeUndefined();
		expect(successIds(result.main)).toEqual(docIds);
		const { limited, retry, duringPause } = pauseAround(emulator, 'doc_005', () => retryAt);
		expect(retryAt - limited.endedAt).toBeGreaterThanOrEqual(900);
		expect(retry.startedAt).toBeGreaterThanOrEqual(retryAt);
		expect(duringPause).toEqual([]);
		expect(
			emulator.requests.filter((request) => request.startedAt >= retryAt).length,
		).toBeGreaterThan(10);
	});

	test("the emulator's token bucket: each document deleted once, nothing sent within a second of a 429", async () => {
		const docIds = demoDocIds(15);
		const emulator = await startEmulator(docIds, {
			latencyMs: 5,
			rateLimitPerSecond: 10,
			retryAfter: 'seconds',
		});

		const result = await run(emulator, { docIds, options: { concurrency: 2, maxRetries: 5 } });

		expect(result.error).toBeUndefined();
		expect(successIds(result.main)).toEqual(docIds);
		for (const docId of docIds) expect(emulator.deleteCount(docId)).toBe(1);
		// The emulator answers 429 before it reads the body, so these carry no docId.
		const limited = emulator.requests.filter((request) => request.status === 429);
		expect(limited.length).toBeGreaterThan(0);
		// Its Retry-After is whole seconds, at least 1: apart from a request racing the 429,
		// nothing may start in the second after it.
		for (const { endedAt } of limited) {
			const duringPause = emulator.requests.filter(
				(request) => request.startedAt > endedAt + 100 && request.startedAt < endedAt + 1000,
			);
			expect(duringPause).toEqual([]);
		}
	});
});

describe('one delete per document', () => {
	test('a document asked for by many items is sent once; each item gets the result with its own pairedItem', async () => {
		const docIds = [
			'doc_007',
			'doc_001',
			'doc_007',
			'doc_missing',
			'doc_007',
			'doc_002',
			'doc_missing',
			'doc_007',
			'doc_007',
			'doc_missing',
			'doc_007',
		];
		const emulator = await startEmulator(demoDocIds(10), { latencyMs: 10 });

		const result = await run(emulator, {
			docIds,
			options: { concurrency: 8 },
			onError: 'continueErrorOutput',
		});

		expect(result.error).toBeUndefined();
		expect(requestsFor(emulator, 'doc_007')).toHaveLength(1);
		expect(requestsFor(emulator, 'doc_missing')).toHaveLength(1);
		expect(emulator.requestCount).toBe(4);
		expect(emulator.deleteCount('doc_007')).toBe(1);

		const at = (docId: string) => docIds.flatMap((id, item) => (id === docId ? [{ item }] : []));
		const sevens = result.main.filter((item) => item.json.documentId === 'doc_007');
		expect(sevens.map((item) => item.pairedItem)).toEqual(at('doc_007'));
		for (const item of sevens) {
			expect(item.json).toMatchObject({ success: true, deleted: true, documentId: 'doc_007' });
		}
		expect(result.errorOutput.map((item) => item.pairedItem)).toEqual(at('doc_missing'));
		for (const item of result.errorOutput) {
			expect(item.json).toMatchObject({
				docId: 'doc_missing',
				details: { docId: 'doc_missing', httpCode: 404 },
			});
			expect(item.json.row).toBe((item.pairedItem as { item: number }).item);
		}
	});

	test('a timeout whose delete went through, then 404: reported deleted, confirmedByRetry', async () => {
		const emulator = await startEmulator(demoDocIds(3), {
			// Answered after the node's 1 s timeout, but carried out (before the retry, which
			// comes at least 250 ms after the timeout).
			script: ({ docId, attempt }) =>
				docId === 'doc_001' && attempt === 1 ? { kind: 'delay', ms: 1100 } : undefined,
		});

		const result = await run(emulator, {
			docIds: ['doc_001', 'doc_002'],
			options: { timeout: 1000, maxRetries: 2 },
		});

		expect(result.error).toBeUndefined();
		const attempts = requestsFor(emulator, 'doc_001');
		expect(attempts.map((request) => [request.status, request.deleted])).toEqual([
			['lost', true],
			[404, false],
		]);
		expect(emulator.deleteCount('doc_001')).toBe(1);
		expect(result.main[0].json).toMatchObject({
			success: true,
			deleted: true,
			documentId: 'doc_001',
			confirmedByRetry: true,
		});
		expect(result.main[1].json).toEqual({
			success: true,
			deleted: true,
			documentId: 'doc_002',
			message: 'Document deleted successfully',
		});
	});

	test('a dropped answer after the delete, then 404: reported deleted, confirmedByRetry', async () => {
		const emulator = await startEmulator(demoDocIds(3), {
			script: ({ attempt }) => (attempt === 1 ? { kind: 'lostResponse' } : undefined),
		});

		const result = await run(emulator, { docIds: ['doc_002'] });

		expect(result.error).toBeUndefined();
		expect(requestsFor(emulator, 'doc_002').map((request) => request.status)).toEqual([
			'lost',
			404,
		]);
		expect(result.main[0].json).toMatchObject({ deleted: true, confirmedByRetry: true });
	});

	test('a timeout that deleted nothing, then 200: reported deleted, not "confirmed by retry"', async () => {
		const emulator = await startEmulator(demoDocIds(3), {
			script: ({ attempt }) => (attempt === 1 ? { kind: 'hang' } : undefined),
		});

		const result = await run(emulator, { docIds: ['doc_003'], options: { timeout: 1000 } });

		expect(result.error).toBeUndefined();
		expect(requestsFor(emulator, 'doc_003').map((request) => request.status)).toEqual([
			'hung',
			200,
		]);
		expect(result.main[0].json).toEqual({
			success: true,
			deleted: true,
			documentId: 'doc_003',
			message: 'Document deleted successfully',
		});
	});
});

describe('what is retried', () => {
	interface NeverRetried {
		code: number;
		docId: string;
		/** Answer scripted in the emulator; without it the emulator answers for real. */
		action?: FaultAction;
		webhookId?: string;
	}
	test.each<NeverRetried>([
		{
			code: 400,
			docId: 'doc_001',
			action: { kind: 'status', status: 400, body: { error: 'Malformed docId' } },
		},
		{ code: 401, docId: 'doc_001', webhookId: 'wh_rotated' },
		{ code: 404, docId: 'doc_unknown' },
	])('$code is never retried: one request', async ({ code, docId, action, webhookId }) => {
		const emulator = await startEmulator(
			demoDocIds(3),
			action ? { script: () => action } : undefined,
			[{ id: 'wh_rotated', secret: 'a-newer-secret' }],
		);

		const result = await run(emulator, {
			docIds: [docId],
			options: { maxRetries: 5 },
			onError: 'continueErrorOutput',
			credentials: webhookId ? { webhookId } : undefined,
		});

		expect(emulator.requestCount).toBe(1);
		expect(result.errorOutput).toHaveLength(1);
		expect(result.errorOutput[0].json.details).toMatchObject({ docId, httpCode: code });
	});

	test.each([
		['503', { kind: 'status', status: 503 }, {}],
		['a dropped connection', { kind: 'drop' }, {}],
		['a timeout', { kind: 'hang' }, { timeout: 1000 }],
	] as const)('maxRetries 0: one attempt after %s', async (_what, action, options) => {
		const emulator = await startEmulator(demoDocIds(3), { script: () => action });

		const result = await run(emulator, {
			docIds: ['doc_001'],
			options: { maxRetries: 0, ...options },
			onError: 'continueErrorOutput',
		});

		expect(emulator.requestCount).toBe(1);
		expect(result.errorOutput).toHaveLength(1);
		expect(result.errorOutput[0].json.details).toMatchObject({ docId: 'doc_001' });
		expect(
			(result.errorOutput[0].json.details as { description: string }).description,
		).not.toContain('attempts were made');
	});

	test('a 429 is not a fault: retried whatever maxRetries says, until Max Rate-Limit Wait', async () => {
		const limited = { kind: 'status', status: 429, headers: { 'Retry-After': '0' } } as const;
		const emulator = await startEmulator(demoDocIds(3), {
			script: ({ attempt }) => (attempt <= 3 ? limited : undefined),
		});

		const result = await run(emulator, {
			docIds: ['doc_001'],
			options: { maxRetries: 0 },
			onError: 'continueErrorOutput',
		});

		expect(result.main.map((item) => item.json.deleted)).toEqual([true]);
		expect(emulator.requests.map((request) => request.status)).toEqual([429, 429, 429, 200]);
		expect(emulator.deleteCount('doc_001')).toBe(1);
	});

	test('maxRetries 2: three attempts, then the failure says so', async () => {
		const emulator = await startEmulator(demoDocIds(3), {
			script: () => ({ kind: 'status', status: 503 }),
		});

		const result = await run(emulator, {
			docIds: ['doc_001'],
			options: { maxRetries: 2 },
			onError: 'continueErrorOutput',
		});

		expect(emulator.requestCount).toBe(3);
		expect(result.errorOutput[0].json).toMatchObject({
			error: '1Flow failed with HTTP 503 while deleting document "doc_001"',
			details: { httpCode: 503, description: expect.stringContaining('(3 attempts were made.)') },
		});
		// Backoff between attempts: at least half of 500 ms, then of 1000 ms.
		const [first, second, third] = emulator.requests;
		expect(second.startedAt - first.endedAt).toBeGreaterThanOrEqual(250);
		expect(third.startedAt - second.endedAt).toBeGreaterThanOrEqual(500);
	});
});
