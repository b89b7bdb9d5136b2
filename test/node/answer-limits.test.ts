/**
 * Issue 23, "no request can exhaust n8n's memory", for the 1Flow node in n8n's engine against the
 * emulator, under both transports: an answer dripped one byte per 100 ms ends at the attempt's
 * deadline, an answer of 200 MB at the 16 MiB cap, each with a clear error and the connection
 * closed; Upload never sends the file again after either. A document of 10,000 header fields
 * and 10,000 line items is refused by One Item per Line Item at once. Times and the process's
 * RSS growth are printed (measured, not asserted; figures in docs/performance.md).
 */
import { NodeApiError } from 'n8n-workflow';

import type { FaultAction, OneFlowEmulator } from '../../testkit/emulator';
import {
	SECRET,
	WEBHOOK_ID as WEBHOOK,
	describeEachTransport,
	emulatorsPerTest,
	runOneFlow,
	type RunSettings,
} from '../support/one-flow-node';
import { pdf } from '../support/upload-files';
import { waitFor } from '../support/wait';

const startEmulator = emulatorsPerTest();
let emulator: OneFlowEmulator;

const DRIP: FaultAction = { kind: 'drip' };
const HUGE: FaultAction = { kind: 'huge', bytes: 200 * 1024 * 1024 };
/** Timeout 1 s: the deadline is 4 s (4 × Timeout, plus the file at 1 Mbit/s for an upload). */
const FAST = { timeout: 1000 };

/** An emulator whose answers to `endpoint` take `fault`; doc_big has 10,000 fields and lines. */
async function start(endpoint?: 'get' | 'upload', fault?: FaultAction) {
	emulator = await startEmulator({
		webhooks: [{ id: WEBHOOK, secret: SECRET, documents: ['doc_001'] }],
		faults: { script: (request) => (request.endpoint === endpoint ? fault : undefined) },
		processing: { pendingMs: 0, partialMs: 0, extractedMs: 0 },
	});
	emulator.addDocuments(WEBHOOK, ['doc_big'], { lineItems: 10_000, extraFields: 10_000 });
}

/** Runs the node, and prints how long it took and how far the process's RSS rose meanwhile. */
async function measured(
	what: string,
	items: Array<Record<string, unknown>>,
	settings: RunSettings,
) {
	const before = process.memoryUsage.rss();
	let peak = before;
	const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 10);
	const started = performance.now();
	try {
		return await runOneFlow(emulator, items, settings);
	} finally {
		clearInterval(sampler);
		const ms = Math.round(performance.now() - started);
		const growth = ((Math.max(peak, process.memoryUsage.rss()) - before) / 2 ** 20).toFixed(1);
		console.log(`${what}: ${ms} ms, peak RSS growth ${growth} MB`);
	}
}

const get = (what: string, docId: string, options: Record<string, unknown> = {}) =>
	measured(what, [{ docId }], { operation: 'get', options });
const uploadAndWait = (what: string, options: Record<string, unknown> = {}) =>
	measured(what, [{ row: 0 }], {
		operation: 'upload',
		files: [pdf('invoice.pdf')],
		binaryDataMode: 'filesystem',
		parameters: { waitForProcessing: true },
		options,
	});

/** The node closed the connection: the emulator's answer was cut off, not finished. */
async function expectConnectionClosed() {
	await waitFor(() => emulator.inFlight === 0, 'the node to close the connection', 3_000);
	expect(emulator.requests.map((request) => request.status)).toContain('lost');
}

describeEachTransport('An answer dripped one byte per 100 ms', ({ transport }) => {
	test('Get: the attempt ends at its deadline with a clear error, and is retried as a timeout', async () => {
		await start('get', DRIP);
		const result = await get(`drip, Get, ${transport}`, 'doc_001', { ...FAST, maxRetries: 1 });
		expect(result.error).toBeInstanceOf(NodeApiError);
		expect(result.error?.message).toBe(
			'1Flow\'s answer took longer than 4 s while reading document "doc_001"',
		);
		expect((result.error as NodeApiError).description).toMatch(
			/still going after the most one attempt may take, .* though bytes kept moving; nothing was changed in 1Flow\. Raise "Timeout \(Milliseconds\)".*\(2 attempts were made\.\)/,
		);
		expect(emulator.requests).toHaveLength(2);
		await expectConnectionClosed();
	});

	test('Upload with Wait: an upload answer past its deadline is never sent again (the file may be a document)', async () => {
		await start('upload', DRIP);
		const result = await uploadAndWait(`drip, Upload, ${transport}`, { ...FAST, maxRetries: 3 });
		expect(result.error?.message).toBe(
			'1Flow\'s answer took longer than 4 s while uploading file "invoice.pdf"',
		);
		expect((result.error as NodeApiError).description).toContain(
			'the document may have been created in 1Flow all the same',
		);
		// The emulator took the file: one document, one upload request, no poll.
		expect([emulator.uploads.length, emulator.requests.length]).toEqual([1, 1]);
		await expectConnectionClosed();
	});

	test('Upload with Wait: a poll past its deadline fails the item, which says the document exists', async () => {
		await start('get', DRIP);
		const result = await uploadAndWait(`drip, Upload's wait, ${transport}`, {
			...FAST,
			maxRetries: 0,
		});
		const [{ documentId }] = emulator.uploads;
		expect(result.error?.message).toBe(
			`1Flow's answer took longer than 4 s while reading document "${documentId}"`,
		);
		expect((result.error as NodeApiError).description).toContain(
			`The file was uploaded as document "${documentId}"`,
		);
		expect(emulator.uploads).toHaveLength(1);
		await expectConnectionClosed();
	});
});

