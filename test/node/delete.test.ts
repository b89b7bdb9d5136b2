/**
 * The Delete Document operation run by n8n's engine (WorkflowExecute) against the 1Flow
 * emulator over real HTTP: the contract users' workflows depend on.
 */
import { inspect } from 'node:util';

import { NodeApiError, NodeOperationError, type INodeExecutionData } from 'n8n-workflow';

import { OneFlowEmulator, type EmulatorOptions } from '../emulator/server';
import { runOneFlowNode, type OnErrorSetting, type OneFlowCredentialData, type RunNodeResult } from '../engine/harness';

const SECRET = `s3cr3t-${Math.random().toString(36).slice(2)}`;
const WEBHOOK = 'wh_test';
const DOCS = ['doc_a', 'doc_b', 'doc_c', 'doc_d', 'doc_e', '42'];
const DELETE_PARAMETERS = { resource: 'document', operation: 'delete' };

let emulator: OneFlowEmulator;

async function startEmulator(options: EmulatorOptions = {}): Promise<OneFlowEmulator> {
	emulator = new OneFlowEmulator({
		webhooks: [
			{ id: WEBHOOK, secret: SECRET, documents: DOCS },
			{ id: 'wh_open', documents: ['open_1'] },
		],
		...options,
	});
	await emulator.start();
	return emulator;
}

afterEach(async () => {
	await emulator?.stop();
});

function credentials(overrides: Partial<OneFlowCredentialData> = {}): OneFlowCredentialData {
	return { baseUrl: emulator.baseUrl, webhookId: WEBHOOK, webhookSecret: SECRET, ...overrides };
}

async function run(
	items: Array<Record<string, unknown>>,
	settings: {
		onError?: OnErrorSetting;
		options?: Record<string, unknown>;
		docId?: string;
		credentials?: Partial<OneFlowCredentialData>;
		downstream?: boolean;
	} = {},
): Promise<RunNodeResult> {
	const parameters: Record<string, unknown> = { ...DELETE_PARAMETERS, options: settings.options ?? {} };
	if (settings.docId !== undefined) parameters.docId = settings.docId;
	const result = await runOneFlowNode({
		credentials: credentials(settings.credentials),
		parameters,
		items,
		onError: settings.onError,
		downstream: settings.downstream,
	});
	expectNoSecret(result);
	return result;
}

/** The secret must not appear anywhere a user, an agent or a log reader could see it. */
function expectNoSecret(result: RunNodeResult): void {
	const places: Array<[string, string]> = [
		['main output', JSON.stringify(result.main)],
		['error output', JSON.stringify(result.errorOutput)],
		['run data', JSON.stringify(result.runData)],
		['logs', result.logs.join('\n')],
	];
	if (result.error) {
		places.push(['error message', result.error.message]);
		places.push(['error description', String((result.error as NodeApiError).description)]);
		places.push(['JSON of the error', JSON.stringify(result.error)]);
		places.push(['inspect of the error', inspect(result.error, { depth: 10, showHidden: true })]);
	}
	for (const [place, text] of places) {
		if (text.includes(SECRET)) throw new Error(`The webhook secret appears in the ${place}`);
	}
}

const pairedIndexes = (items: INodeExecutionData[]) =>
	items.map((item) => (item.pairedItem as { item: number }).item);

