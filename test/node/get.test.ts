/**
 * The Get operation run by n8n's engine against the 1Flow emulator: the three output modes
 * with their pairing, documents not extracted yet, 1Flow's error answers, bad input, retries;
 * and Upload → Get → Delete chained, each step reading the previous one's output.
 */
import { NodeApiError, NodeOperationError, type INodeExecutionData } from 'n8n-workflow';

import { OneFlowEmulator, type EmulatorOptions } from '../../testkit/emulator';
import {
	SECRET,
	WEBHOOK_ID as WEBHOOK,
	describeEachTransport,
	emulatorsPerTest,
	runOneFlow,
	type RunSettings,
} from '../support/one-flow-node';

const startEmulator = emulatorsPerTest();
let emulator: OneFlowEmulator;

async function start(options: EmulatorOptions = {}): Promise<OneFlowEmulator> {
	emulator = await startEmulator({
		webhooks: [{ id: WEBHOOK, secret: SECRET, documents: ['doc_a'] }],
		...options,
	});
	emulator.addDocuments(WEBHOOK, ['doc_b'], { lineItems: 2 });
	emulator.addDocuments(WEBHOOK, ['doc_pending'], { status: 'PENDING' });
	return emulator;
}

const get = (items: Array<Record<string, unknown>>, settings: RunSettings = {}) =>
	runOneFlow(emulator, items, { operation: 'get', ...settings });
const pairedIndexes = (items: INodeExecutionData[]) =>
	items.map((item) => (item.pairedItem as { item: number }).item);