describeEachTransport('An answer of 200 MB', ({ transport }) => {
	test('Get: reading stops at 16 MiB with a clear error, not retried', async () => {
		await start('get', HUGE);
		const result = await get(`200 MB, Get, ${transport}`, 'doc_001', { maxRetries: 3 });
		expect(result.error).toBeInstanceOf(NodeApiError);
		expect(result.error?.message).toBe(
			'1Flow\'s answer to the reading of document "doc_001" was larger than 16 MiB',
		);
		expect((result.error as NodeApiError).description).toMatch(
			/the node stopped reading it, so that one answer cannot exhaust n8n's memory, and does not send the request again; nothing was changed in 1Flow\. Check Base URL/,
		);
		expect(emulator.requests).toHaveLength(1);
		await expectConnectionClosed();
	});

	test('Get: an announced length over 16 MiB is refused before reading', async () => {
		await start('get', { ...HUGE, announced: true });
		const result = await get(`200 MB announced, Get, ${transport}`, 'doc_001');
		expect(result.error?.message).toBe(
			'1Flow\'s answer to the reading of document "doc_001" was larger than 16 MiB',
		);
		await expectConnectionClosed();
	});

	test('Upload with Wait: a huge upload answer fails the item without sending the file again', async () => {
		await start('upload', HUGE);
		const result = await uploadAndWait(`200 MB, Upload, ${transport}`, { maxRetries: 3 });
		expect(result.error?.message).toBe(
			'1Flow\'s answer to the upload of file "invoice.pdf" was larger than 16 MiB',
		);
		expect((result.error as NodeApiError).description).toContain(
			'the document may have been created in 1Flow all the same',
		);
		expect([emulator.uploads.length, emulator.requests.length]).toEqual([1, 1]);
		await expectConnectionClosed();
	});

	test('Upload with Wait: a huge poll answer fails the item, which says the document exists', async () => {
		await start('get', HUGE);
		const result = await uploadAndWait(`200 MB, Upload's wait, ${transport}`);
		const [{ documentId }] = emulator.uploads;
		expect(result.error?.message).toBe(
			`1Flow's answer to the reading of document "${documentId}" was larger than 16 MiB`,
		);
		expect((result.error as NodeApiError).description).toContain(
			`The file was uploaded as document "${documentId}"`,
		);
		await expectConnectionClosed();
	});
});

describeEachTransport(
	'A document of 10,000 header fields and 10,000 line items',
	({ transport }) => {
		test('One Item per Line Item refuses it at once, naming the numbers; other documents are read', async () => {
			await start();
			const result = await measured(
				`10,000 x 10,000, One Item per Line Item, ${transport}`,
				[{ docId: 'doc_big' }, { docId: 'doc_001' }],
				{ operation: 'get', options: { output: 'lineItems' }, onError: 'continueErrorOutput' },
			);
			// Its 10,000 extra fields and the emulated invoice's own 7.
			expect(result.errorOutput.map((item) => [item.pairedItem, item.json.error])).toEqual([
				[
					{ item: 0 },
					'Document "doc_big" is too large for One Item per Line Item: 10,000 line items × 10,007 header fields',
				],
			]);
			expect((result.errorOutput[0].json.details as { description: string }).description).toMatch(
				/at most 10,000 line items and 200 header fields.*Set Output to Simplified or Raw/,
			);
			// One request each: a document too large to split is not read again.
			expect(emulator.requests.map((request) => request.docId).sort()).toEqual([
				'doc_001',
				'doc_big',
			]);
			expect(result.main.map((item) => [item.json.documentId, item.json.lineNumber])).toEqual([
				['doc_001', 1],
				['doc_001', 2],
				['doc_001', 3],
			]);
		});

		test('without Continue, the node stops with that error; Simplified reads the same document', async () => {
			await start();
			const refused = await get(`10,000 x 10,000 stopped, ${transport}`, 'doc_big', {
				output: 'lineItems',
			});
			expect(refused.error).toBeInstanceOf(NodeApiError);
			expect(refused.error?.message).toMatch(/^Document "doc_big" is too large/);

			const simplified = await get(`10,000 x 10,000, Simplified, ${transport}`, 'doc_big');
			expect(simplified.error).toBeUndefined();
			expect(simplified.main).toHaveLength(1);
			expect(simplified.main[0].json.field10000).toBe('v10000');
			expect(simplified.main[0].json.lineItems).toHaveLength(10_000);
		});
	},
);

describe('A document at the caps of One Item per Line Item', () => {
	test('10,000 line items and 200 header fields: split into 10,000 items, each paired with its input', async () => {
		await start();
		// The emulated invoice's own 7 fields and 193 more.
		emulator.addDocuments(WEBHOOK, ['doc_caps'], { lineItems: 10_000, extraFields: 193 });
		const result = await get('10,000 x 200, One Item per Line Item', 'doc_caps', {
			output: 'lineItems',
		});
		expect(result.error).toBeUndefined();
		expect(result.main).toHaveLength(10_000);
		expect(result.main.every((item) => (item.pairedItem as { item: number }).item === 0)).toBe(
			true,
		);
		expect(result.main[9_999].json).toMatchObject({ lineNumber: 10_000, field193: 'v193' });
	});
});
