/**
 * The engine harness itself, with a fixture package (./fixture) against the emulator: that
 * it shows what n8n's engine does with a node's items, errors, logs and binary input, and
 * what a trigger's webhook receives and answers.
 */
import { createHmac } from 'node:crypto';

import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { OneFlowEmulator } from '../../testkit/emulator';
import {
	runNode,
	runWebhook,
	testCredential,
	type CredentialData,
	type RunNodeOptions,
} from '../../testkit/engine';
import { waitFor } from '../support/wait';
import { createFixturePackage, type FixturePackage } from './fixture';

const SECRET = 'sEcReT-9f2c7a1e-do-not-log';
const WEBHOOK = 'wh-1';
/** Answered 200 by the emulator's script when webhook and secret are right: a passing credential test. */
const PROBE_WEBHOOK = 'wh-probe';
const DOCUMENTS = ['a', 'b', 'c'];

let fixture: FixturePackage;
const emulator = new OneFlowEmulator({
	webhooks: [
		{ id: WEBHOOK, secret: SECRET, documents: DOCUMENTS },
		{ id: PROBE_WEBHOOK, secret: SECRET },
	],
	faults: {
		script: ({ webhookId, docId }) => {
			if (docId === 'slow') return { kind: 'hang' };
			if (webhookId === PROBE_WEBHOOK)
				return { kind: 'status', status: 200, body: { success: true } };
			return undefined;
		},
	},
});

beforeAll(async () => {
	fixture = createFixturePackage();
	await emulator.start();
});

afterAll(async () => {
	await emulator.stop();
	fixture.remove();
});

beforeEach(() => {
	emulator.addDocuments(WEBHOOK, DOCUMENTS);
	emulator.resetRecord();
});

function credentials(overrides: CredentialData = {}): CredentialData {
	return { baseUrl: emulator.baseUrl, webhookId: WEBHOOK, webhookSecret: SECRET, ...overrides };
}

function run(
	options: Omit<RunNodeOptions, 'packageDir' | 'node' | 'credentials' | 'items'> & {
		credentials?: CredentialData;
		items: Array<Record<string, unknown>>;
	},
) {
	const { credentials: fields, items, ...rest } = options;
	return runNode({
		...rest,
		node: 'oneFlow',
		packageDir: fixture.dir,
		credentials: fields === undefined ? undefined : { oneFlowApi: fields },
		items: items.map((json) => ({ json })),
	});
}

const sentDocIds = () => emulator.requests.map((request) => request.docId);
const byDocId = { docId: '={{ $json.docId }}' };

