/**
 * The Upload operation run by n8n's engine against the 1Flow emulator over real HTTP: files
 * from binary data (n8n's filesystem and default modes) and URLs, bad input refused before
 * anything is sent, 1Flow's error answers, and uploads never sent twice when 1Flow may have
 * taken them.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { OneFlowEmulator, type EmulatorOptions } from '../../testkit/emulator';
import {
	SECRET,
	WEBHOOK_ID as WEBHOOK,
	describeEachTransport,
	emulatorsPerTest,
	runOneFlow,
	type RunSettings,
} from '../support/one-flow-node';
import { sleep, waitFor } from '../support/wait';

const startEmulator = emulatorsPerTest();
let emulator: OneFlowEmulator;

async function start(options: EmulatorOptions = {}): Promise<OneFlowEmulator> {
	emulator = await startEmulator({ webhooks: [{ id: WEBHOOK, secret: SECRET }], ...options });
	return emulator;
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const PDF = Buffer.from(`%PDF-1.7\n${'\u0000\u00ff invoice body '.repeat(200)}`, 'latin1');
const PNG = Buffer.from('\u0089PNG\r\n\u001a\n a scanned receipt', 'latin1');
const pdf = (fileName = 'invoice.pdf') => ({
	data: { data: PDF, mimeType: 'application/pdf', fileName },
});

const upload = (items: Array<Record<string, unknown>>, settings: RunSettings = {}) =>
	runOneFlow(emulator, items, { operation: 'upload', binaryDataMode: 'filesystem', ...settings });

const pairedIndexes = (items: Array<{ pairedItem?: unknown }>) =>
	items.map((item) => (item.pairedItem as { item: number }).item);

describeEachTransport('Upload from binary data', () => {
	test.each([['filesystem'], ['default']] as const)(
		'streams each item\'s file as multipart field "file" (%s binary-data mode)',
		async (binaryDataMode) => {
			await start();
			const files = [
				pdf(),
				{ data: { data: PNG, mimeType: 'image/png', fileName: 'receipt.png' } },
			];
			const result = await upload([{ row: 1 }, { row: 2 }], { files, binaryDataMode });
			expect(result.error).toBeUndefined();
			expect(
				emulator.uploads.map(({ file }) => [
					file.form,
					file.fileName,
					file.contentType,
					file.size,
					file.sha256,
				]),
			).toEqual([
				['multipart', 'invoice.pdf', 'application/pdf', PDF.length, sha256(PDF)],
				['multipart', 'receipt.png', 'image/png', PNG.length, sha256(PNG)],
			]);
			expect(result.main.map((item) => item.json)).toEqual(
				emulator.uploads.map(({ documentId, file }) => ({
					success: true,
					documentId,
					message: 'Document uploaded successfully',
					fileName: file.fileName,
					fileSize: file.size,
					contentType: file.contentType,
				})),
			);
			expect(pairedIndexes(result.main)).toEqual([0, 1]);
			expect(result.main.every((item) => item.binary === undefined)).toBe(true);
			expect(
				emulator.requests.every((request) => request.hadAuthorization && request.authorized),
			).toBe(true);
			// Streamed, yet with its length announced (not chunked): the file plus the multipart framing.
			const sizes: Record<string, number> = {
				'invoice.pdf': PDF.length,
				'receipt.png': PNG.length,
			};
			const framing = emulator.requests.map(
				(request) => (request.contentLength ?? 0) - sizes[request.fileName as string],
			);
			expect(framing.every((bytes) => bytes > 100 && bytes < 1000)).toBe(true);
		},
	);

	test('"Input Binary Field", "File Name" and "Content Type" choose and rename the file; "Keep Binary Data" passes it on', async () => {
		await start();
		const result = await upload([{}], {
			files: [
				{ attachment_0: { data: PDF, mimeType: 'application/octet-stream', fileName: 'scan' } },
			],
			parameters: { binaryPropertyName: 'attachment_0' },
			options: { fileName: 'INV-7.pdf', contentType: 'application/pdf', keepBinaryData: true },
		});
		expect(
			emulator.uploads.map(({ file }) => [file.fileName, file.contentType, file.sha256]),
		).toEqual([['INV-7.pdf', 'application/pdf', sha256(PDF)]]);
		expect(result.main[0].json).toMatchObject({
			fileName: 'INV-7.pdf',
			contentType: 'application/pdf',
			fileSize: PDF.length,
		});
		expect(result.main[0].binary?.attachment_0).toMatchObject({
			fileName: 'scan',
			mimeType: 'application/octet-stream',
		});
	});

	test('uploads the same file again for every item that carries it (uploads are never merged)', async () => {
		await start();
		const result = await upload([{}, {}], { files: [pdf(), pdf()] });
		expect(emulator.uploads).toHaveLength(2);
		expect(new Set(result.main.map((item) => item.json.documentId)).size).toBe(2);
	});
});

describeEachTransport('Upload from a URL', () => {
	let files: Server;
	let fileUrl: (path: string) => string;
	beforeEach(async () => {
		files = createServer((req, res) =>
			res
				.writeHead(req.url === '/bill.pdf' ? 200 : 404, { 'content-type': 'application/pdf' })
				.end(PDF),
		);
		await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
		fileUrl = (path) => `http://127.0.0.1:${(files.address() as AddressInfo).port}${path}`;
	});
	afterEach(() => files.close());

	test('sends {url, fileName?, contentType?} as JSON; 1Flow fetches the file', async () => {
		await start();
		const result = await upload(
			[{ link: fileUrl('/bill.pdf') }, { link: `  ${fileUrl('/bill.pdf')}  ` }],
			{
				parameters: { inputType: 'url', url: '={{ $json.link }}' },
				options: { fileName: '={{ $itemIndex === 1 ? "renamed.pdf" : "" }}' },
			},
		);
		expect(result.error).toBeUndefined();
		expect(
			emulator.uploads.map(({ file }) => [file.form, file.fileName, file.sha256, file.url]),
		).toEqual([
			['url', 'bill.pdf', sha256(PDF), fileUrl('/bill.pdf')],
			['url', 'renamed.pdf', sha256(PDF), fileUrl('/bill.pdf')],
		]);
		expect(result.main.map((item) => item.json)).toEqual([
			{
				success: true,
				documentId: emulator.uploads[0].documentId,
				message: 'Document uploaded successfully',
				url: fileUrl('/bill.pdf'),
			},
			{
				success: true,
				documentId: emulator.uploads[1].documentId,
				message: 'Document uploaded successfully',
				url: fileUrl('/bill.pdf'),
				fileName: 'renamed.pdf',
			},
		]);
	});

	test("1Flow's 400 for a file it cannot fetch names the URL and says what to check", async () => {
		await start();
		const result = await upload([{}], {
			parameters: { inputType: 'url', url: fileUrl('/missing.pdf') },
		});
		expect(result.error).toBeInstanceOf(NodeApiError);
		expect(result.error?.message).toBe(
			`1Flow rejected file "${fileUrl('/missing.pdf')}": Could not download the file (HTTP 404)`,
		);
		expect((result.error as NodeApiError).httpCode).toBe('400');
		expect(emulator.uploads).toHaveLength(0);
	});
});

describeEachTransport('bad input is refused before anything is sent', () => {
	const BY_URL = { inputType: 'url', url: '={{ $json.url }}' };
	const cases: Array<{
		name: string;
		item: Record<string, unknown>;
		files?: RunSettings['files'];
		parameters?: Record<string, unknown>;
		message: string;
		description: RegExp;
	}> = [
		{
			name: 'missing binary field: names the fields the item has',
			item: {},
			files: [
				{
					attachment_0: { data: PDF, mimeType: 'application/pdf', fileName: 'a.pdf' },
					attachment_1: { data: PNG, mimeType: 'image/png' },
				},
			],
			message: 'The item has no binary field "data" to upload [item 1]',
			description:
				/Its binary fields are: "attachment_0", "attachment_1"\. Set "Input Binary Field"/,
		},
		{
			name: 'no binary data at all',
			item: {},
			message: 'The item has no binary field "data" to upload [item 1]',
			description: /carries no file at all/,
		},
		{
			name: 'an empty file',
			item: {},
			files: [
				{ data: { data: Buffer.alloc(0), mimeType: 'application/pdf', fileName: 'empty.pdf' } },
			],
			message: 'The file "empty.pdf" in binary field "data" is empty [item 1]',
			description: /cannot process an empty file/,
		},
		{
			name: 'a URL that is not http(s)',
			item: { url: 'ftp://files.example.com/a.pdf' },
			parameters: BY_URL,
			message: 'The file URL must start with http:// or https:// (got ftp:) [item 1]',
			description: /public http:\/\/ or https:\/\/ address/,
		},
		{
			name: 'no URL',
			item: {},
			parameters: BY_URL,
			message: 'No file URL [item 1]',
			description: /File URL/,
		},
		{
			name: 'not a URL',
			item: { url: 'invoice.pdf' },
			parameters: BY_URL,
			message: 'The file URL is not a valid URL [item 1]',
			description: /File URL/,
		},
	];

	test.each(cases)('$name', async ({ item, files, parameters, message, description }) => {
		await start();
		// Item 0 is fine: with "stop on error" it is not uploaded either, since the input check comes first.
		const first = parameters === BY_URL ? { url: 'https://files.example.com/fine.pdf' } : {};
		const result = await upload([first, item], { files: [pdf(), ...(files ?? [])], parameters });
		expect(result.error).toBeInstanceOf(NodeOperationError);
		expect(result.error?.message).toBe(message);
		expect((result.error as NodeOperationError).description).toMatch(description);
		expect((result.error as NodeOperationError).context.itemIndex).toBe(1);
		expect(emulator.requests).toEqual([]);
	});

	test("a file gone from n8n's binary data store fails its own item, not the run", async () => {
		await start();
		const gone = {
			data: '',
			mimeType: 'application/pdf',
			fileName: 'gone.pdf',
			id: 'filesystem-v2:workflows/w/executions/1/binary_data/gone',
		};
		const result = await upload([{ row: 'a' }, { row: 'b' }], {
			files: [pdf()],
			storedBinaries: [undefined, { data: gone }],
			onError: 'continueErrorOutput',
		});
		expect(result.main.map((item) => item.json.fileName)).toEqual(['invoice.pdf']);
		expect(result.errorOutput.map((item) => item.pairedItem)).toEqual([{ item: 1 }]);
		expect(result.errorOutput[0].json.error).toMatch(
			/^The file could not be read from n8n's binary data: /,
		);
		expect(emulator.uploads).toHaveLength(1);
	});

	test('with "continue (using error output)" the bad item fails alone and the others are uploaded', async () => {
		await start();
		const result = await upload([{ row: 'a' }, { row: 'b' }], {
			files: [pdf(), undefined],
			onError: 'continueErrorOutput',
		});
		expect(result.main.map((item) => item.json.fileName)).toEqual(['invoice.pdf']);
		expect(result.errorOutput.map((item) => [item.pairedItem, item.json.error])).toEqual([
			[{ item: 1 }, 'The item has no binary field "data" to upload'],
		]);
		expect(emulator.uploads).toHaveLength(1);
	});
});

describeEachTransport("1Flow's answers", () => {
	test.each([
		[
			400,
			{ success: false, error: 'Unsupported file type' },
			'1Flow rejected file "invoice.pdf": Unsupported file type',
			/set "File Name" and "Content Type"/,
		],
		[
			401,
			{ error: 'Invalid or missing webhook secret' },
			'1Flow rejected the webhook secret while uploading file "invoice.pdf"',
			/Check Webhook Secret/,
		],
		[
			404,
			{ error: 'Webhook not found' },
			'The webhook ID was not found in 1Flow',
			/Check Webhook ID and Base URL/,
		],
	])("%i: a NodeApiError with 1Flow's text, sent once", async (status, body, message, hint) => {
		await start({ faults: { script: () => ({ kind: 'status', status, body }) } });
		const result = await upload([{}], { files: [pdf()] });
		expect(result.error).toBeInstanceOf(NodeApiError);
		expect(result.error?.message).toBe(message);
		expect((result.error as NodeApiError).httpCode).toBe(String(status));
		expect((result.error as NodeApiError).description).toMatch(hint);
		expect(emulator.requests).toHaveLength(1);
	});

	test('the real checks: a wrong secret is 401 and an unknown webhook 404, with nothing created', async () => {
		await start();
		const wrong = await upload([{}], {
			files: [pdf()],
			credentials: { webhookSecret: 'not-the-secret' },
		});
		expect((wrong.error as NodeApiError).httpCode).toBe('401');
		const unknown = await upload([{}], { files: [pdf()], credentials: { webhookId: 'wh_other' } });
		expect(unknown.error?.message).toBe('The webhook ID was not found in 1Flow');
		expect(emulator.uploads).toHaveLength(0);
	});

	test.each([
		[
			'a lost answer (the file was taken, the connection dropped)',
			{ kind: 'lostResponse' } as const,
			{},
			'The connection to 1Flow dropped while uploading file "invoice.pdf"',
			1,
		],
		[
			'an answer cut off after its headers',
			{ kind: 'cutAnswer' } as const,
			{},
			'The connection to 1Flow dropped while uploading file "invoice.pdf"',
			1,
		],
		[
			'a timeout (1Flow answers after the node gave up)',
			{ kind: 'delay', ms: 1500 } as const,
			{ timeout: 1000 },
			'No answer from 1Flow within 1000 ms while uploading file "invoice.pdf"',
			1,
		],
		[
			'a 500 (1Flow may have stored the file)',
			{ kind: 'status', status: 500 } as const,
			{},
			'1Flow failed with HTTP 500 while uploading file "invoice.pdf"',
			0,
		],
		[
			'a 502',
			{ kind: 'status', status: 502 } as const,
			{},
			'1Flow failed with HTTP 502 while uploading file "invoice.pdf"',
			0,
		],
	])(
		'%s is not retried: no second document, and the error says it may exist',
		async (_name, action, options, message, created) => {
			await start({
				faults: { script: ({ endpoint }) => (endpoint === 'upload' ? action : undefined) },
			});
			const result = await upload([{}], { files: [pdf()], options: { maxRetries: 5, ...options } });
			expect(result.error?.message).toBe(message);
			expect((result.error as NodeApiError).description).toMatch(
				/may (or may not )?have been created/,
			);
			expect((result.error as NodeApiError).description).toMatch(
				/check in 1Flow whether the document exists before uploading the file again/i,
			);
			// A late answer's document appears when the emulator gets to it; the node never sent a second one.
			await waitFor(() => emulator.uploads.length >= created, 'the document of the late answer');
			expect(emulator.requests.filter((request) => request.path.endsWith('/upload'))).toHaveLength(
				1,
			);
			expect(emulator.uploads).toHaveLength(created);
		},
	);

	test('429 (with Retry-After) and 503 (with and without) mean 1Flow did not take the file: retried, one document', async () => {
		await start({
			faults: {
				script: ({ fileName, attempt }) => {
					if (fileName === 'a.pdf' && attempt === 1)
						return { kind: 'status', status: 429, headers: { 'Retry-After': '0' } };
					if (fileName === 'b.pdf' && attempt === 1)
						return { kind: 'status', status: 503, headers: { 'Retry-After': '0' } };
					if (fileName === 'b.pdf' && attempt === 2) return { kind: 'status', status: 503 };
					return undefined;
				},
			},
		});
		const result = await upload([{}, {}], {
			files: [pdf('a.pdf'), pdf('b.pdf')],
			options: { concurrency: 1 },
		});
		expect(result.error).toBeUndefined();
		expect(emulator.uploads.map(({ file }) => file.fileName)).toEqual(['a.pdf', 'b.pdf']);
		expect(emulator.requests.map((request) => [request.fileName, request.status])).toEqual([
			['a.pdf', 429],
			['a.pdf', 200],
			['b.pdf', 503],
			['b.pdf', 503],
			['b.pdf', 200],
		]);
	});

	test('a refused connection is retried until 1Flow is reachable: one document', async () => {
		await start();
		const { port } = new URL(emulator.baseUrl);
		await emulator.stop();
		const pending = upload([{}], { files: [pdf()], options: { maxRetries: 8 } });
		// Nothing listens for a while: the first attempts are refused.
		await sleep(1200);
		const restarted = await startEmulator({
			port: Number(port),
			webhooks: [{ id: WEBHOOK, secret: SECRET }],
		});
		const result = await pending;
		expect(result.error).toBeUndefined();
		expect(restarted.uploads).toHaveLength(1);
		expect(result.main[0].json.documentId).toBe(restarted.uploads[0].documentId);
	});
});
