/**
 * Upload with "Wait for Processing", run by n8n's engine against the emulator's document
 * lifecycle: the output is Get's, waiting ends at INDEXED (or EXTRACTED when accepted), a
 * document that never finishes becomes that item's error, and a cancelled execution stops
 * waiting at once.
 */
import { NodeOperationError, type INodeExecutionData } from 'n8n-workflow';

import {
	OneFlowEmulator,
	type EmulatorOptions,
	type ProcessingConfig,
} from '../../testkit/emulator';
import {
	SECRET,
	WEBHOOK_ID as WEBHOOK,
	emulatorsPerTest,
	runOneFlow,
	type RunSettings,
} from '../support/one-flow-node';
import { byFileName } from '../support/upload-files';
import { sleep, waitFor } from '../support/wait';

const startEmulator = emulatorsPerTest();
let emulator: OneFlowEmulator;

async function start(
	processing: Partial<ProcessingConfig>,
	options: EmulatorOptions = {},
): Promise<OneFlowEmulator> {
	emulator = await startEmulator({
		webhooks: [{ id: WEBHOOK, secret: SECRET }],
		processing,
		...options,
	});
	return emulator;
}

const file = (fileName: string) => ({
	data: { data: Buffer.from(`%PDF ${fileName}`), mimeType: 'application/pdf', fileName },
});

const uploadAndWait = (count: number, settings: RunSettings = {}) =>
	runOneFlow(
		emulator,
		Array.from({ length: count }, (_, index) => ({ row: index })),
		{
			operation: 'upload',
			binaryDataMode: 'filesystem',
			files: Array.from({ length: count }, (_, index) => file(`file-${index}.pdf`)),
			...settings,
			parameters: { waitForProcessing: true, ...settings.parameters },
		},
	);

const pairedIndexes = (items: INodeExecutionData[]) =>
	items.map((item) => (item.pairedItem as { item: number }).item);
const gets = () => emulator.requests.filter((request) => request.path.endsWith('/get'));

