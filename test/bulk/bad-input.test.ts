/**
 * Bad input and bad answers (./cases), run through the real n8n engine against the 1Flow
 * emulator: the error class, a message a user (or an AI agent) can act on, the HTTP code,
 * whether anything was sent, and that the webhook secret shows up nowhere: not in the error,
 * its hidden properties, the output items, the run data or the log.
 */
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { OneFlowEmulator, demoDocIds } from '../../testkit/emulator';
import type { OnErrorSetting, RunNodeResult } from '../../testkit/engine';
import { SECRET, WEBHOOK_ID, describeEachTransport, runOneFlow } from '../support/one-flow-node';
import { answerRows as answerRowsFor } from './cases/bad-answers';
import { inputRows } from './cases/bad-input';
import { ROTATED_WEBHOOK_ID, one, type Row } from './cases/row';

const DOCUMENTS = demoDocIds(5);

const emulator = new OneFlowEmulator({
	webhooks: [
		{ id: WEBHOOK_ID, secret: SECRET, documents: DOCUMENTS },
		{ id: ROTATED_WEBHOOK_ID, secret: 'a-newer-secret', documents: DOCUMENTS },
	],
});
/** Where a redirect points: the secret must never arrive here. */
const elsewhere = new OneFlowEmulator({ webhooks: [{ id: WEBHOOK_ID, documents: DOCUMENTS }] });
const answerRows = answerRowsFor(() => elsewhere.baseUrl);

beforeAll(async () => {
	await emulator.start();
	await elsewhere.start();
});

afterAll(async () => {
	await emulator.stop();
	await elsewhere.stop();
});

async function runRow(row: Row, onError?: OnErrorSetting): Promise<RunNodeResult> {
	emulator.addDocuments(WEBHOOK_ID, DOCUMENTS);
	emulator.setFaults({ script: row.script });
	emulator.resetRecord();
	elsewhere.resetRecord();
	return await runOneFlow(emulator, row.items ?? one('doc_001'), {
		credentials: row.credentials,
		parameters: { docId: row.docIdParameter ?? '={{ $json.docId ?? $json.documentId }}' },
		options: { maxRetries: 2, ...row.options },
		onError,
	});
}

function expectMessage(actual: unknown, expected: string | RegExp): void {
	if (typeof expected === 'string') expect(actual).toContain(expected);
	else expect(actual).toMatch(expected);
}

async function expectThrown(row: Row): Promise<void> {
	const result = await runRow(row);

	expect(result.status).toBe('error');
	expect(result.error).toBeInstanceOf(row.error);
	if (row.error === NodeOperationError) expect(result.error).not.toBeInstanceOf(NodeApiError);
	const error = result.error as NodeApiError | NodeOperationError;
	expectMessage(error.message, row.message);
	// An error that names an item carries that item's index for n8n too.
	const itemNamed = /\[item (\d+)\]$/.exec(error.message);
	if (itemNamed) expect(error.context.itemIndex).toBe(Number(itemNamed[1]));
	if (row.description !== undefined) expect(error.description).toMatch(row.description);
	expect(typeof error.description).toBe('string');
	if (row.error === NodeApiError)
		expect((error as NodeApiError).httpCode ?? null).toBe(row.httpCode);
	expect(emulator.requestCount).toBe(row.requests);
	expect(elsewhere.requestCount).toBe(0);
	expect(result.main).toEqual([]);
}

async function expectErrorItem(row: Row): Promise<void> {
	expect(row).toBeDefined();
	const items: Array<Record<string, unknown>> = (row.items ?? one('doc_001')).map(
		(json, index) => ({ ...json, row: index }),
	);
	const result = await runRow({ ...row, items }, 'continueErrorOutput');

	expect(result.error).toBeUndefined();
	expect(result.status).toBe('success');
	expect(result.main).toEqual([]);
	expect(result.errorOutput).toHaveLength(1);
	const [item] = result.errorOutput;
	expect(item.pairedItem).toEqual({ item: 0 });
	expect(item.error).toBeUndefined();
	const isInput = row.error === NodeOperationError;
	expect(item.json).toEqual({
		// The engine merges the input item's fields into the error item.
		...items[0],
		error: expect.any(String),
		details: {
			docId: typeof items[0].docId === 'string' ? items[0].docId : null,
			httpCode: isInput || row.httpCode === null ? null : Number(row.httpCode),
			description: expect.any(String),
		},
	});
	// The item's error says the same as the thrown error would, without the "[item n]" suffix.
	expectMessage(`${item.json.error as string}${isInput ? ' [item 0]' : ''}`, row.message);
	expect(emulator.requestCount).toBe(row.requests);
}

const named = (rows: Row[], names: string[]): Row[] =>
	names.map((name) => rows.find((row) => row.name === name) as Row);

describe('bad input (engine + emulator)', () => {
	test('the tables have at least 30 kinds of bad input and answer', () => {
		expect(inputRows.length + answerRows.length).toBeGreaterThanOrEqual(30);
		expect(new Set([...inputRows, ...answerRows].map((row) => row.name)).size).toBe(
			inputRows.length + answerRows.length,
		);
	});

	test.each(inputRows)('$name', expectThrown);

	const continued = named(inputRows, [
		'docId: an object',
		'webhook ID: ".."',
		'secret with CR LF (header injection)',
		'base URL: credentials in the URL',
	]);
	test.each(continued)('continueErrorOutput: $name', expectErrorItem);
});

// Every answer, under both ways of sending: the same errors, texts and counts.
describeEachTransport('bad answers (engine + emulator)', () => {
	test.each(answerRows)('$name', expectThrown);

	const continued = named(answerRows, [
		'400 whose body echoes the secret',
		'401 for a secret 1Flow no longer accepts',
		'302 redirect to another host (not followed)',
		'hung response: timeout',
	]);
	test.each(continued)('continueErrorOutput: $name', expectErrorItem);
});
