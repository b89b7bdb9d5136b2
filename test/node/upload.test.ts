/**
 * The Upload operation run by n8n's engine against the 1Flow emulator over real HTTP: files
 * from binary data (n8n's filesystem and default modes) and URLs, and bad input refused before
 * anything is sent. 1Flow's answers are in ./upload-answers.test.ts.
 */
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
import { PDF, PNG, byFileName, pdf, sha256 } from '../support/upload-files';

const startEmulator = emulatorsPerTest();
let emulator: OneFlowEmulator;

async function start(options: EmulatorOptions = {}): Promise<OneFlowEmulator> {
	emulator = await startEmulator({ webhooks: [{ id: WEBHOOK, secret: SECRET }], ...options });
	return emulator;
}

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
			// Both files are sent at once: they reach the emulator in either order.
			const uploads = byFileName(emulator.uploads);
			expect(
				uploads.map(({ file }) => [
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
				uploads.map(({ documentId, file }) => ({
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
		const uploads = byFileName(emulator.uploads);
		expect(uploads.map(({ file }) => [file.form, file.fileName, file.sha256, file.url])).toEqual([
			['url', 'bill.pdf', sha256(PDF), fileUrl('/bill.pdf')],
			['url', 'renamed.pdf', sha256(PDF), fileUrl('/bill.pdf')],
		]);
		expect(result.main.map((item) => item.json)).toEqual([
			{
				success: true,
				documentId: uploads[0].documentId,
				message: 'Document uploaded successfully',
				url: fileUrl('/bill.pdf'),
			},
			{
				success: true,
				documentId: uploads[1].documentId,
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