describeEachTransport('Get Document in the engine', () => {
	test('simplified (default): ID, status, type, summary and fields side by side, line items as a list', async () => {
		await start();
		const result = await get([{ docId: 'doc_a' }, { documentId: 'doc_b' }]);
		expect(result.error).toBeUndefined();
		expect(pairedIndexes(result.main)).toEqual([0, 1]);
		const [a, b] = result.main.map((item) => item.json);
		expect(a).toEqual({
			documentId: 'doc_a',
			status: 'INDEXED',
			docType: 'invoice',
			description: expect.stringContaining('doc_a.pdf'),
			totalAmount: expect.any(Number),
			documentDate: expect.stringMatching(/^\d{4}-\d\d-\d\d$/),
			invoiceNumber: expect.stringMatching(/^INV-/),
			supplierName: 'Emulated Supplier Ltd',
			invoiceDate: expect.any(String),
			currency: 'EUR',
			lineItems: expect.any(Array),
		});
		expect(a.lineItems).toHaveLength(3);
		expect(b.lineItems).toHaveLength(2);
		// Sent at once: they reach the emulator in either order.
		expect(emulator.requests.map((request) => `${request.method} ${request.docId}`).sort()).toEqual(
			['GET doc_a', 'GET doc_b'],
		);
	});

	test("raw: 1Flow's answer as it is, with the schema when asked for", async () => {
		await start();
		const result = await get([{ docId: 'doc_b' }], {
			options: { output: 'raw', includeSchema: true },
		});
		const raw = result.main[0].json as Record<string, Record<string, unknown>>;
		expect(Object.keys(raw).sort()).toEqual([
			'document',
			'documentId',
			'extraction',
			'schema',
			'status',
			'success',
		]);
		expect(raw.status.extractionStatus).toBe('INDEXED');
		expect((raw.extraction.tables as { items: unknown[] }).items).toHaveLength(2);
		expect(raw.schema).toMatchObject({ docType: 'invoice' });
	});

	test('one item per line item: every row paired with the input item it came from, header fields on each', async () => {
		await start();
		const result = await get([{ docId: 'doc_b' }, { docId: 'doc_pending' }, { docId: 'doc_a' }], {
			options: { output: 'lineItems' },
		});
		expect(pairedIndexes(result.main)).toEqual([0, 0, 1, 2, 2, 2]);
		expect(result.main.map((item) => [item.json.documentId, item.json.lineNumber])).toEqual([
			['doc_b', 1],
			['doc_b', 2],
			['doc_pending', null],
			['doc_a', 1],
			['doc_a', 2],
			['doc_a', 3],
		]);
		const first = result.main[0].json;
		expect(first).toMatchObject({
			status: 'INDEXED',
			invoiceNumber: expect.any(String),
			description: 'Item 1',
			sku: expect.any(String),
			amount: expect.any(Number),
		});
		expect(first).not.toHaveProperty('lineItems');
	});

	test('the default Document ID reads each item exactly as n8n evaluates the same expression', async () => {
		await start();
		const items = [
			{ docId: 'doc_a' },
			{ documentId: ' doc_b ' },
			{ body: { documentId: 'doc_a' } },
			{ docId: null, documentId: 'doc_b', body: { documentId: 'doc_a' } },
			{ docId: '', documentId: 'doc_b' },
			{ docId: 0 },
			{ docId: 2 ** 64 },
			{ docId: true },
			{ docId: { id: 'doc_a' } },
			{ docId: ['doc_a'] },
			{ body: 'doc_a' },
			{ body: null },
			{},
		];
		const outcomes = (result: Awaited<ReturnType<typeof get>>) =>
			[...result.main, ...result.errorOutput]
				.sort((a, b) => pairedIndexes([a])[0] - pairedIndexes([b])[0])
				.map((item) => item.json.error ?? item.json.documentId);
		const settings: RunSettings = { onError: 'continueErrorOutput' };
		const byDefault = await get(items, settings);
		// The same expression, spelt differently, goes through n8n's expression engine.
		const byN8n = await get(items, {
			...settings,
			parameters: { docId: '={{ $json.docId ?? $json.documentId ?? $json.body?.documentId  }}' },
		});
		expect(outcomes(byDefault)).toEqual(outcomes(byN8n));
		expect(outcomes(byDefault).slice(0, 6)).toEqual([
			'doc_a',
			'doc_b',
			'doc_a',
			'doc_b',
			'No document ID',
			'Document "0" was not found in 1Flow, or the webhook ID is wrong',
		]);
	});

	test('a document not extracted yet is not an error: the item says its status', async () => {
		await start();
		const result = await get([{ docId: 'doc_pending' }], { options: { includeSchema: true } });
		expect(result.error).toBeUndefined();
		expect(result.main[0].json).toEqual({
			documentId: 'doc_pending',
			status: 'PENDING',
			docType: null,
			lineItems: [],
			schema: expect.any(Object),
		});
	});

	test('each document is read once however many items name it; a docId is sent as one query value', async () => {
		await start();
		emulator.addDocuments(WEBHOOK, ['a&includeSchema=true#x/../y']);
		const result = await get([
			{ docId: 'doc_a' },
			{ docId: 'a&includeSchema=true#x/../y' },
			{ docId: ' doc_a ' },
		]);
		expect(result.main.map((item) => item.json.documentId)).toEqual([
			'doc_a',
			'a&includeSchema=true#x/../y',
			'doc_a',
		]);
		expect(result.main[1].json).not.toHaveProperty('schema');
		expect(emulator.requests.map((request) => request.docId).sort()).toEqual([
			'a&includeSchema=true#x/../y',
			'doc_a',
		]);
	});
});

