/** The emulator's outbound callbacks, driven over its admin API as a separately running emulator is. */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import {
	SIGNATURE_FORMS,
	formName,
	type OneFlowEmulator,
	type SignatureForm,
} from '../../testkit/emulator';
import { send, startEmulator } from '../support/emulator-requests';

const SECRET = 'callback-test-signing-secret';

interface Received {
	headers: IncomingHttpHeaders;
	body: Buffer;
}

/** A callback receiver that records every request and answers 204. */
async function receiver(): Promise<{ url: string; received: Received[]; server: Server }> {
	const received: Received[] = [];
	const server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			received.push({ headers: req.headers, body: Buffer.concat(chunks) });
			res.writeHead(204).end();
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`,
		received,
		server,
	};
}

let target: Awaited<ReturnType<typeof receiver>>;
beforeEach(async () => (target = await receiver()));
afterEach(async () => await new Promise((resolve) => target.server.close(resolve)));

const admin = (
	emulator: OneFlowEmulator,
	path: string,
	method: 'GET' | 'PUT' | 'POST',
	body?: unknown,
) =>
	send(`${emulator.baseUrl}/_emulator/callbacks${path}`, {
		method,
		body: body === undefined ? undefined : JSON.stringify(body),
	});

/** The digest a test computes on its own: what a receiver would check. */
function expectedSignature(received: Received, form: SignatureForm): string {
	const timestamp = String(received.headers['x-webhook-timestamp']);
	const signed =
		form.signs === 'body'
			? received.body
			: Buffer.concat([Buffer.from(`${timestamp}.`), received.body]);
	const digest = createHmac('sha256', SECRET).update(signed).digest();
	return {
		hex: digest.toString('hex'),
		'sha256=hex': `sha256=${digest.toString('hex')}`,
		base64: digest.toString('base64'),
		base64url: digest.toString('base64url'),
	}[form.encoding];
}

describe('1Flow emulator: callbacks over the admin API', () => {
	test('settings: none at first; set URL, secret and form; the secret is never shown', async () => {
		const emulator = await startEmulator();
		const initial = await admin(emulator, '', 'GET');
		expect([initial.status, initial.json]).toEqual([
			200,
			{ url: null, signed: false, form: { signs: 'timestamp.body', encoding: 'hex' }, sent: 0 },
		]);
		const form = { signs: 'body', encoding: 'base64' };
		const set = await admin(emulator, '', 'PUT', { url: target.url, secret: SECRET, form });
		expect([set.status, set.json]).toEqual([200, { url: target.url, signed: true, form, sent: 0 }]);
		expect((await admin(emulator, '', 'GET')).text).not.toContain(SECRET);
	});

	test.each(SIGNATURE_FORMS.map((form) => [formName(form), form] as const))(
		'document.ready signed as %s, the shape 1Flow documents',
		async (_, form) => {
			const emulator = await startEmulator();
			await admin(emulator, '', 'PUT', { url: target.url, secret: SECRET, form });
			const before = Date.now();
			const reply = await admin(emulator, '/send', 'POST', { docId: 'doc_001', lineItems: 2 });
			expect(reply.status).toBe(200);
			expect(reply.json).toMatchObject({
				kind: 'signed',
				url: target.url,
				documentId: 'doc_001',
				status: 204,
			});
			expect(reply.text).not.toContain(SECRET);
			const [callback] = target.received;
			expect(callback.headers).toMatchObject({
				'content-type': 'application/json',
				'user-agent': '1Flow-Webhook/1.0',
			});
			expect(callback.headers['x-webhook-signature']).toBe(expectedSignature(callback, form));
			expect(Number(callback.headers['x-webhook-timestamp'])).toBeGreaterThanOrEqual(before);
			const body = JSON.parse(callback.body.toString()) as Record<string, unknown>;
			expect(Object.keys(body)).toEqual([
				'event',
				'success',
				'documentId',
				'status',
				'document',
				'extraction',
			]);
			expect(body).toMatchObject({
				event: 'document.ready',
				success: true,
				documentId: 'doc_001',
				status: { extractionStatus: 'INDEXED' },
			});
			expect((body.extraction as { tables: { items: unknown[] } }).tables.items).toHaveLength(2);
		},
	);

	test('attacks and mistakes on demand', async () => {
		const emulator = await startEmulator();
		const form: SignatureForm = { signs: 'timestamp.body', encoding: 'hex' };
		await admin(emulator, '', 'PUT', { url: target.url, secret: SECRET, form });
		const kinds = [
			'signed',
			'replayed',
			'forged',
			'tampered',
			'stale',
			'future',
			'unsigned',
			'no-signature',
			'no-timestamp',
			'malformed',
		];
		for (const kind of kinds)
			expect({
				kind,
				status: (await admin(emulator, '/send', 'POST', { docId: 'doc_002', kind })).status,
			}).toEqual({ kind, status: 200 });
		const [
			signed,
			replayed,
			forged,
			tampered,
			stale,
			future,
			unsigned,
			noSignature,
			noTimestamp,
			malformed,
		] = target.received;
		const now = Date.now();
		const timestampOf = (received: Received) => Number(received.headers['x-webhook-timestamp']);
		const verifies = (received: Received) =>
			received.headers['x-webhook-signature'] === expectedSignature(received, form);

		expect(replayed.body.equals(signed.body)).toBe(true);
		expect(replayed.headers['x-webhook-signature']).toBe(signed.headers['x-webhook-signature']);
		expect(replayed.headers['x-webhook-timestamp']).toBe(signed.headers['x-webhook-timestamp']);
		expect([
			verifies(signed),
			verifies(forged),
			verifies(tampered),
			verifies(stale),
			verifies(future),
		]).toEqual([true, false, false, true, true]);
		expect(JSON.parse(tampered.body.toString())).toMatchObject({ documentId: 'doc_002' });
		expect(now - timestampOf(stale)).toBeGreaterThanOrEqual(10 * 60 * 1000);
		expect(timestampOf(future) - now).toBeGreaterThan(9 * 60 * 1000);
		expect([
			unsigned.headers['x-webhook-signature'],
			unsigned.headers['x-webhook-timestamp'],
		]).toEqual([undefined, undefined]);
		expect([
			noSignature.headers['x-webhook-signature'],
			typeof noSignature.headers['x-webhook-timestamp'],
		]).toEqual([undefined, 'string']);
		expect([
			typeof noTimestamp.headers['x-webhook-signature'],
			noTimestamp.headers['x-webhook-timestamp'],
		]).toEqual(['string', undefined]);
		expect(() => JSON.parse(malformed.body.toString())).toThrow();
		expect(verifies(malformed)).toBe(true);
	});

	test('without a secret, callbacks are unsigned, as 1Flow sends them then', async () => {
		const emulator = await startEmulator({ callbacks: { url: target.url } });
		await admin(emulator, '/send', 'POST', { docId: 'doc_003' });
		expect(target.received[0].headers['x-webhook-signature']).toBeUndefined();
	});

	test('bad requests are refused with the reason; faults never touch the admin API', async () => {
		const emulator = await startEmulator({ faults: { errorRate: 1 } });
		expect((await admin(emulator, '/send', 'POST', { docId: 'doc_004' })).json).toEqual({
			error: 'No callback URL is set',
		});
		expect(
			(await admin(emulator, '', 'PUT', { form: { signs: 'body', encoding: 'hex256' } })).status,
		).toBe(400);
		expect((await admin(emulator, '', 'PUT', { url: 'not a url' })).status).toBe(400);
		await admin(emulator, '', 'PUT', { url: target.url, secret: SECRET });
		expect(
			(await admin(emulator, '/send', 'POST', { docId: 'doc_004', kind: 'replayed' })).json,
		).toEqual({ error: 'Nothing was sent yet, so nothing can be replayed' });
		expect((await admin(emulator, '/send', 'POST', { kind: 'signed' })).json).toEqual({
			error: 'docId (a string) is required',
		});
		expect(
			(await admin(emulator, '/send', 'POST', { docId: 'doc_004', kind: 'evil' })).json,
		).toEqual({ error: 'Unknown callback kind: evil' });
		expect(
			(await send(`${emulator.baseUrl}/_emulator/callbacks/send`, { body: 'not json' })).status,
		).toBe(400);
		expect((await admin(emulator, '/send', 'GET')).status).toBe(405);
		expect(target.received).toHaveLength(0);
	});

	test('documentReady (the hook for documents reaching INDEXED): nothing without a URL, a signed callback with one', async () => {
		const emulator = await startEmulator();
		expect(await emulator.callbacks.documentReady('doc_005')).toBeUndefined();
		emulator.callbacks.configure({ url: target.url, secret: SECRET });
		const sent = await emulator.callbacks.documentReady('doc_005', {
			status: { extractionStatus: 'INDEXED', docType: 'receipt' },
		});
		expect(sent).toMatchObject({ kind: 'signed', status: 204 });
		expect(JSON.parse(target.received[0].body.toString())).toEqual({
			event: 'document.ready',
			success: true,
			documentId: 'doc_005',
			status: { extractionStatus: 'INDEXED', docType: 'receipt' },
			document: null,
			extraction: null,
		});
	});

	test('a receiver that is not there: recorded as not delivered, nothing thrown', async () => {
		const emulator = await startEmulator({
			callbacks: { url: 'http://127.0.0.1:1/callback', secret: SECRET },
		});
		const sent = await emulator.callbacks.documentReady('doc_006');
		expect(sent).toMatchObject({ status: 0, reply: expect.stringMatching(/^not delivered/) });
	});
});