describe('Delete Document in the engine', () => {
	it('deletes each document, one output item per input item, in order, with pairedItem', async () => {
		await startEmulator();
		const result = await run([{ docId: 'doc_a' }, { docId: 'doc_b' }, { docId: 'doc_c' }]);
		expect(result.status).toBe('success');
		expect(result.error).toBeUndefined();
		expect(result.main.map((item) => item.json)).toEqual(
			['doc_a', 'doc_b', 'doc_c'].map((documentId) => ({
				success: true,
				deleted: true,
				documentId,
				message: 'Document deleted successfully',
			})),
		);
		expect(pairedIndexes(result.main)).toEqual([0, 1, 2]);
		for (const docId of ['doc_a', 'doc_b', 'doc_c']) {
			expect(emulator.deleteCount(docId)).toBe(1);
			expect(emulator.hasDocument(WEBHOOK, docId)).toBe(false);
		}
		expect(emulator.hasDocument(WEBHOOK, 'doc_d')).toBe(true);
		expect(emulator.requests.every((request) => request.hadAuthorization && request.authorized)).toBe(true);
	});

	it('reads documentId, as sent by 1Flow\'s document.ready callback, with the default expression', async () => {
		await startEmulator();
		const result = await run([{ event: 'document.ready', documentId: 'doc_d' }]);
		expect(result.main[0].json).toMatchObject({ deleted: true, documentId: 'doc_d' });
		expect(emulator.requests.map((request) => request.docId)).toEqual(['doc_d']);
	});

	it('reads body.documentId by default, as a Webhook node receiving the callback outputs it', async () => {
		await startEmulator();
		const result = await run([{ headers: {}, query: {}, body: { event: 'document.ready', documentId: 'doc_c' } }]);
		expect(result.main[0].json).toMatchObject({ deleted: true, documentId: 'doc_c' });
	});

	it('takes the Document ID from an expression of the user\'s choice', async () => {
		await startEmulator();
		const result = await run([{ file: { id: 'doc_e' } }], { docId: '={{ $json.file.id }}' });
		expect(result.main[0].json).toMatchObject({ deleted: true, documentId: 'doc_e' });
	});

	it('sends a number as its decimal string and trims text', async () => {
		await startEmulator();
		const result = await run([{ docId: 42 }, { docId: '  doc_a  ' }]);
		expect(emulator.requests.map((request) => request.docId)).toEqual(['42', 'doc_a']);
		expect(result.main.map((item) => item.json.deleted)).toEqual([true, true]);
	});

	it('sends a document asked for by several items once, and answers every item', async () => {
		await startEmulator();
		const result = await run([{ docId: 'doc_a' }, { docId: 'doc_b' }, { docId: 'doc_a' }]);
		expect(emulator.requests.filter((request) => request.docId === 'doc_a')).toHaveLength(1);
		expect(result.main.map((item) => item.json.documentId)).toEqual(['doc_a', 'doc_b', 'doc_a']);
		expect(pairedIndexes(result.main)).toEqual([0, 1, 2]);
	});

	it('sends no Authorization header when the webhook has no secret', async () => {
		await startEmulator();
		const result = await run([{ docId: 'open_1' }], { credentials: { webhookId: 'wh_open', webhookSecret: '' } });
		expect(result.main[0].json.deleted).toBe(true);
		expect(emulator.requests[0].hadAuthorization).toBe(false);
	});

	it('trims a pasted secret', async () => {
		await startEmulator();
		const result = await run([{ docId: 'doc_a' }], { credentials: { webhookSecret: `  ${SECRET}\t` } });
		expect(result.main[0].json.deleted).toBe(true);
	});
});

describe('1Flow error answers when the workflow stops on error', () => {
	it('400: NodeApiError with 1Flow\'s own text, the docId and the item index', async () => {
		await startEmulator({
			faults: {
				script: ({ docId }) =>
					docId === 'doc_b'
						? { kind: 'status', status: 400, body: { error: 'Missing or invalid docId in request body' } }
						: undefined,
			},
		});
		const result = await run([{ docId: 'doc_a' }, { docId: 'doc_b' }], { options: { concurrency: 1 } });
		expect(result.status).toBe('error');
		expect(result.error).toBeInstanceOf(NodeApiError);
		const error = result.error as NodeApiError;
		expect(error.message).toBe('1Flow rejected document ID "doc_b": Missing or invalid docId in request body');
		expect(error.httpCode).toBe('400');
		expect(error.context.itemIndex).toBe(1);
		expect(error.description).toContain('1 other document(s) of this run were deleted');
	});

	it('401: says to check the webhook secret, and sends the request once', async () => {
		await startEmulator();
		const result = await run([{ docId: 'doc_a' }], { credentials: { webhookSecret: 'wrong-secret' } });
		const error = result.error as NodeApiError;
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.httpCode).toBe('401');
		expect(error.message).toContain('rejected the webhook secret');
		expect(error.description).toContain('Check Webhook Secret');
		expect(error.description).not.toContain('wrong-secret');
		expect(emulator.requests).toHaveLength(1);
		expect(emulator.hasDocument(WEBHOOK, 'doc_a')).toBe(true);
	});

	it('404 for a document: names it and both causes', async () => {
		await startEmulator();
		const result = await run([{ docId: 'doc_missing' }]);
		const error = result.error as NodeApiError;
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.httpCode).toBe('404');
		expect(error.message).toBe('Document "doc_missing" was not found in 1Flow, or the webhook ID is wrong');
		expect(error.description).toContain('Treat Not Found as Deleted');
	});

	it('404 for an unknown webhook ID', async () => {
		await startEmulator();
		const result = await run([{ docId: 'doc_a' }], { credentials: { webhookId: 'wh_unknown' } });
		expect((result.error as NodeApiError).httpCode).toBe('404');
		expect(emulator.hasDocument(WEBHOOK, 'doc_a')).toBe(true);
	});

	it('stops sending after the first failure', async () => {
		await startEmulator();
		await run([{ docId: 'doc_missing' }, { docId: 'doc_a' }, { docId: 'doc_b' }], { options: { concurrency: 1 } });
		expect(emulator.requests.map((request) => request.docId)).toEqual(['doc_missing']);
	});
});