describe('runNode', () => {
	it('sends the header resolved from the credential and pairs the output items', async () => {
		const result = await run({
			credentials: credentials(),
			parameters: byDocId,
			items: [
				{ docId: 'a', row: 1 },
				{ docId: 'b', row: 2 },
			],
		});

		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');
		expect(
			emulator.requests.map(({ method, path, hadAuthorization, authorized }) => ({
				method,
				path,
				hadAuthorization,
				authorized,
			})),
		).toEqual(
			Array(2).fill({
				method: 'POST',
				path: `/api/webhook/${WEBHOOK}/document/delete`,
				hadAuthorization: true,
				authorized: true,
			}),
		);
		expect(sentDocIds()).toEqual(['a', 'b']);
		const answer = (docId: string) => ({
			docId,
			success: true,
			message: 'Document deleted successfully',
			documentId: docId,
		});
		expect(result.main).toEqual([
			{ json: answer('a'), pairedItem: { item: 0 } },
			{ json: answer('b'), pairedItem: { item: 1 } },
		]);
		expect(result.errorOutput).toEqual([]);
		expect(Object.keys(result.runData).sort()).toEqual(['1Flow', 'Input']);
		expect(result.nodeName).toBe('1Flow');
	});

	it('applies credential defaults (the secret is unset, so the header is empty)', async () => {
		const result = await run({
			credentials: { baseUrl: emulator.baseUrl, webhookId: WEBHOOK },
			parameters: byDocId,
			items: [{ docId: 'a' }],
		});
		expect(emulator.requests[0]).toMatchObject({ hadAuthorization: true, authorized: false });
		expect(result.error).toBeInstanceOf(NodeApiError);
		expect((result.error as NodeApiError).httpCode).toBe('401');
	});

	it('surfaces the thrown NodeApiError instance when the node stops the workflow', async () => {
		const result = await run({
			credentials: credentials(),
			parameters: byDocId,
			items: [{ docId: 'a' }, { docId: 'missing-1' }, { docId: 'c' }],
			onError: 'stopWorkflow',
		});

		expect(result.status).toBe('error');
		expect(result.error).toBeInstanceOf(NodeApiError);
		expect((result.error as NodeApiError).httpCode).toBe('404');
		expect(result.error?.message).toContain('could not be found');
		expect(result.main).toEqual([]);
		// The item after the failing one was never sent.
		expect(sentDocIds()).toEqual(['a', 'missing-1']);
		expect(result.runData['1Flow'][0].executionStatus).toBe('error');
	});

	it('sends a request answered with 401 a second time (n8n-core preAuthentication retry)', async () => {
		const result = await run({
			credentials: credentials({ webhookSecret: 'wrong' }),
			parameters: byDocId,
			items: [{ docId: 'a' }],
		});
		expect(result.error).toBeInstanceOf(NodeApiError);
		expect(emulator.requests).toHaveLength(2);
	});

	it('surfaces a NodeOperationError thrown by the node itself', async () => {
		const result = await run({
			credentials: credentials(),
			parameters: byDocId,
			items: [{ docId: 'local-failure' }],
		});
		expect(result.error).toBeInstanceOf(NodeOperationError);
		expect(result.error?.message).toBe('Local failure');
		expect(emulator.requests).toHaveLength(0);
	});

	it('reports a missing credential as n8n does', async () => {
		const result = await run({ parameters: byDocId, items: [{ docId: 'a' }] });
		expect(result.error).toBeInstanceOf(NodeOperationError);
		expect(result.error?.message).toMatch(/credentials/i);
	});

	it('reports workflow issues (a required parameter left empty) without running the node', async () => {
		const result = await run({
			credentials: credentials(),
			parameters: {},
			items: [{ docId: 'a' }],
		});
		expect(result.error?.name).toBe('WorkflowHasIssuesError');
		expect(result.runData).toEqual({});
		expect(emulator.requests).toHaveLength(0);
	});

	describe('On Error: continue (using error output)', () => {
		const items = [
			{ docId: 'a', row: 1 },
			{ docId: 'missing-2', row: 2 },
			{ docId: 'c', row: 3 },
		];

		it('routes error/message/details items to the error output, merged with their input item', async () => {
			const result = await run({
				credentials: credentials(),
				parameters: byDocId,
				items,
				onError: 'continueErrorOutput',
			});

			expect(result.error).toBeUndefined();
			expect(result.main.map((item) => item.json.docId)).toEqual(['a', 'c']);
			expect(result.main.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 2 }]);
			expect(result.errorOutput).toHaveLength(1);
			const [failed] = result.errorOutput;
			expect(failed.pairedItem).toEqual({ item: 1 });
			expect(failed.json).toEqual({
				docId: 'missing-2',
				row: 2,
				error: expect.stringContaining('could not be found'),
				details: { docId: 'missing-2', httpCode: '404' },
			});
		});

		it('keeps the items through pass-through nodes after both outputs', async () => {
			const result = await run({
				credentials: credentials(),
				parameters: byDocId,
				items,
				onError: 'continueErrorOutput',
				downstream: true,
			});

			expect(Object.keys(result.runData).sort()).toEqual([
				'1Flow',
				'After Error',
				'After Success',
				'Input',
			]);
			expect(result.main.map((item) => item.json.docId)).toEqual(['a', 'c']);
			expect(result.main.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
			expect(result.errorOutput).toHaveLength(1);
			expect(result.errorOutput[0].json).toMatchObject({
				docId: 'missing-2',
				row: 2,
				details: { docId: 'missing-2', httpCode: '404' },
			});
			expect(result.errorOutput[0].pairedItem).toEqual({ item: 0 });
		});

		it('replaces the json of an item with item.error by { error: message }', async () => {
			const result = await run({
				credentials: credentials(),
				parameters: { ...byDocId, failureShape: 'itemError' },
				items,
				onError: 'continueErrorOutput',
			});
			expect(result.errorOutput).toHaveLength(1);
			expect(result.errorOutput[0].json).toEqual({
				error: expect.stringContaining('could not be found'),
			});
			expect(result.errorOutput[0].error).toBeInstanceOf(NodeApiError);
		});

		it('passes the input items to the success output when the node throws anyway', async () => {
			const result = await run({
				credentials: credentials(),
				parameters: { ...byDocId, failureShape: 'throw' },
				items,
				onError: 'continueErrorOutput',
			});
			expect(result.error).toBeInstanceOf(NodeApiError);
			expect(result.errorOutput).toEqual([]);
			expect(result.main.map((item) => item.json)).toEqual(items);
			// The failing node was the last one: the execution still ends as an error.
			expect(result.status).toBe('error');
			expect(result.runData['1Flow'][0].executionStatus).toBe('error');
		});

		it('lets the execution succeed when a node after the thrown error runs', async () => {
			const result = await run({
				credentials: credentials(),
				parameters: { ...byDocId, failureShape: 'throw' },
				items,
				onError: 'continueErrorOutput',
				downstream: true,
			});
			expect(result.error).toBeInstanceOf(NodeApiError);
			expect(result.status).toBe('success');
			expect(result.main.map((item) => item.json)).toEqual(items);
			expect(result.errorOutput).toEqual([]);
		});
	});

	it('keeps failed items on the main output for continueRegularOutput', async () => {
		const result = await run({
			credentials: credentials(),
			parameters: byDocId,
			items: [{ docId: 'a' }, { docId: 'missing-3' }],
			onError: 'continueRegularOutput',
		});
		expect(result.error).toBeUndefined();
		expect(result.errorOutput).toEqual([]);
		expect(result.main).toHaveLength(2);
		expect(result.main[1].json).toMatchObject({ details: { docId: 'missing-3', httpCode: '404' } });
	});

	describe('logs', () => {
		it('captures what n8n-core logs, at debug level too', async () => {
			const result = await run({
				credentials: credentials(),
				parameters: byDocId,
				items: [{ docId: 'missing-4' }],
			});
			expect(result.logs.some((line) => line.startsWith('debug: Workflow execution started'))).toBe(
				true,
			);
			expect(
				result.logs.some((line) => line.includes('Running node "1Flow" finished with error')),
			).toBe(true);
			expect(result.logs.join('\n')).not.toContain(SECRET);
		});

		it('would show a secret that a node logs', async () => {
			const result = await run({
				credentials: credentials(),
				parameters: { ...byDocId, logSecret: true },
				items: [{ docId: 'a' }],
			});
			expect(result.logs.join('\n')).toContain(`info: fixture leaks ${SECRET}`);
		});
	});

	describe('abort', () => {
		it('cancels a running execution and aborts its HTTP request', async () => {
			const controller = new AbortController();
			const started = Date.now();
			const pending = run({
				credentials: credentials(),
				parameters: byDocId,
				items: [{ docId: 'slow' }, { docId: 'b' }],
				signal: controller.signal,
			});
			await waitFor(() => sentDocIds().includes('slow'), 'the request for "slow"');
			controller.abort();
			const result = await pending;

			expect(Date.now() - started).toBeLessThan(5_000);
			expect(result.status).toBe('canceled');
			expect(result.error).toBeDefined();
			expect(sentDocIds()).toEqual(['slow']);
			expect(result.runData['1Flow'][0].executionStatus).toBe('error');
		});

		it('does not run the node when the signal is already aborted', async () => {
			const controller = new AbortController();
			controller.abort();
			const result = await run({
				credentials: credentials(),
				parameters: byDocId,
				items: [{ docId: 'a' }],
				signal: controller.signal,
			});
			expect(result.status).toBe('canceled');
			expect(result.error?.name).toBe('ManualExecutionCancelledError');
			expect(emulator.requests).toHaveLength(0);
			expect(result.runData['1Flow']).toBeUndefined();
		});
	});

	describe('binary input', () => {
		const fromFile = (binaryDataMode: 'filesystem' | 'default') =>
			runNode({
				node: 'oneFlow',
				packageDir: fixture.dir,
				credentials: { oneFlowApi: credentials() },
				parameters: { docId: 'from the file', docIdFromFile: true },
				items: [
					{
						json: { row: 1 },
						binary: { data: { data: 'b', mimeType: 'text/plain', fileName: 'doc-id.txt' } },
					},
				],
				binaryDataMode,
			});

		it('filesystem mode: the file is stored on disk, the item carries its id, the node reads it back', async () => {
			const result = await fromFile('filesystem');
			expect(result.error).toBeUndefined();
			expect(sentDocIds()).toEqual(['b']);
			const input = result.runData.Input[0].data?.main[0]?.[0];
			expect(input?.binary?.data).toMatchObject({
				mimeType: 'text/plain',
				fileName: 'doc-id.txt',
				bytes: 1,
			});
			expect(input?.binary?.data.id).toMatch(/^filesystem-v2:workflows\/.+\/binary_data\//);
			expect(input?.binary?.data.data).toBe('filesystem-v2');
		});

		it('default mode: the file travels in the item as base64', async () => {
			const result = await fromFile('default');
			expect(result.error).toBeUndefined();
			expect(sentDocIds()).toEqual(['b']);
			const input = result.runData.Input[0].data?.main[0]?.[0];
			expect(input?.binary?.data.id).toBeUndefined();
			expect(input?.binary?.data.data).toBe(Buffer.from('b').toString('base64'));
		});
	});
});

