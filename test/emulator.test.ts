import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, Client, request } from 'undici';
import type { Dispatcher } from 'undici';

import { DEMO_WEBHOOK, MAX_BODY_BYTES, OneFlowEmulator, demoDocIds } from './emulator/server';
import type { EmulatorOptions, FaultAction } from './emulator/server';

interface Reply {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	text: string;
	json: unknown;
	ms: number;
}

let emulators: OneFlowEmulator[] = [];
let agent: Agent;

beforeEach(() => {
	agent = new Agent({ keepAliveTimeout: 10_000 });
});

afterEach(async () => {
	await Promise.all(emulators.map((emulator) => emulator.stop()));
	emulators = [];
	await agent.destroy();
});

async function startEmulator(options?: EmulatorOptions): Promise<OneFlowEmulator> {
	const emulator = new OneFlowEmulator(options);
	emulators.push(emulator);
	await emulator.start();
	return emulator;
}

function deleteUrl(emulator: OneFlowEmulator, webhookId: string): string {
	return `${emulator.baseUrl}/api/webhook/${encodeURIComponent(webhookId)}/document/delete`;
}

async function send(
	url: string,
	options: {
		method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
		body?: string;
		headers?: Record<string, string>;
		timeoutMs?: number;
		dispatcher?: Dispatcher;
	} = {},
): Promise<Reply> {
	const started = performance.now();
	const response = await request(url, {
		method: options.method ?? 'POST',
		headers: { 'content-type': 'application/json', ...options.headers },
		body: options.body,
		dispatcher: options.dispatcher ?? agent,
		signal: AbortSignal.timeout(options.timeoutMs ?? 5_000),
	});
	const text = await response.body.text();
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	return { status: response.statusCode, headers: response.headers, text, json, ms: performance.now() - started };
}

/** A delete like the 1Flow docs show it; `secret: null` sends no Authorization header. */
function del(
	emulator: OneFlowEmulator,
	docId: unknown,
	options: { webhookId?: string; secret?: string | null; rawBody?: string; timeoutMs?: number; dispatcher?: Dispatcher } = {},
): Promise<Reply> {
	const secret = options.secret === undefined ? DEMO_WEBHOOK.secret : options.secret;
	return send(deleteUrl(emulator, options.webhookId ?? DEMO_WEBHOOK.id), {
		body: options.rawBody ?? JSON.stringify({ docId }),
		headers: secret === null ? {} : { authorization: secret },
		timeoutMs: options.timeoutMs,
		dispatcher: options.dispatcher,
	});
}

async function expectRejection(promise: Promise<unknown>): Promise<{ code?: string; name?: string }> {
	try {
		await promise;
	} catch (error) {
		return error as { code?: string; name?: string };
	}
	throw new Error('expected the request to fail');
}

async function waitFor(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error('condition not reached in time');
		await sleep(5);
	}
}

const WEBHOOK_NOT_FOUND = { error: 'Webhook not found' };
const UNAUTHORIZED = { error: 'Invalid or missing webhook secret' };
const BAD_DOC_ID = { error: 'Missing or invalid docId in request body' };
const DOC_NOT_FOUND = { error: 'Document not found' };