describe('continue on fail', () => {
	it('continueRegularOutput: failures become { error, details } items on the main output', async () => {
		await startEmulator();
		const result = await run([{ docId: 'doc_a' }, { docId: 'doc_missing' }, { docId: '' }], {
			onError: 'continueRegularOutput',
		});
		expect(result.status).toBe('success');
		expect(result.main).toHaveLength(3);
		expect(pairedIndexes(result.main)).toEqual([0, 1, 2]);
		expect(result.main[0].json.deleted).toBe(true);
		expect(result.main[1].json).toMatchObject({
			error: 'Document "doc_missing" was not found in 1Flow, or the webhook ID is wrong',
			details: { docId: 'doc_missing', httpCode: 404 },
		});
		expect(result.main[2].json).toMatchObject({ error: 'No document ID', details: { docId: null, httpCode: null } });
		expect(emulator.requests).toHaveLength(2);
	});

	it('continueErrorOutput: the engine routes failures to the error output with the input fields and pairedItem', async () => {
		await startEmulator();
		const result = await run(
			[
				{ docId: 'doc_a', row: 1 },
				{ docId: 'doc_missing', row: 2 },
				{ docId: 'doc_b', row: 3 },
				{ docId: { nested: true }, row: 4 },
			],
			{ onError: 'continueErrorOutput' },
		);
		expect(result.status).toBe('success');
		expect(pairedIndexes(result.main)).toEqual([0, 2]);
		expect(pairedIndexes(result.errorOutput)).toEqual([1, 3]);
		expect(result.errorOutput[0].json).toMatchObject({
			docId: 'doc_missing',
			row: 2,
			error: 'Document "doc_missing" was not found in 1Flow, or the webhook ID is wrong',
			details: { docId: 'doc_missing', httpCode: 404 },
		});
		expect(result.errorOutput[1].json).toMatchObject({
			row: 4,
			error: 'The document ID must be text or a number, not an object',
		});
	});

	it('keeps the failing docId and the input fields through a following node', async () => {
		await startEmulator();
		const result = await run([{ docId: 'doc_a' }, { docId: 'doc_missing', customer: 'acme' }], {
			onError: 'continueErrorOutput',
			downstream: true,
		});
		expect(result.main.map((item) => item.json.documentId)).toEqual(['doc_a']);
		expect(result.errorOutput).toHaveLength(1);
		expect(result.errorOutput[0].json).toMatchObject({
			customer: 'acme',
			details: { docId: 'doc_missing', httpCode: 404 },
		});
	});
});

describe('bad input is caught before any request', () => {
	it.each([
		[{ docId: '' }, 'No document ID'],
		[{ docId: '   ' }, 'The document ID is empty'],
		[{ docId: null }, 'No document ID'],
		[{ docId: ['doc_a'] }, 'not a list'],
		[{ docId: true }, 'not a boolean'],
		[{ other: 'field' }, 'No document ID'],
	])('%j', async (item, message) => {
		await startEmulator();
		const result = await run([{ docId: 'doc_a' }, item]);
		expect(result.error).toBeInstanceOf(NodeOperationError);
		expect(result.error?.message).toContain(message);
		expect(result.error?.message).toContain('(item 1)');
		expect((result.error as NodeOperationError).context.itemIndex).toBe(1);
		expect(emulator.requests).toHaveLength(0);
		expect(emulator.hasDocument(WEBHOOK, 'doc_a')).toBe(true);
	});

	it('an expression that fails names the expression and n8n\'s reason', async () => {
		await startEmulator();
		const result = await run([{ docId: 'doc_a' }], { docId: '={{ $("No Such Node").item.json.id }}' });
		expect(result.error).toBeInstanceOf(NodeOperationError);
		expect(result.error?.message).toBe(
			'The "Document ID" expression failed: Referenced node doesn\'t exist (item 0)',
		);
		expect(emulator.requests).toHaveLength(0);
	});

	it('an expression whose JavaScript error n8n swallows reads as "no document ID"', async () => {
		// n8n's backend turns a TypeError inside {{ }} into undefined rather than an error.
		await startEmulator();
		const result = await run([{ count: 3 }], { docId: '={{ $json.count.toUpperCase() }}' });
		expect(result.error?.message).toBe('No document ID (item 0)');
		expect((result.error as NodeOperationError).description).toContain('Map "Document ID"');
		expect(emulator.requests).toHaveLength(0);
	});

	it.each([
		['webhook ID "..", which would climb the URL path', { webhookId: '..' }, 'Webhook ID'],
		['webhook ID with a slash', { webhookId: `${WEBHOOK}/../x` }, 'Webhook ID'],
		['webhook ID with a query', { webhookId: `${WEBHOOK}?x=1` }, 'Webhook ID'],
		['empty webhook ID', { webhookId: '' }, 'no Webhook ID'],
		['secret with a line break', { webhookSecret: `${SECRET}\r\nX-Injected: 1` }, 'line break'],
		['plain http to a remote host', { baseUrl: 'http://app.1flow.io' }, 'must use https://'],
		['a base URL with the webhook path pasted in', { baseUrl: 'https://app.1flow.io/api/webhook/wh_test/document/delete' }, 'webhook path'],
		['not a URL', { baseUrl: 'app.1flow.io' }, 'not a valid URL'],
	])('%s', async (_, override, message) => {
		await startEmulator();
		const result = await run([{ docId: 'doc_a' }], { credentials: override });
		expect(result.error).toBeInstanceOf(NodeOperationError);
		expect(result.error?.message).toContain(message);
		expect(emulator.requests).toHaveLength(0);
	});
});