describe('testCredential', () => {
	const test = (overrides: CredentialData = {}) =>
		testCredential({ type: 'oneFlowApi', data: credentials(overrides), packageDir: fixture.dir });

	it('succeeds when the test request is answered with 2xx', async () => {
		const result = await test({ webhookId: PROBE_WEBHOOK });
		expect(result).toEqual({ status: 'OK', message: 'Connection successful!' });
		expect(emulator.requests.map(({ path, authorized }) => ({ path, authorized }))).toEqual([
			{ path: `/api/webhook/${PROBE_WEBHOOK}/document/delete`, authorized: true },
		]);
	});

	it("fails with n8n's message (the status text) for other statuses", async () => {
		expect(await test({ webhookSecret: 'wrong' })).toEqual({
			status: 'Error',
			message: 'Unauthorized',
		});
		// The fixture's test request sends an empty docId, which 1Flow rejects with 400 once
		// webhook and secret are right.
		expect(await test()).toEqual({ status: 'Error', message: 'Bad Request' });
	});

	it('maps a responseCode rule', async () => {
		expect(await test({ webhookId: 'unknown' })).toEqual({
			status: 'Error',
			message: 'Unknown webhook ID',
		});
	});

	it('reports an unreachable host by its error code', async () => {
		expect(await test({ baseUrl: 'http://127.0.0.1:1' })).toEqual({
			status: 'Error',
			message: 'ECONNREFUSED',
		});
	});
});

