import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { FIXTURE_SECRET_HEADER, createFixturePackage } from './fixture';
import type { FixturePackage } from './fixture';
import { runOneFlowNode, testOneFlowCredential } from './harness';
import type { OneFlowCredentialData, RunNodeOptions } from './harness';

const SECRET = 'sEcReT-9f2c7a1e-do-not-log';

interface SeenRequest {
	method: string;
	url: string;
	headers: IncomingHttpHeaders;
	body: unknown;
}

/** A stand-in for the 1Flow API: POST /webhook/:id/delete with { docId }. */
class FakeOneFlow {
	readonly requests: SeenRequest[] = [];
	private server?: Server;
	private readonly waiting = new Set<() => void>();
	/** Resolves when a request for docId "slow" has arrived. */
	slowArrived!: Promise<void>;
	private markSlowArrived!: () => void;

	constructor() {
		this.resetSlow();
	}

	resetSlow() {
		this.slowArrived = new Promise((resolve) => (this.markSlowArrived = resolve));
	}

	get baseUrl(): string {
		const { port } = this.server!.address() as AddressInfo;
		return `http://127.0.0.1:${port}`;
	}

	async start(): Promise<void> {
		this.server = createServer((req, res) => {
			let raw = '';
			req.setEncoding('utf8');
			req.on('data', (chunk: string) => (raw += chunk));
			req.on('end', () => {
				let body: unknown = raw;
				try {
					body = raw === '' ? undefined : JSON.parse(raw);
				} catch {
					// keep raw text
				}
				this.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
				const send = (status: number, payload: unknown) => {
					res.writeHead(status, { 'content-type': 'application/json' });
					res.end(JSON.stringify(payload));
				};
				const match = /^\/webhook\/([^/]+)\/delete$/.exec(req.url ?? '');
				if (req.method !== 'POST' || match === null) return send(404, { error: 'Not found' });
				if (match[1] === 'wh-test-ok' && req.headers[FIXTURE_SECRET_HEADER] === SECRET) {
					return send(200, { success: true });
				}
				if (match[1] !== 'wh-1') return send(404, { error: 'Webhook not found' });
				if (req.headers[FIXTURE_SECRET_HEADER] !== SECRET) return send(401, { error: 'Invalid secret' });
				const docId = (body as { docId?: unknown } | undefined)?.docId;
				if (typeof docId !== 'string' || docId === '') return send(400, { error: 'docId is required' });
				if (docId === 'slow') {
					this.markSlowArrived();
					const timer = setTimeout(() => send(200, { success: true, docId }), 10_000);
					const release = () => clearTimeout(timer);
					this.waiting.add(release);
					res.on('close', () => {
						release();
						this.waiting.delete(release);
					});
					return;
				}
				if (docId.startsWith('missing')) return send(404, { error: 'Document not found' });
				send(200, { success: true, deleted: docId });
			});
		});
		await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
	}

	async stop(): Promise<void> {
		for (const release of this.waiting) release();
		this.server?.closeAllConnections();
		await new Promise<void>((resolve) => this.server?.close(() => resolve()));
	}
}

let fixture: FixturePackage;
let api: FakeOneFlow;

beforeAll(async () => {
	fixture = createFixturePackage();
	api = new FakeOneFlow();
	await api.start();
});

afterAll(async () => {
	await api.stop();
	fixture.remove();
});

beforeEach(() => {
	api.requests.length = 0;
});

function credentials(overrides: Partial<OneFlowCredentialData> = {}): OneFlowCredentialData {
	return { baseUrl: api.baseUrl, webhookId: 'wh-1', webhookSecret: SECRET, ...overrides };
}

function run(options: Omit<RunNodeOptions, 'packageDir'>) {
	return runOneFlowNode({ packageDir: fixture.dir, ...options });
}

const byDocId = { docId: '={{ $json.docId }}' };