describe('Treat Not Found as Deleted', () => {
	it('reports a missing document as already deleted and keeps going', async () => {
		await startEmulator();
		const result = await run([{ docId: 'doc_missing' }, { docId: 'doc_a' }], {
			options: { treatNotFoundAsDeleted: true },
		});
		expect(result.error).toBeUndefined();
		expect(result.main.map((item) => item.json)).toEqual([
			{
				success: true,
				deleted: false,
				alreadyDeleted: true,
				documentId: 'doc_missing',
				message: 'Document not found in 1Flow; counted as already deleted',
			},
			{ success: true, deleted: true, documentId: 'doc_a', message: 'Document deleted successfully' },
		]);
	});

	it('does not count documents as deleted when the webhook ID is unknown', async () => {
		await startEmulator();
		const result = await run([{ docId: 'doc_a' }], {
			options: { treatNotFoundAsDeleted: true },
			credentials: { webhookId: 'wh_unknown' },
		});
		expect(result.error).toBeInstanceOf(NodeApiError);
		expect(result.error?.message).toBe('The webhook ID was not found in 1Flow');
		// Only the check was sent: an empty docId, which cannot delete anything.
		expect(emulator.requests.map((request) => request.docId)).toEqual(['']);
	});
});

describe('a 404 after a lost answer', () => {
	it('is a delete by the lost attempt when the webhook checks out', async () => {
		await startEmulator({ faults: { script: ({ attempt }) => (attempt === 1 ? { kind: 'lostResponse' } : undefined) } });
		const result = await run([{ docId: 'doc_a' }], { options: { timeout: 1000 } });
		expect(result.main[0].json).toMatchObject({ deleted: true, documentId: 'doc_a', confirmedByRetry: true });
		expect(emulator.deleteCount('doc_a')).toBe(1);
	});

	it('is not read as a delete when the webhook ID is unknown', async () => {
		await startEmulator({ faults: { script: ({ attempt, docId }) => (attempt === 1 && docId === 'doc_a' ? { kind: 'drop' } : undefined) } });
		const result = await run([{ docId: 'doc_a' }], { credentials: { webhookId: 'wh_typo' } });
		expect(result.error).toBeInstanceOf(NodeApiError);
		expect(result.error?.message).toBe('The webhook ID was not found in 1Flow');
		expect(emulator.hasDocument(WEBHOOK, 'doc_a')).toBe(true);
	});
});

describe('redirects', () => {
	it('are not followed, so the secret never reaches another host', async () => {
		const elsewhere = new OneFlowEmulator({ webhooks: [{ id: WEBHOOK, documents: DOCS }] });
		const elsewhereUrl = await elsewhere.start();
		try {
			await startEmulator({ faults: { redirectTo: elsewhereUrl } });
			const result = await run([{ docId: 'doc_a' }]);
			expect(result.error).toBeInstanceOf(NodeApiError);
			expect(result.error?.message).toContain('redirect (HTTP 302)');
			expect((result.error as NodeApiError).description).toContain(elsewhereUrl);
			expect(elsewhere.requests).toHaveLength(0);
			expect(emulator.requests).toHaveLength(1);
		} finally {
			await elsewhere.stop();
		}
	});
});

describe('answers that do not confirm a delete', () => {
	it.each([
		['a 200 that is not JSON', { kind: 'nonJson' } as const, 'not JSON'],
		['a 200 without success: true', { kind: 'status', status: 200, body: { success: false } } as const, 'without "success": true'],
	])('%s is an error, not a delete', async (_, action, description) => {
		await startEmulator({ faults: { script: () => action } });
		const result = await run([{ docId: 'doc_a' }]);
		expect(result.error).toBeInstanceOf(NodeApiError);
		expect(result.error?.message).toContain('did not confirm the delete');
		expect((result.error as NodeApiError).description).toContain(description);
	});
});
