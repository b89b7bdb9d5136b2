/** The emulator's delete endpoint as 1Flow documents it, and the record it keeps of every request. */
import { Client } from 'undici';

import { DEMO_WEBHOOK, MAX_BODY_BYTES, demoDocIds } from '../../testkit/emulator';
import { del, deleteUrl, send, startEmulator } from '../support/emulator-requests';

const WEBHOOK_NOT_FOUND = { error: 'Webhook not found' };
const UNAUTHORIZED = { error: 'Invalid or missing webhook secret' };
const BAD_DOC_ID = { error: 'Missing or invalid docId in request body' };
const DOC_NOT_FOUND = { error: 'Document not found' };

describe('1Flow emulator: endpoint', () => {
	test('default setup: demo webhook with doc_001..doc_010, delete happens exactly once', async () => {
		const emulator = await startEmulator();
		expect(emulator.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
		for (const docId of demoDocIds(10))
			expect(emulator.hasDocument(DEMO_WEBHOOK.id, docId)).toBe(true);
		expect(emulator.hasDocument(DEMO_WEBHOOK.id, 'doc_011')).toBe(false);

		const first = await del(emulator, 'doc_001');
		expect(first.status).toBe(200);
		expect(first.headers['content-type']).toMatch(/^application\/json/);
		expect(first.json).toEqual({
			success: true,
			message: 'Document deleted successfully',
			documentId: 'doc_001',
		});
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
		for (const docId of demoDocIds(10))
			expect(emulator.hasDocument(DEMO_WEBHOOK.id, docId)).toBe(true);
	});

	test('invalid bodies answer 400', async () => {
		const emulator = await startEmulator();
		const bodies = [
			'not json',
			'',
			'{}',
			'{"docId":5}',
			'{"docId":null}',
			'{"docId":"   "}',
			'{"docId":["doc_001"]}',
			'null',
			'["doc_001"]',
			'"doc_001"',
		];
		for (const rawBody of bodies) {
			const reply = await del(emulator, undefined, { rawBody });
			expect({ rawBody, status: reply.status, json: reply.json }).toEqual({
				rawBody,
				status: 400,
				json: BAD_DOC_ID,
			});
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
		expect((await del(emulator, 'a', { webhookId: 'wh_locked', secret: 's3cr3t' })).status).toBe(
			200,
		);
		expect(emulator.hasDocument(DEMO_WEBHOOK.id, 'doc_001')).toBe(false);
	});

	test('other paths and methods answer JSON 404 / 405', async () => {
		const emulator = await startEmulator();
		const get = await send(deleteUrl(emulator, DEMO_WEBHOOK.id), { method: 'GET' });
		expect(get.status).toBe(405);
		expect(get.headers.allow).toBe('POST');
		expect(get.json).toEqual({ error: 'Method not allowed' });
		const put = await send(deleteUrl(emulator, DEMO_WEBHOOK.id), {
			method: 'PUT',
			body: '{"docId":"doc_001"}',
		});
		expect(put.status).toBe(405);
		const other = await send(`${emulator.baseUrl}/api/webhook/${DEMO_WEBHOOK.id}/document/update`, {
			body: '{"docId":"doc_001"}',
		});
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
		const tooBig = await del(emulator, undefined, {
			rawBody: `{"docId":"doc_001","pad":"${'x'.repeat(MAX_BODY_BYTES)}"}`,
		});
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
		await send(`${emulator.baseUrl}/elsewhere`, {
			method: 'GET',
			headers: { authorization: DEMO_WEBHOOK.secret },
		});

		expect(
			emulator.requests.map((r) => [
				r.docId,
				r.status,
				r.hadAuthorization,
				r.authorized,
				r.deleted,
			]),
		).toEqual([
			['doc_001', 200, true, true, true],
			['doc_002', 401, true, false, false],
			['doc_003', 401, false, false, false],
			['doc_004', 404, true, false, false],
			[undefined, 404, true, false, false],
		]);
		const first = emulator.requests[0];
		expect(first).toMatchObject({
			method: 'POST',
			path: `/api/webhook/${DEMO_WEBHOOK.id}/document/delete`,
			webhookId: DEMO_WEBHOOK.id,
		});
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