describe('runOneFlowNode', () => {
	it('sends the header resolved from the credential and pairs the output items', async () => {
		const result = await run({
			credentials: credentials(),
			parameters: byDocId,
			items: [{ docId: 'a', row: 1 }, { docId: 'b', row: 2 }],
		});

		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');
		expect(api.requests).toHaveLength(2);
		for (const request of api.requests) {
			expect(request.method).toBe('POST');
			expect(request.url).toBe('/webhook/wh-1/delete');
			expect(request.headers[FIXTURE_SECRET_HEADER]).toBe(SECRET);
		}
		expect(api.requests.map((request) => request.body)).toEqual([{ docId: 'a' }, { docId: 'b' }]);
		expect(result.main).toEqual([
			{ json: { docId: 'a', success: true, deleted: 'a' }, pairedItem: { item: 0 } },
			{ json: { docId: 'b', success: true, deleted: 'b' }, pairedItem: { item: 1 } },
		]);
		expect(result.errorOutput).toEqual([]);
		expect(Object.keys(result.runData).sort()).toEqual(['1Flow', 'Input']);
		expect(result.nodeName).toBe('1Flow');
	});

	it('applies credential defaults (the secret is unset, so the header is empty)', async () => {
		const result = await run({
			credentials: { baseUrl: api.baseUrl, webhookId: 'wh-1' },
			parameters: byDocId,
			items: [{ docId: 'a' }],
		});
		expect(api.requests[0].headers[FIXTURE_SECRET_HEADER]).toBe('');
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
		expect(api.requests.map((request) => (request.body as { docId: string }).docId)).toEqual([
			'a',
			'missing-1',
		]);
		expect(result.runData['1Flow'][0].executionStatus).toBe('error');
	});

	it('sends a request answered with 401 a second time (n8n-core preAuthentication retry)', async () => {
		const result = await run({
			credentials: credentials({ webhookSecret: 'wrong' }),
			parameters: byDocId,
			items: [{ docId: 'a' }],
		});
		expect(result.error).toBeInstanceOf(NodeApiError);
		expect(api.requests).toHaveLength(2);
	});

	it('surfaces a NodeOperationError thrown by the node itself', async () => {
		const result = await run({
			credentials: credentials(),
			parameters: byDocId,
			items: [{ docId: 'local-failure' }],
		});
		expect(result.error).toBeInstanceOf(NodeOperationError);
		expect(result.error?.message).toBe('Local failure');
		expect(api.requests).toHaveLength(0);
	});

	it('reports a missing credential as n8n does', async () => {
		const result = await run({ parameters: byDocId, items: [{ docId: 'a' }] });
		expect(result.error).toBeInstanceOf(NodeOperationError);
		expect(result.error?.message).toMatch(/credentials/i);
	});

	it('reports workflow issues (a required parameter left empty) without running the node', async () => {
		const result = await run({ credentials: credentials(), parameters: {}, items: [{ docId: 'a' }] });
		expect(result.error?.name).toBe('WorkflowHasIssuesError');
		expect(result.runData).toEqual({});
		expect(api.requests).toHaveLength(0);
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

			expect(Object.keys(result.runData).sort()).toEqual(['1Flow', 'After Error', 'After Success', 'Input']);
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
			expect(result.errorOutput[0].json).toEqual({ error: expect.stringContaining('could not be found') });
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
			expect(result.logs.some((line) => line.startsWith('debug: Workflow execution started'))).toBe(true);
			expect(result.logs.some((line) => line.includes('Running node "1Flow" finished with error'))).toBe(true);
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
			api.resetSlow();
			const controller = new AbortController();
			const started = Date.now();
			const pending = run({
				credentials: credentials(),
				parameters: byDocId,
				items: [{ docId: 'slow' }, { docId: 'b' }],
				signal: controller.signal,
			});
			await api.slowArrived;
			controller.abort();
			const result = await pending;

			expect(Date.now() - started).toBeLessThan(5_000);
			expect(result.status).toBe('canceled');
			expect(result.error).toBeDefined();
			expect(api.requests.map((request) => (request.body as { docId: string }).docId)).toEqual(['slow']);
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
			expect(api.requests).toHaveLength(0);
			expect(result.runData['1Flow']).toBeUndefined();
		});
	});
});

describe('testOneFlowCredential', () => {
	it('succeeds when the test request is answered with 2xx', async () => {
		const result = await testOneFlowCredential(credentials({ webhookId: 'wh-test-ok' }), fixture.dir);
		expect(result).toEqual({ status: 'OK', message: 'Connection successful!' });
		expect(api.requests).toHaveLength(1);
		expect(api.requests[0].url).toBe('/webhook/wh-test-ok/delete');
		expect(api.requests[0].headers[FIXTURE_SECRET_HEADER]).toBe(SECRET);
	});

	it("fails with n8n's message (the status text) for other statuses", async () => {
		const wrongSecret = await testOneFlowCredential(credentials({ webhookSecret: 'wrong' }), fixture.dir);
		expect(wrongSecret).toEqual({ status: 'Error', message: 'Unauthorized' });
		// The fixture's test request sends an empty docId, which the API rejects with 400
		// once webhook and secret are right.
		const badRequest = await testOneFlowCredential(credentials(), fixture.dir);
		expect(badRequest).toEqual({ status: 'Error', message: 'Bad Request' });
	});

	it('maps a responseCode rule', async () => {
		const result = await testOneFlowCredential(credentials({ webhookId: 'unknown' }), fixture.dir);
		expect(result).toEqual({ status: 'Error', message: 'Unknown webhook ID' });
	});

	it('reports an unreachable host by its error code', async () => {
		const result = await testOneFlowCredential(
			credentials({ baseUrl: 'http://127.0.0.1:1' }),
			fixture.dir,
		);
		expect(result).toEqual({ status: 'Error', message: 'ECONNREFUSED' });
	});
});
