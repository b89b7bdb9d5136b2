/**
 * Calls a webhook node's `webhook()` the way n8n does when its URL is called, for trigger nodes
 * of the package: a real HTTP server on 127.0.0.1 hands each request to the node through
 * n8n-core's WebhookContext, with the raw body kept as `rawBody` (what a signature is computed
 * over) and the body parsed as n8n's server parses it for a version 1 webhook node.
 *
 * What the caller gets back follows n8n 2.x and 1.x (webhook-helpers, body-parser):
 * - content type application/json whose body does not parse: 422, before the node runs;
 * - the node answered itself and returned `noWebhookResponse`: its answer;
 * - no `workflowData`: 200 with the node's `webhookResponse`, else `{"message":"Webhook call received"}`;
 * - `workflowData` (a run starts), response mode "Immediately": n8n 2.x stores the execution, then
 *   answers 200 with the webhook description's `responseData`, which n8n takes from the
 *   description and, when the description has none, is the literal text `firstEntryJson`; the
 *   node's `webhookResponse` or `{"message":"Workflow was started"}` only when `responseData` is
 *   empty. When the execution cannot be stored (`failStoring`), 500. Then the run (./webhook-run).
 * The response object the node gets is Node's ServerResponse (n8n's is Express's Response,
 * which extends it): statusCode, setHeader, writeHead and end behave the same in both.
 *
 * Static data as n8n keeps it for production webhooks: every request loads the workflow's static
 * data from the "database" (`StaticDataStore`, JSON text) and, when the node changed it and
 * answered itself or started no run, saves it whole after `webhook()` returned; the last save
 * wins. When n8n answers for a run, n8n 2.x has cleared the change first (it prepares the run
 * over the same data): nothing is saved then. A multipart body is consumed by n8n's form parser
 * before the node runs: no `rawBody`, and `readRawBody()` throws.
 */
import './env';
import { logMark, logTextSince } from './logging';

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseQuery } from 'node:querystring';

import { WebhookContext } from 'n8n-core';
import { Workflow } from 'n8n-workflow';
import type {
	IDataObject,
	IHttpRequestMethods,
	INodeExecutionData,
	IWebhookData,
	IWebhookFunctions,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';

import { httpRequest, type HttpReply } from '../http';
import { WORKFLOW_ID, additionalData } from './additional-data';
import type { HarnessCredentialsHelper } from './credentials-helper';
import { nodeUnderTest, type NodeSetup } from './node-under-test';
import { newStaticDataStore, runFromWebhook, type StaticDataStore } from './webhook-run';

export { newStaticDataStore, type StaticDataStore } from './webhook-run';

export interface OpenWebhookOptions extends NodeSetup {
	/** The node's name in the workflow (its static data is kept under it). */
	name?: string;
	/** The node's id (default: a new one): the same id is the same node of a workflow. */
	id?: string;
	/** Shared with other endpoints as one workflow's row; default: one of its own. */
	staticData?: StaticDataStore;
	/** `manual`: the Test URL (no static data saved); default `webhook`, the Production URL. */
	mode?: WorkflowExecuteMode;
}

export interface RunWebhookOptions extends NodeSetup {
	/** The call the node's webhook receives; the body is sent as it is (an object as JSON). */
	request: { method?: IHttpRequestMethods; headers?: Record<string, string>; body?: unknown };
}

/** What one call of the webhook URL did on n8n's side. */
interface WebhookCall {
	/** Whether the node's `webhook()` ran (n8n refuses a body it cannot parse before). */
	nodeRan: boolean;
	/** The items the node handed to the workflow: one run starts; undefined when none does. */
	workflowData?: INodeExecutionData[][];
	/** What the run's start node handed on (empty when it stopped the run); set once the run ended. */
	ran?: INodeExecutionData[];
	/** What `webhook()` threw (the caller then gets 500). */
	error?: Error;
}

export interface WebhookRunResult extends WebhookCall {
	/** What the caller of the webhook URL got back. */
	reply: HttpReply;
	logs: string[];
}

/** A node's webhook listening on 127.0.0.1: the same node (same id) for every call, as in an active workflow. */
export interface WebhookEndpoint {
	/** The URL to POST to (n8n's would be <base>/webhook/<path>). */
	url: string;
	/** Every call so far, in arrival order. */
	calls: WebhookCall[];
	/** Everything n8n-core and the node logged since the endpoint opened. */
	logs(): string[];
	staticData: StaticDataStore;
	/** Where the node's credentials are stored (to delete one while the webhook listens). */
	credentials: HarnessCredentialsHelper;
	/** While true, n8n cannot store executions (a database gone): a run-starting request gets 500. */
	failStoring: boolean;
	/** Resolves once every run started so far has ended. */
	runsEnded(): Promise<void>;
	close(): Promise<void>;
}

function readRaw(req: IncomingMessage): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => resolve(Buffer.concat(chunks)));
		req.on('error', reject);
	});
}

/** The request as n8n's server hands it to a webhook (raw bytes, parsed body, query); undefined when n8n answers 422. */
async function asN8nRequest(req: IncomingMessage): Promise<IncomingMessage | undefined> {
	const bytes = await readRaw(req);
	const contentType = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
	const text = () => {
		const decoded = bytes.toString('utf8');
		return decoded.charCodeAt(0) === 0xfeff ? decoded.slice(1) : decoded;
	};
	let body: unknown = {};
	let rawBody: Buffer | undefined = bytes;
	if (contentType === 'multipart/form-data') rawBody = undefined;
	else if (bytes.length > 0 && contentType === 'application/json') {
		try {
			body = JSON.parse(text());
		} catch {
			return undefined;
		}
	} else if (bytes.length > 0 && contentType === 'application/x-www-form-urlencoded') {
		body = { ...parseQuery(text()) };
	} else if (bytes.length > 0 && contentType === 'text/plain') {
		body = bytes.toString('utf8');
	}
	const readRawBody = async () => {
		if (rawBody === undefined)
			throw new Error('Request body stream was aborted or is not readable');
	};
	const query = Object.fromEntries(new URL(req.url ?? '/', 'http://127.0.0.1').searchParams);
	return Object.assign(req, { rawBody, readRawBody, body, query, params: {}, contentType });
}

