/**
 * What the node's bulk deletes retry, in the real n8n engine against the 1Flow emulator:
 * Retry-After pausing the whole run, and which failures are (never) tried again.
 */
import {
	demoDocIds,
	type FaultAction,
	type OneFlowEmulator,
	type RecordedRequest,
} from '../../testkit/emulator';
import { bulkEmulatorsPerTest, requestsFor, runDeletes, successIds } from '../support/bulk-delete';

const startEmulator = bulkEmulatorsPerTest();

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

		const result = await runDeletes(emulator, { docIds, options: { concurrency: 4 } });

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

		const result = await runDeletes(emulator, { docIds, options: { concurrency: 4 } });

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

		const result = await runDeletes(emulator, {
			docIds,
			options: { concurrency: 2, maxRetries: 5 },
		});

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

		const result = await runDeletes(emulator, {
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

		const result = await runDeletes(emulator, {
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

		const result = await runDeletes(emulator, {
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

		const result = await runDeletes(emulator, {
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