describe('1Flow emulator: endpoint', () => {
	test('default setup: demo webhook with doc_001..doc_010, delete happens exactly once', async () => {
		const emulator = await startEmulator();
		expect(emulator.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
		for (const docId of demoDocIds(10)) expect(emulator.hasDocument(DEMO_WEBHOOK.id, docId)).toBe(true);
		expect(emulator.hasDocument(DEMO_WEBHOOK.id, 'doc_011')).toBe(false);

		const first = await del(emulator, 'doc_001');
		expect(first.status).toBe(200);
		expect(first.headers['content-type']).toMatch(/^application\/json/);
		expect(first.json).toEqual({ success: true, message: 'Document deleted successfully', documentId: 'doc_001' });
		expect(emulator.hasDocument(DEMO_WEBHOOK.id, 'doc_001')).toBe(false);
		expect(emulator.hasDocument(DEMO_WEBHOOK.id, 'doc_002')).toBe(true);

		const second = await del(emulator, 'doc_001');
		expect(second.status).toBe(404);
		expect(second.json).toEqual(DOC_NOT_FOUND);
		expect(emulator.deleteCount('doc_001')).toBe(1);
		expect(emulator.deleteCount('doc_002')).toBe(0);
	});

	test('check order: webhook, then secret, then body, then document', async () => {
		const emulator = await startEmulator();
		// Unknown webhook wins over a wrong secret and a bad body.
		const unknown = await del(emulator, '', { webhookId: 'wh_nope', secret: 'wrong' });
		expect([unknown.status, unknown.json]).toEqual([404, WEBHOOK_NOT_FOUND]);
		// Wrong or missing secret wins over a bad body.
		const wrong = await del(emulator, '', { secret: 'wrong' });
		expect([wrong.status, wrong.json]).toEqual([401, UNAUTHORIZED]);
		const missing = await del(emulator, 'doc_001', { secret: null });
		expect([missing.status, missing.json]).toEqual([401, UNAUTHORIZED]);
		const prefix = await del(emulator, 'doc_001', { secret: DEMO_WEBHOOK.secret.slice(0, -1) });
		expect(prefix.status).toBe(401);
		// Right secret: the body is checked before the document.
		const empty = await del(emulator, '');
		expect([empty.status, empty.json]).toEqual([400, BAD_DOC_ID]);
		const unknownDoc = await del(emulator, 'doc_999');
		expect([unknownDoc.status, unknownDoc.json]).toEqual([404, DOC_NOT_FOUND]);
		// None of this deleted anything.
		for (const docId of demoDocIds(10)) expect(emulator.hasDocument(DEMO_WEBHOOK.id, docId)).toBe(true);
	});

	test('invalid bodies answer 400', async () => {
		const emulator = await startEmulator();
		const bodies = ['not json', '', '{}', '{"docId":5}', '{"docId":null}', '{"docId":"   "}', '{"docId":["doc_001"]}', 'null', '["doc_001"]', '"doc_001"'];
		for (const rawBody of bodies) {
			const reply = await del(emulator, undefined, { rawBody });
			expect({ rawBody, status: reply.status, json: reply.json }).toEqual({ rawBody, status: 400, json: BAD_DOC_ID });
		}
		expect(emulator.hasDocument(DEMO_WEBHOOK.id, 'doc_001')).toBe(true);
	});

	test('webhook without a secret accepts any or no Authorization; documents are per webhook', async () => {
		const emulator = await startEmulator({
			webhooks: [
				{ id: 'wh_open', documents: ['a', 'b'] },
				{ id: 'wh_locked', secret: 's3cr3t', documents: ['a'] },
			],
		});
		const none = await del(emulator, 'a', { webhookId: 'wh_open', secret: null });
		expect(none.status).toBe(200);
		const any = await del(emulator, 'b', { webhookId: 'wh_open', secret: 'whatever' });
		expect(any.status).toBe(200);
		expect(emulator.hasDocument('wh_open', 'a')).toBe(false);
		expect(emulator.hasDocument('wh_locked', 'a')).toBe(true);
		expect((await del(emulator, 'a', { webhookId: 'wh_locked', secret: null })).status).toBe(401);
		expect((await del(emulator, 'a', { webhookId: 'wh_locked', secret: 's3cr3t' })).status).toBe(200);
		expect(emulator.hasDocument(DEMO_WEBHOOK.id, 'doc_001')).toBe(false);
	});

	test('other paths and methods answer JSON 404 / 405', async () => {
		const emulator = await startEmulator();
		const get = await send(deleteUrl(emulator, DEMO_WEBHOOK.id), { method: 'GET' });
		expect(get.status).toBe(405);
		expect(get.headers.allow).toBe('POST');
		expect(get.json).toEqual({ error: 'Method not allowed' });
		const put = await send(deleteUrl(emulator, DEMO_WEBHOOK.id), { method: 'PUT', body: '{"docId":"doc_001"}' });
		expect(put.status).toBe(405);
		const other = await send(`${emulator.baseUrl}/api/webhook/${DEMO_WEBHOOK.id}/document/update`, { body: '{"docId":"doc_001"}' });
		expect([other.status, other.json]).toEqual([404, { error: 'Not found' }]);
		const root = await send(`${emulator.baseUrl}/`, { method: 'GET' });
		expect(root.status).toBe(404);
		expect(emulator.hasDocument(DEMO_WEBHOOK.id, 'doc_001')).toBe(true);
		// A query string does not change the route.
		const withQuery = await send(`${deleteUrl(emulator, DEMO_WEBHOOK.id)}?x=1`, {
			body: '{"docId":"doc_001"}',
			headers: { authorization: DEMO_WEBHOOK.secret },
		});
		expect(withQuery.status).toBe(200);
	});

	test('bodies over 1 MiB answer 413, bodies up to 1 MiB are read', async () => {
		const emulator = await startEmulator();
		const tooBig = await del(emulator, undefined, { rawBody: `{"docId":"doc_001","pad":"${'x'.repeat(MAX_BODY_BYTES)}"}` });
		expect(tooBig.status).toBe(413);
		expect(emulator.hasDocument(DEMO_WEBHOOK.id, 'doc_001')).toBe(true);
		const prefix = '{"docId":"doc_001","pad":"';
		const fits = prefix + 'x'.repeat(MAX_BODY_BYTES - prefix.length - 2) + '"}';
		expect(Buffer.byteLength(fits)).toBe(MAX_BODY_BYTES);
		const ok = await del(emulator, undefined, { rawBody: fits });
		expect(ok.status).toBe(200);
	});

	test('keep-alive: sequential requests reuse one connection', async () => {
		const emulator = await startEmulator();
		// A single-connection client reconnects whenever the server closes the connection.
		const client = new Client(emulator.baseUrl);
		try {
			for (const docId of demoDocIds(10)) {
				const reply = await del(emulator, docId, { dispatcher: client });
				expect(reply.status).toBe(200);
				expect(reply.headers.connection).toBe('keep-alive');
			}
		} finally {
			await client.destroy();
		}
		expect(emulator.connectionCount).toBe(1);
	});

	test('addDocuments adds to one webhook; unknown webhooks are rejected', async () => {
		const emulator = await startEmulator();
		emulator.addDocuments(DEMO_WEBHOOK.id, ['new_1', 'new_2']);
		expect(emulator.hasDocument(DEMO_WEBHOOK.id, 'new_1')).toBe(true);
		expect((await del(emulator, 'new_2')).status).toBe(200);
		expect(emulator.deleteCount('new_2')).toBe(1);
		expect(() => emulator.addDocuments('wh_nope', ['x'])).toThrow(/Unknown webhook/);
	});
});

describe('1Flow emulator: record', () => {
	test('records every request in order and never the secret', async () => {
		const emulator = await startEmulator();
		await del(emulator, 'doc_001');
		await del(emulator, 'doc_002', { secret: 'a-wrong-secret-value' });
		await del(emulator, 'doc_003', { secret: null });
		await del(emulator, 'doc_004', { webhookId: 'wh_nope' });
		await send(`${emulator.baseUrl}/elsewhere`, { method: 'GET', headers: { authorization: DEMO_WEBHOOK.secret } });

		expect(emulator.requests.map((r) => [r.docId, r.status, r.hadAuthorization, r.authorized, r.deleted])).toEqual([
			['doc_001', 200, true, true, true],
			['doc_002', 401, true, false, false],
			['doc_003', 401, false, false, false],
			['doc_004', 404, true, false, false],
			[undefined, 404, true, false, false],
		]);
		const first = emulator.requests[0];
		expect(first).toMatchObject({ method: 'POST', path: `/api/webhook/${DEMO_WEBHOOK.id}/document/delete`, webhookId: DEMO_WEBHOOK.id });
		expect(first.endedAt).toBeGreaterThanOrEqual(first.startedAt);
		const dump = JSON.stringify(emulator.requests);
		expect(dump).not.toContain(DEMO_WEBHOOK.secret);
		expect(dump).not.toContain('a-wrong-secret-value');
		expect(dump).not.toContain('demo-secret');
	});

	test('record: false keeps no request objects but still counts', async () => {
		const emulator = await startEmulator({ record: false });
		await del(emulator, 'doc_001');
		await del(emulator, 'doc_001');
		expect(emulator.requests).toHaveLength(0);
		expect(emulator.requestCount).toBe(2);
		expect(emulator.deleteCount('doc_001')).toBe(1);
		emulator.setRecording(true);
		await del(emulator, 'doc_002');
		expect(emulator.requests).toHaveLength(1);
	});

	test('resetRecord clears requests, delete counts and maxInFlight', async () => {
		const emulator = await startEmulator();
		await Promise.all([del(emulator, 'doc_001'), del(emulator, 'doc_002')]);
		expect(emulator.requests).toHaveLength(2);
		expect(emulator.maxInFlight).toBeGreaterThanOrEqual(1);
		emulator.resetRecord();
		expect(emulator.requests).toHaveLength(0);
		expect(emulator.deleteCount('doc_001')).toBe(0);
		expect(emulator.maxInFlight).toBe(0);
		expect(emulator.requestCount).toBe(0);
		// The documents stay deleted.
		expect(emulator.hasDocument(DEMO_WEBHOOK.id, 'doc_001')).toBe(false);
	});
});

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
		expect(demoDocIds(4).filter((docId) => emulator.hasDocument(DEMO_WEBHOOK.id, docId))).toHaveLength(1);
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
		const emulator = await startEmulator({ faults: { rateLimitPerSecond: 0.5, retryAfter: 'http-date' } });
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
			for (const docId of docs) statuses.push((await del(emulator, docId, { webhookId: 'wh', secret: null })).status);
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
		await waitFor(() => emulator.inFlight === 0);

		// A client that waits: the request stays in flight until stop() destroys the socket.
		const pending = expectRejection(del(emulator, 'doc_002', { timeoutMs: 10_000 }));
		await waitFor(() => emulator.requests.length === 2 && emulator.inFlight === 1);
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

	test('redirect: 302 with Location = redirectTo + original path', async () => {
		const emulator = await startEmulator({ faults: { redirectTo: 'https://app.1flow.example/' } });
		const reply = await del(emulator, 'doc_001');
		expect(reply.status).toBe(302);
		expect(reply.headers.location).toBe(`https://app.1flow.example/api/webhook/${DEMO_WEBHOOK.id}/document/delete`);
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
					if (docId === 'doc_001') return attempt <= 2 ? { kind: 'status', status: 503 } : { kind: 'delay', ms: 0 };
					if (docId === 'doc_002') return { kind: 'status', status: 429, headers: { 'Retry-After': '7' }, body: { error: 'slow down' } };
					if (docId === 'doc_003') return { kind: 'delay', ms: 120 };
					if (docId === 'doc_004') return { kind: 'redirect', location: 'http://elsewhere.example/x' };
					return undefined; // falls back to errorRate
				},
			},
		});
		expect((await del(emulator, 'doc_001')).status).toBe(503);
		expect((await del(emulator, 'doc_001')).status).toBe(503);
		expect(emulator.hasDocument(DEMO_WEBHOOK.id, 'doc_001')).toBe(true);
		expect((await del(emulator, 'doc_001')).status).toBe(200);

		const custom = await del(emulator, 'doc_002');
		expect([custom.status, custom.headers['retry-after'], custom.json]).toEqual([429, '7', { error: 'slow down' }]);

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
					attempt > 1 ? undefined : docId === 'doc_001' ? { kind: 'drop' } : docId === 'doc_002' ? { kind: 'lostResponse' } : undefined,
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
