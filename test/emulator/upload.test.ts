/** The emulator's upload endpoint: the three upload forms, the checks, the faults, the record. */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';

import { request } from 'undici';

import { DEMO_WEBHOOK, sampleFile } from '../../testkit/emulator';
import {
	AUTH,
	endpoint,
	getDoc,
	multipart,
	send,
	startEmulator,
	uploadFile,
} from '../support/emulator-requests';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** A loopback file server for uploads by URL. */
async function fileServer(
	files: Record<string, { bytes: Buffer; type?: string }>,
): Promise<{ url: (path: string) => string; server: Server }> {
	const server = createServer((req, res) => {
		const file = files[req.url ?? ''];
		if (!file) return void res.writeHead(404).end();
		res.writeHead(200, file.type ? { 'content-type': file.type } : {}).end(file.bytes);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return { url: (path) => `http://127.0.0.1:${port}${path}`, server };
}

describe('1Flow emulator: upload', () => {
	test('multipart: the file in field "file" becomes a PENDING document; the upload is recorded, not the bytes', async () => {
		const emulator = await startEmulator();
		const bytes = Buffer.from('%PDF-1.7 an invoice');
		const reply = await uploadFile(emulator, bytes);
		expect(reply.status).toBe(200);
		const { documentId } = reply.json as { documentId: string };
		expect(reply.json).toEqual({
			success: true,
			message: 'Document uploaded successfully',
			documentId: expect.stringMatching(/^doc_[0-9a-f]{12}$/),
		});
		expect(emulator.uploads).toEqual([
			{
				webhookId: DEMO_WEBHOOK.id,
				documentId,
				at: expect.any(Number),
				file: {
					fileName: 'invoice.pdf',
					contentType: 'application/pdf',
					size: bytes.length,
					sha256: sha256(bytes),
					form: 'multipart',
				},
			},
		]);
		expect(emulator.requests[0]).toMatchObject({
			fileName: 'invoice.pdf',
			createdDocumentId: documentId,
			status: 200,
		});
		const got = await getDoc(emulator, documentId);
		expect(got.json).toMatchObject({
			success: true,
			documentId,
			status: { extractionStatus: 'PENDING', docType: null },
			document: null,
			extraction: null,
		});
	});

	test('a body split into 7-byte chunks and a 20 MB file arrive whole (streamed, hashed as they come)', async () => {
		const emulator = await startEmulator();
		const small = Buffer.from(
			`line one\r\n--not-the-boundary\r\n${'\u0000\u00ff'.repeat(40)}`,
			'latin1',
		);
		const { body, contentType } = multipart([
			{ name: 'note', bytes: Buffer.from('hello') },
			{ name: 'file', fileName: 'a.pdf', bytes: small },
		]);
		const chunks = async function* () {
			for (let at = 0; at < body.length; at += 7) yield body.subarray(at, at + 7);
		};
		const reply = await request(endpoint(emulator, 'upload'), {
			method: 'POST',
			headers: { ...AUTH, 'content-type': contentType },
			body: Readable.from(chunks()),
		});
		expect(reply.statusCode).toBe(200);
		await reply.body.dump();
		const large = Buffer.alloc(20 * 1024 * 1024, 'x');
		expect((await uploadFile(emulator, large, { fileName: 'big.pdf' })).status).toBe(200);
		expect(emulator.uploads.map((upload) => [upload.file.size, upload.file.sha256])).toEqual([
			[small.length, sha256(small)],
			[large.length, sha256(large)],
		]);
	});

	test('the file type comes from the part, else the extension; missing, empty or unsupported files are 400', async () => {
		const emulator = await startEmulator();
		expect(
			(
				await uploadFile(emulator, Buffer.from('x'), {
					fileName: 'scan.PNG',
					type: 'application/octet-stream',
				})
			).status,
		).toBe(200);
		expect(emulator.uploads[0].file.contentType).toBe('image/png');
		const refused = [
			[
				await uploadFile(emulator, Buffer.from('x'), { field: 'document' }),
				'Missing or invalid file data: no file in form field "file"',
			],
			[
				await uploadFile(emulator, Buffer.alloc(0)),
				'Missing or invalid file data: the file is empty',
			],
			[
				await uploadFile(emulator, Buffer.from('x'), {
					fileName: 'blob',
					type: 'application/octet-stream',
				}),
				'Could not determine the content type of the file',
			],
			[
				await uploadFile(emulator, Buffer.from('x'), {
					fileName: 'run.exe',
					type: 'application/x-msdownload',
				}),
				'Unsupported file type: application/x-msdownload',
			],
			[
				await send(endpoint(emulator, 'upload'), { body: 'not json', headers: AUTH }),
				'Missing or invalid file data',
			],
		] as const;
		for (const [reply, error] of refused)
			expect([reply.status, reply.json]).toEqual([400, { success: false, error }]);
		expect(emulator.uploads).toHaveLength(1);
	});

	test('by URL: fetched from a loopback address, named after the URL unless told; other hosts are refused unfetched', async () => {
		const emulator = await startEmulator();
		const bytes = Buffer.from('%PDF from a server');
		const files = await fileServer({
			'/files/bill%20one.pdf': { bytes, type: 'application/pdf' },
			'/raw': { bytes },
		});
		try {
			const byUrl = await send(endpoint(emulator, 'upload'), {
				body: JSON.stringify({ url: files.url('/files/bill%20one.pdf') }),
				headers: AUTH,
			});
			expect(byUrl.status).toBe(200);
			const named = await send(endpoint(emulator, 'upload'), {
				body: JSON.stringify({
					url: files.url('/raw'),
					fileName: 'x.pdf',
					contentType: 'application/pdf',
				}),
				headers: AUTH,
			});
			expect(named.status).toBe(200);
			expect(
				emulator.uploads.map(({ file }) => [
					file.fileName,
					file.contentType,
					file.size,
					file.sha256,
					file.form,
				]),
			).toEqual([
				['bill one.pdf', 'application/pdf', bytes.length, sha256(bytes), 'url'],
				['x.pdf', 'application/pdf', bytes.length, sha256(bytes), 'url'],
			]);
			const refused = [
				[
					{ url: 'https://example.com/a.pdf' },
					'The emulator only downloads files from loopback addresses',
				],
				[{ url: 'ftp://127.0.0.1/a.pdf' }, 'Invalid URL: only http and https are supported'],
				[{ url: files.url('/missing.pdf') }, 'Could not download the file (HTTP 404)'],
				[{ url: files.url('/raw') }, 'Could not determine the content type of the file'],
			] as const;
			for (const [json, error] of refused) {
				const reply = await send(endpoint(emulator, 'upload'), {
					body: JSON.stringify(json),
					headers: AUTH,
				});
				expect([reply.status, reply.json]).toEqual([400, { success: false, error }]);
			}
		} finally {
			files.server.close();
		}
	});

	test('its own sample files can be uploaded by URL (a loopback address)', async () => {
		const emulator = await startEmulator();
		const url = `${emulator.baseUrl}/samples/invoice.pdf`;
		const reply = await send(endpoint(emulator, 'upload'), {
			body: JSON.stringify({ url }),
			headers: AUTH,
		});
		expect(reply.status).toBe(200);
		const bytes = sampleFile('invoice.pdf') as Buffer;
		expect(emulator.uploads[0].file).toMatchObject({
			fileName: 'invoice.pdf',
			contentType: 'application/pdf',
			size: bytes.length,
			sha256: sha256(bytes),
		});
		expect((await send(`${emulator.baseUrl}/samples/x.exe`, { method: 'GET' })).status).toBe(404);
	});

	test('base64 JSON (a guessed shape): {file, fileName, contentType?}', async () => {
		const emulator = await startEmulator();
		const bytes = Buffer.from('a csv,file\n1,2\n');
		const reply = await send(endpoint(emulator, 'upload'), {
			body: JSON.stringify({ file: bytes.toString('base64'), fileName: 'rows.csv' }),
			headers: AUTH,
		});
		expect(reply.status).toBe(200);
		expect(emulator.uploads[0].file).toEqual({
			fileName: 'rows.csv',
			contentType: 'text/csv',
			size: bytes.length,
			sha256: sha256(bytes),
			form: 'base64',
		});
		const bad = await send(endpoint(emulator, 'upload'), {
			body: JSON.stringify({ file: '***', fileName: 'a.pdf' }),
			headers: AUTH,
		});
		expect(bad.status).toBe(400);
	});

	test('check order: webhook 404, secret 401, then the body 400; nothing is fetched or created when refused', async () => {
		const emulator = await startEmulator();
		const files = await fileServer({});
		let fetched = 0;
		files.server.on('request', () => fetched++);
		try {
			const body = JSON.stringify({ url: files.url('/a.pdf') });
			const unknown = await send(endpoint(emulator, 'upload', 'wh_nope'), {
				body,
				headers: { authorization: 'wrong' },
			});
			expect([unknown.status, unknown.json]).toEqual([404, { error: 'Webhook not found' }]);
			const wrong = await send(endpoint(emulator, 'upload'), {
				body,
				headers: { authorization: 'wrong' },
			});
			expect([wrong.status, wrong.json]).toEqual([
				401,
				{ error: 'Invalid or missing webhook secret' },
			]);
			expect(fetched).toBe(0);
			expect((await send(endpoint(emulator, 'upload'), { body: '{}', headers: AUTH })).status).toBe(
				400,
			);
			expect(emulator.uploads).toHaveLength(0);
		} finally {
			files.server.close();
		}
	});

	test('faults: a lost answer still creates the document; scripts see the endpoint, the file name and its attempts', async () => {
		const emulator = await startEmulator();
		const seen: unknown[] = [];
		emulator.setFaults({
			script: ({ endpoint: name, fileName, attempt }) => {
				seen.push([name, fileName, attempt]);
				return name === 'upload' && attempt === 1 ? { kind: 'lostResponse' } : undefined;
			},
		});
		const lost = await uploadFile(emulator, Buffer.from('x')).catch((error: Error) => error);
		expect(lost).toBeInstanceOf(Error);
		expect(emulator.uploads).toHaveLength(1);
		expect(emulator.requests[0].status).toBe('lost');
		expect((await uploadFile(emulator, Buffer.from('x'))).status).toBe(200);
		expect((await getDoc(emulator, emulator.uploads[0].documentId)).status).toBe(200);
		expect(seen).toEqual([
			['upload', 'invoice.pdf', 1],
			['upload', 'invoice.pdf', 2],
			['get', undefined, 1],
		]);
		emulator.resetRecord();
		expect(emulator.uploads).toHaveLength(0);
	});
});