function answerJson(res: ServerResponse, status: number, value: unknown): void {
	res
		.writeHead(status, { 'content-type': 'application/json; charset=utf-8' })
		.end(JSON.stringify(value));
}

/** Starts the webhook of a node of the package; close() it after use. */
export async function openWebhook(setup: OpenWebhookOptions): Promise<WebhookEndpoint> {
	const mark = logMark();
	const { node, description, nodeTypes, credentialsHelper } = await nodeUnderTest(setup);
	if (setup.name !== undefined) node.name = setup.name;
	if (setup.id !== undefined) node.id = setup.id;
	const staticData = setup.staticData ?? newStaticDataStore();
	const webhook = description.webhooks?.[0];
	const type = nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	if (webhook === undefined || typeof type.webhook !== 'function')
		throw new Error(`${node.type} is not a webhook node`);
	const loadWorkflow = () =>
		new Workflow({
			id: WORKFLOW_ID,
			name: 'Webhook harness',
			nodes: [node],
			connections: {},
			active: true,
			nodeTypes,
			staticData: JSON.parse(staticData.json) as IDataObject,
		});
	const method = String(webhook.httpMethod) as IHttpRequestMethods;
	const mode = setup.mode ?? 'webhook';
	const calls: WebhookCall[] = [];
	const runs: Array<Promise<void>> = [];
	const state = { failStoring: false };
	const saveIfChanged = (workflow: Workflow) => {
		if (mode === 'manual' || workflow.staticData.__dataChanged !== true) return;
		staticData.json = JSON.stringify(workflow.staticData);
		staticData.saves++;
	};

	const handle = async (req: IncomingMessage, res: ServerResponse) => {
		const call: WebhookCall = { nodeRan: false };
		calls.push(call);
		const request = await asN8nRequest(req);
		if (request === undefined)
			return answerJson(res, 422, { code: 422, message: 'Failed to parse request body' });
		const data: IWorkflowExecuteAdditionalData = additionalData(
			credentialsHelper,
			`harness-webhook-${calls.length}`,
		);
		data.httpRequest = request as unknown as IWorkflowExecuteAdditionalData['httpRequest'];
		data.httpResponse = res as unknown as IWorkflowExecuteAdditionalData['httpResponse'];
		const webhookData: IWebhookData = {
			httpMethod: method,
			node: node.name,
			path: String(webhook.path),
			webhookDescription: webhook,
			workflowId: WORKFLOW_ID,
			workflowExecuteAdditionalData: data,
		};
		const workflow = loadWorkflow();
		const context = new WebhookContext(workflow, node, data, mode, webhookData, [], null);
		try {
			call.nodeRan = true;
			const response = await type.webhook!.call(context as IWebhookFunctions);
			call.workflowData = response.workflowData;
			// n8n saves once the request was handled: other requests may load and save in between.
			await new Promise((resolve) => setImmediate(resolve));
			if (response.noWebhookResponse === true || response.workflowData === undefined)
				saveIfChanged(workflow);
			if (response.noWebhookResponse === true) return;
			if (response.workflowData === undefined)
				return answerJson(
					res,
					200,
					response.webhookResponse ?? { message: 'Webhook call received' },
				);
			if (state.failStoring)
				return answerJson(res, 500, { message: 'Workflow could not be started!' });
			const items = response.workflowData;
			const start = { node, nodeTypes, credentialsHelper };
			runs.push(
				runFromWebhook(start, items, staticData, mode).then((ran) => {
					call.ran = ran;
				}),
			);
			const responseData = webhook.responseData ?? 'firstEntryJson';
			if (responseData === 'noData') res.writeHead(200).end();
			else if (typeof responseData === 'string' && responseData !== '')
				res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(responseData);
			else answerJson(res, 200, response.webhookResponse ?? { message: 'Workflow was started' });
		} catch (thrown) {
			call.error = thrown instanceof Error ? thrown : new Error(String(thrown));
			answerJson(res, 500, { message: call.error.message });
		}
	};
	const server = createServer((req, res) => void handle(req, res));
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}/webhook/${String(webhook.path)}`,
		calls,
		logs: () => logTextSince(mark),
		staticData,
		credentials: credentialsHelper,
		get failStoring() {
			return state.failStoring;
		},
		set failStoring(value: boolean) {
			state.failStoring = value;
		},
		async runsEnded() {
			for (let seen = 0; seen < runs.length; seen = runs.length) await Promise.all(runs);
		},
		async close() {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

/** Calls the webhook of a node of the package once and returns what happened. */
export async function runWebhook(options: RunWebhookOptions): Promise<WebhookRunResult> {
	const endpoint = await openWebhook(options);
	try {
		const { method, headers, body } = options.request;
		const reply = await httpRequest(endpoint.url, { method: method ?? 'POST', headers, body });
		await endpoint.runsEnded();
		return { reply, ...endpoint.calls[0], logs: endpoint.logs() };
	} finally {
		await endpoint.close();
	}
}
