/**
 * The emulator's injected faults: rate limit, error statuses, drops, hangs, lost answers,
 * dripped and huge answers, scripts.
 */
import { request as httpGet } from 'node:http';
import { performance } from 'node:perf_hooks';

import { DEMO_WEBHOOK, demoDocIds, type FaultAction } from '../../testkit/emulator';
import {
	AUTH,
	del,
	endpoint,
	expectRejection,
	getDoc,
	send,
	startEmulator,
} from '../support/emulator-requests';
import { sleep, waitFor } from '../support/wait';

describe('1Flow emulator: faults', () => {
	test('rate limit: 429 with Retry-After in seconds, tokens refill', async () => {
		// Burst of 3, one token every 333 ms: of 4 requests sent at once exactly one is refused.
		const emulator = await startEmulator({ faults: { rateLimitPerSecond: 3 } });
		const replies = await Promise.all(demoDocIds(4).map((docId) => del(emulator, docId)));
		const limited = replies.filter((r) => r.status === 429);
		expect(limited).toHaveLength(1);
		expect(replies.filter((r) => r.status === 200)).toHaveLength(3);
		expect(limited[0].json).toEqual({ error: 'Too many requests' });
		expect(limited[0].headers['retry-after']).toBe('1');
		expect(
			demoDocIds(4).filter((docId) => emulator.hasDocument(DEMO_WEBHOOK.id, docId)),
		).toHaveLength(1);
		// Non-delete paths count against the same bucket.
		expect((await send(`${emulator.baseUrl}/`, { method: 'GET' })).status).toBe(429);
		await sleep(400);
		expect((await send(`${emulator.baseUrl}/`, { method: 'GET' })).status).toBe(404);
	});

	test('rate limit: Retry-After seconds are rounded up', async () => {
		const emulator = await startEmulator({ faults: { rateLimitPerSecond: 0.5 } });
		expect((await del(emulator, 'doc_001')).status).toBe(200);
		const limited = await del(emulator, 'doc_002');
		expect(limited.status).toBe(429);
		expect(limited.headers['retry-after']).toBe('2');
	});

	test('rate limit: Retry-After as HTTP date', async () => {
		const emulator = await startEmulator({
			faults: { rateLimitPerSecond: 0.5, retryAfter: 'http-date' },
		});
		expect((await del(emulator, 'doc_001')).status).toBe(200);
		const limited = await del(emulator, 'doc_002');
		expect(limited.status).toBe(429);
		const value = String(limited.headers['retry-after']);
		expect(value).toMatch(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
		const delta = Date.parse(value) - Date.now();
		expect(delta).toBeGreaterThan(1_000);
		expect(delta).toBeLessThanOrEqual(3_100);
	});

	test('errorRate answers the configured statuses before doing anything', async () => {
		const emulator = await startEmulator({ faults: { errorRate: 1, errorStatuses: [503] } });
		const reply = await del(emulator, 'doc_001');
		expect(reply.status).toBe(503);
		expect(reply.json).toEqual({ error: 'Service Unavailable' });
		expect(emulator.hasDocument(DEMO_WEBHOOK.id, 'doc_001')).toBe(true);
		expect(emulator.requests[0]).toMatchObject({ status: 503, deleted: false });

		emulator.setFaults({ errorRate: 1 });
		const seen = new Set<number>();
		for (let i = 0; i < 30; i++) seen.add((await del(emulator, 'doc_001')).status);
		expect([...seen].every((s) => [500, 502, 503].includes(s))).toBe(true);
		expect(seen.size).toBeGreaterThan(1);
		expect(emulator.deleteCount('doc_001')).toBe(0);
	});

	test('rates are deterministic for a seed', async () => {
		const docs = demoDocIds(30);
		const run = async (seed: number): Promise<number[]> => {
			const emulator = await startEmulator({
				webhooks: [{ id: 'wh', documents: docs }],
				faults: { errorRate: 0.3, nonJsonRate: 0.2, seed },
			});
			const statuses: number[] = [];
			for (const docId of docs)
				statuses.push((await del(emulator, docId, { webhookId: 'wh', secret: null })).status);
			return statuses;
		};
		const a = await run(42);
		const b = await run(42);
		const c = await run(7);
		expect(a).toEqual(b);
		expect(a).not.toEqual(c);
		const faulted = a.filter((s) => s !== 200).length;
		expect(faulted).toBeGreaterThan(3);
		expect(faulted).toBeLessThan(27);
		expect(a).toContain(200);
	});

	test('drop: socket destroyed without response, nothing deleted', async () => {
		const emulator = await startEmulator({ faults: { dropRate: 1 } });
		const error = await expectRejection(del(emulator, 'doc_001'));
		expect(error.code).toBe('UND_ERR_SOCKET');
		expect(emulator.hasDocument(DEMO_WEBHOOK.id, 'doc_001')).toBe(true);
		expect(emulator.deleteCount('doc_001')).toBe(0);
		expect(emulator.requests[0]).toMatchObject({ status: 'dropped', deleted: false });
	});

	test('hang: never answered, client times out, stop() ends it', async () => {
		const emulator = await startEmulator({ faults: { hangRate: 1 } });
		const started = performance.now();
		const error = await expectRejection(del(emulator, 'doc_001', { timeoutMs: 150 }));
		expect(error.name).toBe('TimeoutError');
		expect(performance.now() - started).toBeGreaterThanOrEqual(140);
		expect(emulator.hasDocument(DEMO_WEBHOOK.id, 'doc_001')).toBe(true);
		expect(emulator.requests[0].status).toBe('hung');
		// The client gave up and closed its socket: no longer in flight on the server.
		await waitFor(() => emulator.inFlight === 0, 'the hung request to end', 2_000);

		// A client that waits: the request stays in flight until stop() destroys the socket.
		const pending = expectRejection(del(emulator, 'doc_002', { timeoutMs: 10_000 }));
		await waitFor(
			() => emulator.requests.length === 2 && emulator.inFlight === 1,
			'the second request to hang',
			2_000,
		);
		await emulator.stop();
		expect((await pending).code).toBe('UND_ERR_SOCKET');
		expect(emulator.requests[1]).toMatchObject({ status: 'hung', deleted: false });
		expect(emulator.requests[1].endedAt).toBeGreaterThan(0);
		expect(emulator.hasDocument(DEMO_WEBHOOK.id, 'doc_002')).toBe(true);
	});

	test('nonJson: 200 with an HTML body, nothing deleted', async () => {
		const emulator = await startEmulator({ faults: { nonJsonRate: 1 } });
		const reply = await del(emulator, 'doc_001');
		expect(reply.status).toBe(200);
		expect(reply.headers['content-type']).toMatch(/^text\/html/);
		expect(reply.text).toBe('<html>gateway</html>');
		expect(emulator.hasDocument(DEMO_WEBHOOK.id, 'doc_001')).toBe(true);
	});

	test('lostResponse: the delete happens, the client sees an error', async () => {
		const emulator = await startEmulator({ faults: { lostResponseRate: 1 } });
		const error = await expectRejection(del(emulator, 'doc_001'));
		expect(error.code).toBe('UND_ERR_SOCKET');
		expect(emulator.deleteCount('doc_001')).toBe(1);
		expect(emulator.hasDocument(DEMO_WEBHOOK.id, 'doc_001')).toBe(false);
		expect(emulator.requests[0]).toMatchObject({ status: 'lost', deleted: true });
		emulator.setFaults(undefined);
		expect((await del(emulator, 'doc_001')).status).toBe(404);
		expect(emulator.deleteCount('doc_001')).toBe(1);
	});

	test('drip: the work is done, its answer sent one byte at a time with its length announced', async () => {
		const emulator = await startEmulator({
			faults: { script: () => ({ kind: 'drip', everyMs: 1 }) },
		});
		const reply = await del(emulator, 'doc_001');
		expect([reply.status, reply.json]).toEqual([
			200,
			expect.objectContaining({ success: true, documentId: 'doc_001' }),
		]);
		expect(reply.headers['content-length']).toBe(String(reply.text.length));
		expect(emulator.deleteCount('doc_001')).toBe(1);
		expect(emulator.requests[0]).toMatchObject({ status: 200, deleted: true });
	});

	test('drip: one byte every 100 ms by default; it stops when the client goes away', async () => {
		const emulator = await startEmulator({ faults: { script: () => ({ kind: 'drip' }) } });
		const url = new URL(`${endpoint(emulator, 'get')}?docId=doc_001`);
		const first = await new Promise<Buffer>((resolve, reject) => {
			const req = httpGet(url, { headers: AUTH }, (res) =>
				res.once('data', (chunk: Buffer) => {
					resolve(chunk);
					req.destroy();
				}),
			);
			req.on('error', reject);
			req.end();
		});
		expect(first.toString()).toBe('{');
		await waitFor(() => emulator.inFlight === 0, 'the drip to stop', 2_000);
		expect(emulator.requests[0].status).toBe('lost');
	});

	test.each([false, true])(
		'huge: a valid JSON answer of the size asked for, streamed (length announced: %s)',
		async (announced) => {
			const bytes = 5_000_000;
			const emulator = await startEmulator({
				faults: { script: () => ({ kind: 'huge', bytes, announced }) },
			});
			const reply = await getDoc(emulator, 'doc_001');
			expect([reply.status, reply.text.length]).toEqual([200, bytes]);
			expect(reply.json).toMatchObject({ success: true, documentId: 'doc_001' });
			expect(reply.headers['content-length']).toBe(announced ? String(bytes) : undefined);
			expect(emulator.requests[0].status).toBe(200);
		},
	);

	test('redirect: 302 with Location = redirectTo + original path', async () => {
		const emulator = await startEmulator({ faults: { redirectTo: 'https://app.1flow.example/' } });
		const reply = await del(emulator, 'doc_001');
		expect(reply.status).toBe(302);
		expect(reply.headers.location).toBe(
			`https://app.1flow.example/api/webhook/${DEMO_WEBHOOK.id}/document/delete`,
		);
		expect(emulator.hasDocument(DEMO_WEBHOOK.id, 'doc_001')).toBe(true);
	});

	test('latency is added before answering', async () => {
		const emulator = await startEmulator({ faults: { latencyMs: 150 } });
		const reply = await del(emulator, 'doc_001');
		expect(reply.status).toBe(200);
		expect(reply.ms).toBeGreaterThanOrEqual(140);
		const slow = emulator.requests[0];
		expect(slow.endedAt - slow.startedAt).toBeGreaterThanOrEqual(145);
	});

	test('maxInFlight counts parallel requests', async () => {
		const emulator = await startEmulator({ faults: { latencyMs: 100 } });
		const replies = await Promise.all(demoDocIds(8).map((docId) => del(emulator, docId)));
		expect(replies.map((r) => r.status)).toEqual(Array(8).fill(200));
		expect(emulator.maxInFlight).toBe(8);
		expect(emulator.inFlight).toBe(0);
	});

	test('script: per-request actions with attempt counting', async () => {
		const calls: Array<{ docId: unknown; attempt: number }> = [];
		const emulator = await startEmulator({
			faults: {
				errorRate: 1,
				script: ({ webhookId, docId, attempt }): FaultAction | undefined => {
					calls.push({ docId, attempt });
					expect(webhookId).toBe(DEMO_WEBHOOK.id);
					if (docId === 'doc_001')
						return attempt <= 2 ? { kind: 'status', status: 503 } : { kind: 'delay', ms: 0 };
					if (docId === 'doc_002')
						return {
							kind: 'status',
							status: 429,
							headers: { 'Retry-After': '7' },
							body: { error: 'slow down' },
						};
					if (docId === 'doc_003') return { kind: 'delay', ms: 120 };
					if (docId === 'doc_004')
						return { kind: 'redirect', location: 'http://elsewhere.example/x' };
					return undefined; // falls back to errorRate
				},
			},
		});
		expect((await del(emulator, 'doc_001')).status).toBe(503);
		expect((await del(emulator, 'doc_001')).status).toBe(503);
		expect(emulator.hasDocument(DEMO_WEBHOOK.id, 'doc_001')).toBe(true);
		expect((await del(emulator, 'doc_001')).status).toBe(200);

		const custom = await del(emulator, 'doc_002');
		expect([custom.status, custom.headers['retry-after'], custom.json]).toEqual([
			429,
			'7',
			{ error: 'slow down' },
		]);

		const delayed = await del(emulator, 'doc_003');
		expect(delayed.status).toBe(200);
		expect(delayed.ms).toBeGreaterThanOrEqual(110);

		const moved = await del(emulator, 'doc_004');
		expect([moved.status, moved.headers.location]).toEqual([302, 'http://elsewhere.example/x']);

		const fallback = await del(emulator, 'doc_005');
		expect(fallback.status).toBeGreaterThanOrEqual(500);

		await del(emulator, '', { rawBody: 'not json' });
		expect(calls).toEqual([
			{ docId: 'doc_001', attempt: 1 },
			{ docId: 'doc_001', attempt: 2 },
			{ docId: 'doc_001', attempt: 3 },
			{ docId: 'doc_002', attempt: 1 },
			{ docId: 'doc_003', attempt: 1 },
			{ docId: 'doc_004', attempt: 1 },
			{ docId: 'doc_005', attempt: 1 },
			{ docId: undefined, attempt: 1 },
		]);
		expect(emulator.deleteCount('doc_001')).toBe(1);
		expect(emulator.deleteCount('doc_002')).toBe(0);
	});

	test('script drop and lostResponse act on single requests', async () => {
		const emulator = await startEmulator({
			faults: {
				script: ({ docId, attempt }) =>
					attempt > 1
						? undefined
						: docId === 'doc_001'
							? { kind: 'drop' }
							: docId === 'doc_002'
								? { kind: 'lostResponse' }
								: undefined,
			},
		});
		expect((await expectRejection(del(emulator, 'doc_001'))).code).toBe('UND_ERR_SOCKET');
		expect((await expectRejection(del(emulator, 'doc_002'))).code).toBe('UND_ERR_SOCKET');
		expect((await del(emulator, 'doc_001')).status).toBe(200);
		expect((await del(emulator, 'doc_002')).status).toBe(404);
		expect([emulator.deleteCount('doc_001'), emulator.deleteCount('doc_002')]).toEqual([1, 1]);
		expect(emulator.requests.map((r) => r.status)).toEqual(['dropped', 'lost', 200, 404]);
	});
});
