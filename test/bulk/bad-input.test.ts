/**
 * Bad input and bad answers, run through the real n8n engine against the 1Flow emulator: the
 * error class, a message a user (or an AI agent) can act on, the HTTP code, whether anything
 * was sent, and that the webhook secret shows up nowhere: not in the error, its hidden
 * properties, the output items, the run data or the log.
 */
import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';

import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { runOneFlowNode } from '../engine/harness';
import type { OnErrorSetting, OneFlowCredentialData, RunNodeResult } from '../engine/harness';
import { OneFlowEmulator, demoDocIds } from '../emulator/server';
import type { FaultConfig } from '../emulator/server';

const SECRET = `s3cr3t-${randomBytes(8).toString('hex')}`;
const WEBHOOK_ID = 'wh_main';
/** A webhook whose secret was changed in 1Flow: the node's (SECRET) is answered 401. */
const ROTATED_WEBHOOK_ID = 'wh_rotated';
const DOCUMENTS = demoDocIds(5);

const emulator = new OneFlowEmulator({
	webhooks: [
		{ id: WEBHOOK_ID, secret: SECRET, documents: DOCUMENTS },
		{ id: ROTATED_WEBHOOK_ID, secret: 'a-newer-secret', documents: DOCUMENTS },
	],
});
/** Where a redirect points: the secret must never arrive here. */
const elsewhere = new OneFlowEmulator({ webhooks: [{ id: WEBHOOK_ID, documents: DOCUMENTS }] });

beforeAll(async () => {
	await emulator.start();
	await elsewhere.start();
});

afterAll(async () => {
	await emulator.stop();
	await elsewhere.stop();
});

type ErrorClass = typeof NodeApiError | typeof NodeOperationError;

interface Row {
	name: string;
	/** The items' json (default: one item asking for doc_001). */
	items?: Array<Record<string, unknown>>;
	/** The Document ID parameter (default: the node's own default expression). */
	docIdParameter?: string;
	credentials?: Partial<OneFlowCredentialData>;
	options?: Record<string, unknown>;
	/** How the emulator answers the delete requests. */
	script?: FaultConfig['script'];
	error: ErrorClass;
	message: string | RegExp;
	/** NodeApiError.httpCode; null when 1Flow sent no answer. */
	httpCode?: string | null;
	/** Requests that reached the emulator (0 for every input error). */
	requests: number;
	description?: RegExp;
}

const one = (docId: unknown): Array<Record<string, unknown>> => [{ docId }];
const status = (code: number, body?: unknown, headers?: Record<string, string>): FaultConfig['script'] => () => ({
	kind: 'status',
	status: code,
	body,
	headers,
});