describe('Upload and wait for processing', () => {
	test('waits until INDEXED and outputs the document as Get does (simplified), one item per input', async () => {
		await start({ pendingMs: 300, partialMs: 300, extractedMs: 300, lineItems: 2 });
		const result = await uploadAndWait(2);
		expect(result.error).toBeUndefined();
		expect(pairedIndexes(result.main)).toEqual([0, 1]);
		expect(
			result.main.map((item) => [item.json.documentId, item.json.status, item.json.docType]),
		).toEqual(
			byFileName(emulator.uploads).map((upload) => [upload.documentId, 'INDEXED', 'invoice']),
		);
		expect(result.main[0].json).toMatchObject({
			invoiceNumber: expect.any(String),
			totalAmount: expect.any(Number),
			lineItems: expect.any(Array),
		});
		expect(byFileName(emulator.uploads).map((upload) => upload.file.fileName)).toEqual([
			'file-0.pdf',
			'file-1.pdf',
		]);
		// It polled more than once per document, and never uploaded again while waiting.
		expect(gets().length).toBeGreaterThan(2);
		expect(emulator.requests.filter((request) => request.path.endsWith('/upload'))).toHaveLength(2);
	});

	test('"Accept Extracted" stops at EXTRACTED; "One Item per Line Item" splits with pairing; the file is kept when asked', async () => {
		await start({ pendingMs: 100, partialMs: 100, extractedMs: 60_000, lineItems: 3 });
		const result = await uploadAndWait(2, {
			options: { acceptExtracted: true, output: 'lineItems', keepBinaryData: true },
		});
		expect(result.error).toBeUndefined();
		expect(pairedIndexes(result.main)).toEqual([0, 0, 0, 1, 1, 1]);
		expect(result.main.map((item) => [item.json.status, item.json.lineNumber])).toEqual([
			['EXTRACTED', 1],
			['EXTRACTED', 2],
			['EXTRACTED', 3],
			['EXTRACTED', 1],
			['EXTRACTED', 2],
			['EXTRACTED', 3],
		]);
		expect(result.main.map((item) => item.binary?.data.fileName)).toEqual([
			'file-0.pdf',
			'file-0.pdf',
			'file-0.pdf',
			'file-1.pdf',
			'file-1.pdf',
			'file-1.pdf',
		]);
	});

	test('failed polls are retried: a 503 and a lost answer while waiting do not fail the item', async () => {
		await start(
			{ pendingMs: 0, partialMs: 0, extractedMs: 1500 },
			{
				faults: {
					script: ({ endpoint, attempt }) => {
						if (endpoint !== 'get' || attempt > 2) return undefined;
						return attempt === 1 ? { kind: 'status', status: 503 } : { kind: 'lostResponse' };
					},
				},
			},
		);
		const result = await uploadAndWait(1);
		expect(result.error).toBeUndefined();
		expect(result.main[0].json.status).toBe('INDEXED');
		expect(emulator.uploads).toHaveLength(1);
	});

	test('polls that keep failing end the wait with an error that says the document exists', async () => {
		await start(
			{},
			{
				faults: {
					script: ({ endpoint }) =>
						endpoint === 'get' ? { kind: 'status', status: 500 } : undefined,
				},
			},
		);
		const result = await uploadAndWait(1, { options: { maxRetries: 1 } });
		const [upload] = emulator.uploads;
		expect(result.error?.message).toBe(
			`1Flow failed with HTTP 500 while reading document "${upload.documentId}"`,
		);
		expect((result.error as { description?: string }).description).toMatch(
			`The file was uploaded as document "${upload.documentId}": read it later with the Get operation instead of uploading the file again.`,
		);
		expect(gets()).toHaveLength(2);
	});

	test('a document that never finishes becomes an error naming its documentId and last status', async () => {
		await start({ pendingMs: 0, partialMs: 0, extractedMs: 0, stopAt: 'PARTIAL' });
		const result = await uploadAndWait(1, { options: { waitTimeout: 5 } });
		const [upload] = emulator.uploads;
		expect(result.error?.message).toBe(
			`Document "${upload.documentId}" was not processed within 5 s (last status: PARTIAL)`,
		);
		expect((result.error as { description?: string }).description).toMatch(
			/Do not upload the file again: the document exists/,
		);
		expect(emulator.uploads).toHaveLength(1);

		const continued = await uploadAndWait(2, {
			options: { waitTimeout: 5 },
			onError: 'continueErrorOutput',
		});
		expect(continued.main).toEqual([]);
		// The two uploads run at once and may reach 1Flow in either order: match them by file.
		const documentOf = (index: number) =>
			emulator.uploads.slice(1).find((record) => record.file.fileName === `file-${index}.pdf`)
				?.documentId;
		expect(continued.errorOutput.map((item) => [item.pairedItem, item.json.error])).toEqual(
			[0, 1].map((index) => [
				{ item: index },
				`Document "${documentOf(index)}" was not processed within 5 s (last status: PARTIAL)`,
			]),
		);
		expect(continued.errorOutput[0].json.details).toMatchObject({
			fileName: 'file-0.pdf',
			documentId: documentOf(0),
			extractionStatus: 'PARTIAL',
			httpCode: null,
		});
	});

	test('cancelling the execution during the wait returns at once; every uploaded item, waited for or not, says its document exists', async () => {
		await start({ pendingMs: 0, partialMs: 0, extractedMs: 0, stopAt: 'PENDING' });
		const controller = new AbortController();
		// The default Wait Timeout is 5 minutes: only the cancel can end this run within the test's time.
		// Concurrency 1: the second and third files are uploaded, but their waits have not begun.
		const pending = uploadAndWait(3, { signal: controller.signal, options: { concurrency: 1 } });
		await waitFor(() => gets().length >= 2, 'two polls');
		controller.abort();
		const result = await pending;
		const requestsAtEnd = emulator.requests.length;
		expect(result.status).toBe('canceled');
		expect(emulator.uploads).toHaveLength(3);
		expect(result.main.map((item) => item.json.error)).toEqual(
			emulator.uploads.map(
				(upload) => `The execution was cancelled while waiting for document "${upload.documentId}"`,
			),
		);
		expect(result.main[0].json.details).toMatchObject({
			documentId: emulator.uploads[0].documentId,
			extractionStatus: 'PENDING',
			fileName: 'file-0.pdf',
		});
		expect(result.main[2].json.details).toMatchObject({
			documentId: emulator.uploads[2].documentId,
			fileName: 'file-2.pdf',
		});
		expect(JSON.stringify(result.main)).not.toMatch(/No request was sent/);
		await sleep(1500);
		expect(emulator.requests.length).toBe(requestsAtEnd);
	});

	test('a failed wait stops the node, and its error counts the other files as uploaded', async () => {
		await start(
			{ pendingMs: 0, partialMs: 0, extractedMs: 0 },
			{
				faults: {
					script: ({ endpoint }) =>
						endpoint === 'get' ? { kind: 'status', status: 404 } : undefined,
				},
			},
		);
		const result = await uploadAndWait(3, { options: { concurrency: 1 } });
		expect(emulator.uploads).toHaveLength(3);
		expect(result.error?.message).toBe(
			`Document "${emulator.uploads[0].documentId}" was not found in 1Flow, or the webhook ID is wrong`,
		);
		expect((result.error as { description?: string }).description).toMatch(
			/2 other files of this run were uploaded before the node stopped\.$/,
		);
		// The node stopped at the first failure: the other documents were not polled.
		expect(gets()).toHaveLength(1);
	});

	test('a failed wait also ends the waits in progress: the node stops at once, not at Wait Timeout', async () => {
		const failsFirst = {
			script: ({ endpoint, docId }: { endpoint: string; docId?: unknown }) =>
				endpoint === 'get' && docId === emulator.uploads[0]?.documentId
					? ({ kind: 'status', status: 404 } as const)
					: undefined,
		};
		await start(
			{ pendingMs: 0, partialMs: 0, extractedMs: 0, stopAt: 'PENDING' },
			{ faults: failsFirst },
		);
		// Wait Timeout is 5 minutes and the second document never finishes: only the stop ends its wait within the test's time.
		const result = await uploadAndWait(2, { options: { concurrency: 2 } });
		expect(result.error?.message).toBe(
			`Document "${emulator.uploads[0].documentId}" was not found in 1Flow, or the webhook ID is wrong`,
		);
		expect((result.error as { description?: string }).description).toMatch(
			/1 other file of this run was uploaded before the node stopped\.$/,
		);
		const requestsAtEnd = emulator.requests.length;
		await sleep(1500);
		expect(emulator.requests.length).toBe(requestsAtEnd);
	});

	test('bad input fails before the upload, as without waiting', async () => {
		await start({});
		const result = await uploadAndWait(1, { files: [undefined] });
		expect(result.error).toBeInstanceOf(NodeOperationError);
		expect(emulator.requests).toEqual([]);
	});
});
