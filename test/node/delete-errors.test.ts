/**
 * The Delete Document operation run by n8n's engine against the 1Flow emulator over real
 * HTTP, when a delete fails: 1Flow's error answers, On Error "continue", a 404 after a lost
 * answer, and redirects.
 */
import { NodeApiError } from 'n8n-workflow';

import type { EmulatorOptions, OneFlowEmulator } from '../../testkit/emulator';
import { DOCS, deleteEmulatorOptions, pairedIndexes } from '../support/delete-documents';
import {
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
	emulator = await startEmulator(deleteEmulatorOptions(options));
	return emulator;
}

const run = (items: Array<Record<string, unknown>>, settings?: RunSettings) =>
	runOneFlow(emulator, items, settings);

describeEachTransport('1Flow error answers when the workflow stops on error', () => {
	it("400: NodeApiError with 1Flow's own text, the docId and the item index", async () => {
		await start({
			faults: {
				script: ({ docId }) =>
					docId === 'doc_b'
						? {
								kind: 'status',
								status: 400,
								body: { error: 'Missing or invalid docId in request body' },
							}
						: undefined,
			},
		});
		// doc_a, named twice, is one document deleted.
		const result = await run([{ docId: 'doc_a' }, { docId: 'doc_a' }, { docId: 'doc_b' }], {
			options: { concurrency: 1 },
		});
		expect(result.status).toBe('error');
		expect(result.error).toBeInstanceOf(NodeApiError);
		const error = result.error as NodeApiError;
		expect(error.message).toBe(
			'1Flow rejected document ID "doc_b": Missing or invalid docId in request body',
		);
		expect(error.httpCode).toBe('400');
		expect(error.context.itemIndex).toBe(2);
		expect(error.description).toContain(
			'1 other document of this run was deleted before the node stopped.',
		);
	});

	it('an item waiting out a 429 when another fails is not the error thrown, and is not tried again', async () => {
		await start({
			faults: {
				script: ({ docId }) => {
					if (docId === 'doc_a')
						return { kind: 'status', status: 429, headers: { 'Retry-After': '30' } };
					if (docId === 'doc_b')
						return {
							kind: 'status',
							status: 400,
							body: { error: 'Missing or invalid docId in request body' },
						};
					return undefined;
				},
			},
		});
		const result = await run([{ docId: 'doc_a' }, { docId: 'doc_b' }], {
			options: { concurrency: 2 },
		});
		expect(result.error?.message).toBe(
			'1Flow rejected document ID "doc_b": Missing or invalid docId in request body',
		);
		expect((result.error as NodeApiError).context.itemIndex).toBe(1);
		expect(emulator.requests.map((request) => request.docId).sort()).toEqual(['doc_a', 'doc_b']);
	});

	it('a cancel says of an item waiting to be tried again how its last try ended', async () => {
		await start({
			faults: {
				script: ({ docId }) =>
					docId === 'doc_a'
						? { kind: 'status', status: 429, headers: { 'Retry-After': '30' } }
						: undefined,
			},
		});
		const controller = new AbortController();
		const pending = run([{ docId: 'doc_a' }], { signal: controller.signal });
		await waitFor(() => emulator.requests[0]?.status === 429, 'the first answer');
		// The answer is written; give the node a moment to read it, so the cancel finds it waiting.
		await sleep(250);
		controller.abort();
		const result = await pending;
		expect(result.status).toBe('canceled');
		expect(result.main[0].json).toMatchObject({
			error:
				'Document "doc_a" was not deleted: the execution was cancelled before it was tried again',
			details: {
				docId: 'doc_a',
				httpCode: 429,
				description: 'Its last attempt was answered HTTP 429. Run the workflow again to delete it.',
			},
		});
		expect(emulator.requests).toHaveLength(1);
	});

	it('401: says to check the webhook secret, and sends the request once', async () => {
		await start();
		const result = await run([{ docId: 'doc_a' }], {
			credentials: { webhookSecret: 'wrong-secret' },
		});
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
		await start();
		const result = await run([{ docId: 'doc_missing' }]);
		const error = result.error as NodeApiError;
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.httpCode).toBe('404');
		expect(error.message).toBe(
			'Document "doc_missing" was not found in 1Flow, or the webhook ID is wrong',
		);
		expect(error.description).toContain('Treat Not Found as Deleted');
	});

	it('404 for an unknown webhook ID', async () => {
		await start();
		const result = await run([{ docId: 'doc_a' }], { credentials: { webhookId: 'wh_unknown' } });
		expect((result.error as NodeApiError).httpCode).toBe('404');
		expect(emulator.hasDocument(WEBHOOK, 'doc_a')).toBe(true);
	});

	it('stops sending after the first failure', async () => {
		await start();
		await run([{ docId: 'doc_missing' }, { docId: 'doc_a' }, { docId: 'doc_b' }], {
			options: { concurrency: 1 },
		});
		expect(emulator.requests.map((request) => request.docId)).toEqual(['doc_missing']);
	});
});

describeEachTransport('continue on fail', () => {
	it('continueRegularOutput: failures become { error, details } items on the main output', async () => {
		await start();
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
		expect(result.main[2].json).toMatchObject({
			error: 'No document ID',
			details: { docId: null, httpCode: null },
		});
		expect(emulator.requests).toHaveLength(2);
	});

	it('continueErrorOutput: the engine routes failures to the error output with the input fields and pairedItem', async () => {
		await start();
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
		await start();
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

describeEachTransport('a 404 after a lost answer', () => {
	it.each(['lostResponse', 'cutAnswer'] as const)(
		'(%s) is a delete by the lost attempt when the webhook checks out',
		async (kind) => {
			await start({ faults: { script: ({ attempt }) => (attempt === 1 ? { kind } : undefined) } });
			const result = await run([{ docId: 'doc_a' }], { options: { timeout: 1000 } });
			expect(result.main[0].json).toMatchObject({
				deleted: true,
				documentId: 'doc_a',
				confirmedByRetry: true,
			});
			expect(emulator.deleteCount('doc_a')).toBe(1);
		},
	);

	it('is not read as a delete when the webhook ID is unknown', async () => {
		await start({
			faults: {
				script: ({ attempt, docId }) =>
					attempt === 1 && docId === 'doc_a' ? { kind: 'drop' } : undefined,
			},
		});
		const result = await run([{ docId: 'doc_a' }], { credentials: { webhookId: 'wh_typo' } });
		expect(result.error).toBeInstanceOf(NodeApiError);
		expect(result.error?.message).toBe('The webhook ID was not found in 1Flow');
		expect(emulator.hasDocument(WEBHOOK, 'doc_a')).toBe(true);
	});
});

describeEachTransport('redirects', () => {
	it('are not followed, so the secret never reaches another host', async () => {
		const elsewhere = await startEmulator({ webhooks: [{ id: WEBHOOK, documents: DOCS }] });
		await start({ faults: { redirectTo: elsewhere.baseUrl } });
		const result = await run([{ docId: 'doc_a' }]);
		expect(result.error).toBeInstanceOf(NodeApiError);
		expect(result.error?.message).toContain('redirect (HTTP 302)');
		expect((result.error as NodeApiError).description).toContain(elsewhere.baseUrl);
		expect(elsewhere.requests).toHaveLength(0);
		expect(emulator.requests).toHaveLength(1);
	});
});