const NO_ID = /^No document ID \(item 0\)$/;
const BAD_WEBHOOK_ID = 'The Webhook ID in the 1Flow API credential contains characters a webhook ID cannot have';
const CONTROL_IN_SECRET = 'The Webhook Secret in the 1Flow API credential contains a line break or control character';
const NOT_HTTPS = /^The Base URL must use https:\/\/ \(got /;
const URL_PARTS = 'The Base URL must not contain a user name, password, query or fragment';

const inputRows: Row[] = [
	// Document ID
	{ name: 'docId: empty string', items: one(''), error: NodeOperationError, message: NO_ID, requests: 0 },
	{ name: 'docId: whitespace only', items: one(' \t '), error: NodeOperationError, message: 'The document ID is empty', requests: 0 },
	{ name: 'docId: null', items: one(null), error: NodeOperationError, message: NO_ID, requests: 0 },
	{ name: 'docId: no docId or documentId field', items: [{ id: 'doc_001' }], error: NodeOperationError, message: NO_ID, requests: 0 },
	{
		name: 'docId: an object',
		items: one({ id: 'doc_001' }),
		error: NodeOperationError,
		message: 'The document ID must be text or a number, not an object',
		requests: 0,
	},
	{
		name: 'docId: an array',
		items: one(['doc_001']),
		error: NodeOperationError,
		message: 'The document ID must be text or a number, not a list',
		requests: 0,
	},
	{
		name: 'docId: a boolean',
		items: one(false),
		error: NodeOperationError,
		message: 'The document ID must be text or a number, not a boolean',
		requests: 0,
	},
	{
		name: 'docId: expression giving NaN',
		docIdParameter: '={{ Number("doc_001") }}',
		error: NodeOperationError,
		message: 'The document ID is not a finite number (NaN)',
		requests: 0,
	},
	{
		name: 'docId: expression giving Infinity',
		docIdParameter: '={{ 1 / 0 }}',
		error: NodeOperationError,
		message: 'The document ID is not a finite number (Infinity)',
		requests: 0,
	},
	{
		name: 'docId: number too large to be exact',
		items: one(2 ** 64),
		error: NodeOperationError,
		message: 'The document ID is a number too large to be exact',
		description: /as text/,
		requests: 0,
	},
	{
		// n8n's expression engine swallows a plain Error thrown inside {{ }} and yields undefined.
		name: 'docId: expression that throws',
		docIdParameter: '={{ (() => { throw new Error("boom") })() }}',
		error: NodeOperationError,
		message: NO_ID,
		requests: 0,
	},
	{
		name: 'docId: expression with a syntax error',
		docIdParameter: '={{ $json.docId ( }}',
		error: NodeOperationError,
		message: 'The "Document ID" expression failed',
		requests: 0,
	},
	{
		name: 'docId: bad in the last item, so not even the good items before it are sent',
		items: [{ docId: 'doc_001' }, { docId: 'doc_002' }, { docId: { nested: true } }],
		error: NodeOperationError,
		message: 'not an object (item 2)',
		requests: 0,
	},
	// Webhook ID
	...['..', '.', 'a/b', 'a?b', 'a#b', '%2e%2e', '../wh_main', 'wh main', 'wh_mäin', 'wh_main\u200b'].map(
		(webhookId): Row => ({
			name: `webhook ID: ${JSON.stringify(webhookId)}`,
			credentials: { webhookId },
			error: NodeOperationError,
			message: BAD_WEBHOOK_ID,
			requests: 0,
		}),
	),
	...['', '   '].map(
		(webhookId): Row => ({
			name: `webhook ID: ${JSON.stringify(webhookId)}`,
			credentials: { webhookId },
			error: NodeOperationError,
			message: 'The 1Flow API credential has no Webhook ID',
			requests: 0,
		}),
	),
	// Webhook secret
	...(
		[
			['CR LF (header injection)', `${SECRET}\r\nX-Injected: yes`],
			['LF', `${SECRET}\nsecond-line`],
			['NUL', `${SECRET}\u0000`],
			['DEL', `${SECRET}\u007f`],
		] as const
	).map(
		([what, webhookSecret]): Row => ({
			name: `secret with ${what}`,
			credentials: { webhookSecret },
			error: NodeOperationError,
			message: CONTROL_IN_SECRET,
			requests: 0,
		}),
	),
	// Base URL
	{ name: 'base URL: http to a remote host', credentials: { baseUrl: 'http://app.1flow.io' }, error: NodeOperationError, message: NOT_HTTPS, requests: 0 },
	{ name: 'base URL: http to a host that only starts like loopback', credentials: { baseUrl: 'http://127.0.0.1.example.com' }, error: NodeOperationError, message: NOT_HTTPS, requests: 0 },
	{ name: 'base URL: http to localhost.<domain>', credentials: { baseUrl: 'http://localhost.example.com' }, error: NodeOperationError, message: NOT_HTTPS, requests: 0 },
	{ name: 'base URL: ftp', credentials: { baseUrl: 'ftp://app.1flow.io' }, error: NodeOperationError, message: NOT_HTTPS, requests: 0 },
	{ name: 'base URL: credentials in the URL', credentials: { baseUrl: `https://user:${SECRET}@app.1flow.io` }, error: NodeOperationError, message: URL_PARTS, requests: 0 },
	{ name: 'base URL: http with credentials in the URL', credentials: { baseUrl: `http://user:${SECRET}@app.1flow.io` }, error: NodeOperationError, message: NOT_HTTPS, requests: 0 },
	{ name: 'base URL: query', credentials: { baseUrl: `https://app.1flow.io/?token=${SECRET}` }, error: NodeOperationError, message: URL_PARTS, requests: 0 },
	{ name: 'base URL: fragment', credentials: { baseUrl: 'https://app.1flow.io/#top' }, error: NodeOperationError, message: URL_PARTS, requests: 0 },
	{
		name: 'base URL: the whole webhook URL pasted',
		credentials: { baseUrl: 'https://app.1flow.io/api/webhook/wh_main/document/delete' },
		error: NodeOperationError,
		message: 'The Base URL contains a webhook path',
		requests: 0,
	},
	{ name: 'base URL: not a URL', credentials: { baseUrl: 'app 1flow io' }, error: NodeOperationError, message: 'The Base URL in the 1Flow API credential is not a valid URL', requests: 0 },
	{ name: 'base URL: empty', credentials: { baseUrl: '' }, error: NodeOperationError, message: 'The 1Flow API credential has no Base URL', requests: 0 },
];

const answerRows: Row[] = [
	{
		name: '400 with an error body',
		script: status(400, { error: 'docId has an invalid format' }),
		error: NodeApiError,
		message: '1Flow rejected document ID "doc_001": docId has an invalid format',
		httpCode: '400',
		requests: 1,
	},
	{
		name: '400 whose body echoes the secret',
		script: status(400, { error: `Bad header ${SECRET}` }),
		error: NodeApiError,
		message: '1Flow rejected document ID "doc_001": Bad header [redacted]',
		httpCode: '400',
		requests: 1,
	},
	{
		name: '401 for a secret 1Flow no longer accepts',
		credentials: { webhookId: ROTATED_WEBHOOK_ID },
		error: NodeApiError,
		message: '1Flow rejected the webhook secret while deleting document "doc_001"',
		description: /Check Webhook Secret/,
		httpCode: '401',
		requests: 1,
	},
	{
		name: '401 found by the webhook check of "Treat Not Found as Deleted"',
		credentials: { webhookId: ROTATED_WEBHOOK_ID },
		options: { treatNotFoundAsDeleted: true },
		error: NodeApiError,
		message: '1Flow rejected the webhook secret',
		httpCode: '401',
		requests: 1,
	},
	{
		name: '403',
		script: status(403, { error: 'Forbidden by policy' }),
		error: NodeApiError,
		message: '1Flow refused to delete document "doc_001" (HTTP 403)',
		description: /Forbidden by policy/,
		httpCode: '403',
		requests: 1,
	},
	{
		name: '404 for an unknown document',
		items: one('doc_unknown'),
		error: NodeApiError,
		message: 'Document "doc_unknown" was not found in 1Flow, or the webhook ID is wrong',
		description: /Treat Not Found as Deleted/,
		httpCode: '404',
		requests: 1,
	},
	{
		name: '404 for an unknown webhook',
		credentials: { webhookId: 'wh_unknown' },
		error: NodeApiError,
		message: 'Document "doc_001" was not found in 1Flow, or the webhook ID is wrong',
		httpCode: '404',
		requests: 1,
	},
	{
		name: '404 for an unknown webhook with "Treat Not Found as Deleted"',
		credentials: { webhookId: 'wh_unknown' },
		options: { treatNotFoundAsDeleted: true },
		error: NodeApiError,
		message: 'The webhook ID was not found in 1Flow',
		httpCode: '404',
		requests: 1,
	},
	{
		name: '405',
		script: status(405, { error: 'Method not allowed' }, { Allow: 'POST' }),
		error: NodeApiError,
		message: '(HTTP 405)',
		httpCode: '405',
		requests: 1,
	},
	{
		name: '413 for a document ID over 1 MB',
		items: one(`doc_${'x'.repeat(1024 * 1024)}`),
		error: NodeApiError,
		// The docId is quoted cut to 100 characters, so a 1 MB value cannot flood the message.
		message: /^1Flow refused to delete document "doc_x{96}…" \(HTTP 413\)$/,
		description: /Request body too large/,
		httpCode: '413',
		requests: 1,
	},
	{
		name: '500 on every attempt',
		options: { maxRetries: 1 },
		script: status(500),
		error: NodeApiError,
		message: '1Flow failed with HTTP 500 while deleting document "doc_001"',
		description: /\(2 attempts were made\.\)$/,
		httpCode: '500',
		requests: 2,
	},
	{
		name: '501 (not retried)',
		options: { maxRetries: 3 },
		script: status(501),
		error: NodeApiError,
		message: '1Flow failed with HTTP 501 while deleting document "doc_001"',
		httpCode: '501',
		requests: 1,
	},
	{
		name: '429 on every attempt (Retry-After: 0)',
		options: { maxRetries: 1 },
		script: status(429, { error: 'Too many requests' }, { 'Retry-After': '0' }),
		error: NodeApiError,
		message: '1Flow kept rate-limiting the delete of document "doc_001" (HTTP 429)',
		httpCode: '429',
		requests: 2,
	},
	{
		name: '302 redirect to another host (not followed)',
		options: { maxRetries: 3 },
		script: () => ({ kind: 'redirect', location: `${elsewhere.baseUrl}/api/webhook/${WEBHOOK_ID}/document/delete` }),
		error: NodeApiError,
		message: '1Flow answered with a redirect (HTTP 302) instead of deleting document "doc_001"',
		description: /never sent to another address/,
		httpCode: '302',
		requests: 1,
	},
	{
		name: '200 with a body that is not JSON',
		script: () => ({ kind: 'nonJson' }),
		error: NodeApiError,
		message: '1Flow\'s answer did not confirm the delete of document "doc_001"',
		description: /not JSON/,
		httpCode: '200',
		requests: 1,
	},
	{
		name: '200 with success: false',
		script: status(200, { success: false, error: 'Document is locked' }),
		error: NodeApiError,
		message: '1Flow\'s answer did not confirm the delete of document "doc_001"',
		description: /without "success": true/,
		httpCode: '200',
		requests: 1,
	},
	{
		name: '200 with an empty body',
		script: status(200, ''),
		error: NodeApiError,
		message: '1Flow\'s answer did not confirm the delete of document "doc_001"',
		httpCode: '200',
		requests: 1,
	},
	{
		name: 'connection dropped on every attempt',
		options: { maxRetries: 1 },
		script: () => ({ kind: 'drop' }),
		error: NodeApiError,
		message: 'The connection to 1Flow dropped while deleting document "doc_001"',
		description: /may or may not be deleted.*\(2 attempts were made\.\)$/,
		httpCode: null,
		requests: 2,
	},
	{
		name: 'hung response: timeout',
		options: { timeout: 1000, maxRetries: 0 },
		script: () => ({ kind: 'hang' }),
		error: NodeApiError,
		message: 'No answer from 1Flow within 1000 ms while deleting document "doc_001"',
		httpCode: null,
		requests: 1,
	},
	{
		name: 'connection refused',
		credentials: { baseUrl: 'http://127.0.0.1:1' },
		options: { maxRetries: 0 },
		error: NodeApiError,
		message: 'Could not connect to 1Flow at http://127.0.0.1:1 to delete document "doc_001"',
		httpCode: null,
		requests: 0,
	},
];

function credentialsOf(row: Row): OneFlowCredentialData {
	return { baseUrl: emulator.baseUrl, webhookId: WEBHOOK_ID, webhookSecret: SECRET, ...row.credentials };
}

async function runRow(row: Row, onError?: OnErrorSetting): Promise<RunNodeResult> {
	emulator.addDocuments(WEBHOOK_ID, DOCUMENTS);
	emulator.setFaults({ script: row.script });
	emulator.resetRecord();
	elsewhere.resetRecord();
	return await runOneFlowNode({
		credentials: credentialsOf(row),
		parameters: {
			resource: 'document',
			operation: 'delete',
			docId: row.docIdParameter ?? '={{ $json.docId ?? $json.documentId }}',
			options: { maxRetries: 2, ...row.options },
		},
		items: row.items ?? one('doc_001'),
		onError,
	});
}

/** Every place a secret could surface from a run, by name. */
function exposedText(result: RunNodeResult): Record<string, string> {
	const error = result.error as (Error & { description?: unknown }) | undefined;
	return {
		message: String(error?.message),
		description: String(error?.description),
		json: JSON.stringify(error) ?? '',
		inspect: inspect(error, { depth: 10, showHidden: true }),
		main: JSON.stringify(result.main),
		errorOutput: JSON.stringify(result.errorOutput),
		runData: JSON.stringify(result.runData),
		logs: result.logs.join('\n'),
	};
}

function expectNoSecret(result: RunNodeResult): void {
	for (const [where, text] of Object.entries(exposedText(result))) {
		expect({ where, leaks: text.includes(SECRET) }).toEqual({ where, leaks: false });
	}
}

function expectMessage(actual: unknown, expected: string | RegExp): void {
	if (typeof expected === 'string') expect(actual).toContain(expected);
	else expect(actual).toMatch(expected);
}

describe('bad input and bad answers (engine + emulator)', () => {
	test('the table has at least 30 kinds of bad input and answer', () => {
		expect(inputRows.length + answerRows.length).toBeGreaterThanOrEqual(30);
		expect(new Set([...inputRows, ...answerRows].map((row) => row.name)).size).toBe(inputRows.length + answerRows.length);
	});

	test.each([...inputRows, ...answerRows])('$name', async (row) => {
		const result = await runRow(row);

		expect(result.status).toBe('error');
		expect(result.error).toBeInstanceOf(row.error);
		if (row.error === NodeOperationError) expect(result.error).not.toBeInstanceOf(NodeApiError);
		const error = result.error as NodeApiError | NodeOperationError;
		expectMessage(error.message, row.message);
		if (row.description !== undefined) expect(error.description).toMatch(row.description);
		expect(typeof error.description).toBe('string');
		if (row.error === NodeApiError) expect((error as NodeApiError).httpCode ?? null).toBe(row.httpCode);
		expect(emulator.requestCount).toBe(row.requests);
		expect(elsewhere.requestCount).toBe(0);
		expect(result.main).toEqual([]);
		expectNoSecret(result);
	});

	const continued = [
		inputRows.find((row) => row.name === 'docId: an object'),
		inputRows.find((row) => row.name === 'webhook ID: ".."'),
		inputRows.find((row) => row.name === 'secret with CR LF (header injection)'),
		inputRows.find((row) => row.name === 'base URL: credentials in the URL'),
		answerRows.find((row) => row.name === '400 whose body echoes the secret'),
		answerRows.find((row) => row.name === '401 for a secret 1Flow no longer accepts'),
		answerRows.find((row) => row.name === '302 redirect to another host (not followed)'),
		answerRows.find((row) => row.name === 'hung response: timeout'),
	] as Row[];

	test.each(continued)('continueErrorOutput: $name', async (row) => {
		expect(row).toBeDefined();
		const items: Array<Record<string, unknown>> = (row.items ?? one('doc_001')).map((json, index) => ({ ...json, row: index }));
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
		// The item's error says the same as the thrown error would, without the "(item n)" suffix.
		expectMessage(`${item.json.error as string}${isInput ? ' (item 0)' : ''}`, row.message);
		expect(emulator.requestCount).toBe(row.requests);
		expectNoSecret(result);
	});
});