describeEachTransport('Get: errors', () => {
	test.each([
		['an empty Document ID', { docId: '  ' }, 'The document ID is empty [item 1]'],
		['no Document ID at all', { name: 'x' }, 'No document ID [item 1]'],
		[
			'an object as Document ID',
			{ docId: { id: 'doc_a' } },
			'The document ID must be text or a number, not an object [item 1]',
		],
	])('%s: a NodeOperationError naming the item, nothing sent', async (_name, item, message) => {
		await start();
		const result = await get([{ docId: 'doc_a' }, item]);
		expect(result.error).toBeInstanceOf(NodeOperationError);
		expect(result.error?.message).toBe(message);
		expect(emulator.requests).toEqual([]);
	});

	test.each([
		[
			404,
			'doc_missing',
			{},
			'Document "doc_missing" was not found in 1Flow, or the webhook ID is wrong',
		],
		[
			401,
			'doc_a',
			{ webhookSecret: 'wrong' },
			'1Flow rejected the webhook secret while reading document "doc_a"',
		],
		[
			404,
			'doc_a',
			{ webhookId: 'wh_unknown' },
			'Document "doc_a" was not found in 1Flow, or the webhook ID is wrong',
		],
	])(
		"%i from the emulator's own checks: NodeApiError, not retried",
		async (status, docId, credentials, message) => {
			await start();
			const result = await get([{ docId }], { credentials });
			expect(result.error).toBeInstanceOf(NodeApiError);
			expect([result.error?.message, (result.error as NodeApiError).httpCode]).toEqual([
				message,
				String(status),
			]);
			expect(emulator.requests).toHaveLength(1);
		},
	);

	test("400: 1Flow's text in the message", async () => {
		await start({
			faults: {
				script: () => ({
					kind: 'status',
					status: 400,
					body: { error: 'Missing or invalid docId' },
				}),
			},
		});
		const result = await get([{ docId: 'doc_a' }]);
		expect(result.error?.message).toBe(
			'1Flow rejected document ID "doc_a": Missing or invalid docId',
		);
	});

	test('a lost answer, a 503 and a 429 are retried (reading changes nothing): one item each', async () => {
		await start({
			faults: {
				script: ({ docId, attempt }) => {
					if (attempt > 1) return undefined;
					if (docId === 'doc_a') return { kind: 'lostResponse' };
					return docId === 'doc_b'
						? { kind: 'status', status: 503 }
						: { kind: 'status', status: 429, headers: { 'Retry-After': '0' } };
				},
			},
		});
		const result = await get([{ docId: 'doc_a' }, { docId: 'doc_b' }, { docId: 'doc_pending' }]);
		expect(result.error).toBeUndefined();
		expect(result.main.map((item) => [item.json.documentId, item.json.status])).toEqual([
			['doc_a', 'INDEXED'],
			['doc_b', 'INDEXED'],
			['doc_pending', 'PENDING'],
		]);
		expect(emulator.requests).toHaveLength(6);
	});

	test('with "continue (using error output)": the failure names the docId; the others are read', async () => {
		await start();
		const result = await get([{ docId: 'doc_a' }, { docId: 'doc_gone' }], {
			onError: 'continueErrorOutput',
		});
		expect(result.main.map((item) => item.json.documentId)).toEqual(['doc_a']);
		expect(
			result.errorOutput.map((item) => [
				item.pairedItem,
				(item.json.details as { docId: string; httpCode: number }).docId,
				(item.json.details as { httpCode: number }).httpCode,
			]),
		).toEqual([[{ item: 1 }, 'doc_gone', 404]]);
	});
});

describeEachTransport('Upload → Get → Delete, each step reading the previous output', () => {
	test('the uploaded file is read back once extracted and then deleted', async () => {
		await start({ processing: { pendingMs: 0, partialMs: 0, extractedMs: 0, lineItems: 2 } });
		const files = [
			{
				data: {
					data: Buffer.from('%PDF chain'),
					mimeType: 'application/pdf',
					fileName: 'chain.pdf',
				},
			},
		];
		const uploaded = await runOneFlow(emulator, [{ from: 'mail' }], {
			operation: 'upload',
			files,
			binaryDataMode: 'filesystem',
		});
		const documentId = uploaded.main[0].json.documentId as string;
		expect(emulator.uploads.map((record) => record.documentId)).toEqual([documentId]);

		const read = await get(
			uploaded.main.map((item) => item.json),
			{ options: { output: 'lineItems' } },
		);
		expect(
			read.main.map((item) => [item.json.documentId, item.json.lineNumber, item.json.status]),
		).toEqual([
			[documentId, 1, 'INDEXED'],
			[documentId, 2, 'INDEXED'],
		]);

		const deleted = await runOneFlow(emulator, [uploaded.main[0].json]);
		expect(deleted.main[0].json).toMatchObject({ deleted: true, documentId });
		expect(emulator.hasDocument(WEBHOOK, documentId)).toBe(false);
		expect(emulator.requests.map((request) => request.path.split('/').pop())).toEqual([
			'upload',
			'get',
			'delete',
		]);
	});
});