describe('runWebhook', () => {
	const SIGNING_SECRET = 'fixture-signing-secret';
	const body = { event: 'document.ready', documentId: 'doc_1' };
	const call = (signature: string) =>
		runWebhook({
			node: 'oneFlowTrigger',
			packageDir: fixture.dir,
			credentials: { oneFlowCallbackApi: { signingSecret: SIGNING_SECRET } },
			parameters: {},
			request: {
				body: JSON.stringify(body),
				headers: { 'content-type': 'application/json', 'x-webhook-signature': signature },
			},
		});

	it('hands a correctly signed call to the workflow, the raw body as signed', async () => {
		const signature = createHmac('sha256', SIGNING_SECRET)
			.update(JSON.stringify(body))
			.digest('hex');
		const result = await call(signature);
		expect(result.error).toBeUndefined();
		// n8n answers a trigger without responseData with the literal text of its default.
		expect([result.reply.status, result.reply.text]).toEqual([200, 'firstEntryJson']);
		expect(result.workflowData).toEqual([[{ json: body }]]);
	});

	it('lets the node refuse a call through the response object, starting nothing', async () => {
		const result = await call('0'.repeat(64));
		expect([result.reply.status, result.reply.text]).toEqual([401, 'invalid signature']);
		expect(result.workflowData).toBeUndefined();
		expect(result.logs.join('\n')).not.toContain(SIGNING_SECRET);
	});
});
