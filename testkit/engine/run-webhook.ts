/**
 * Calls a webhook node's `webhook()` the way n8n does when its URL is called, for trigger nodes
 * of the package: a real HTTP request on 127.0.0.1 reaches a server that hands it to the node
 * through n8n-core's WebhookContext, with the raw body kept as `rawBody` (what a signature is
 * computed over) and a JSON body parsed, as n8n's own server does.
 *
 * The response object the node gets is Node's ServerResponse (n8n's is Express's Response,
 * which extends it): statusCode, setHeader, writeHead and end behave the same in both.
 * Without `noWebhookResponse` the caller gets n8n's answer for the default response mode
 * "Immediately": 200 `{"message":"Workflow was started"}`.
 */
import './env';
import { logMark, logTextSince } from './logging';

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { WebhookContext } from 'n8n-core';
import { Workflow } from 'n8n-workflow';
import type { IHttpRequestMethods, INodeExecutionData, IWebhookData, IWebhookFunctions, IWorkflowExecuteAdditionalData } from 'n8n-workflow';

import { httpRequest, type HttpReply } from '../http';
import { WORKFLOW_ID, additionalData } from './additional-data';
import { nodeUnderTest, type NodeSetup } from './node-under-test';

export interface RunWebhookOptions extends NodeSetup {
	/** The call the node's webhook receives; the body is sent as it is (an object as JSON). */
	request: { method?: IHttpRequestMethods; headers?: Record<string, string>; body?: unknown };
}

export interface WebhookRunResult {
	/** What the caller of the webhook URL got back. */
	reply: HttpReply;
	/** The items the node hands to the workflow; undefined when it starts none. */
	workflowData?: INodeExecutionData[][];
	/** What `webhook()` threw (the caller then gets 500). */
	error?: Error;
	logs: string[];
}

function readRaw(req: IncomingMessage): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => resolve(Buffer.concat(chunks)));
		req.on('error', reject);
	});
}

/** The request as n8n's server hands it to a webhook: raw bytes, parsed JSON, query, params. */
async function asN8nRequest(req: IncomingMessage): Promise<IncomingMessage> {
	const rawBody = await readRaw(req);
	let body: unknown = {};
	if (/json/i.test(req.headers['content-type'] ?? '') && rawBody.length > 0) body = JSON.parse(rawBody.toString('utf8'));
	const query = Object.fromEntries(new URL(req.url ?? '/', 'http://127.0.0.1').searchParams);
	return Object.assign(req, { rawBody, body, query, params: {} });
}

/** Calls the webhook of a node of the package once and returns what happened. */
export async function runWebhook(options: RunWebhookOptions): Promise<WebhookRunResult> {
	const mark = logMark();
	const { node, description, nodeTypes, credentialsHelper } = await nodeUnderTest(options);
	const webhook = description.webhooks?.[0];
	const type = nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	if (webhook === undefined || typeof type.webhook !== 'function') throw new Error(`${node.type} is not a webhook node`);
	const workflow = new Workflow({ id: WORKFLOW_ID, name: 'Webhook harness', nodes: [node], connections: {}, active: true, nodeTypes, staticData: {} });
	const method = options.request.method ?? 'POST';

	let workflowData: INodeExecutionData[][] | undefined;
	let error: Error | undefined;
	const server = createServer((req: IncomingMessage, res: ServerResponse) => {
		void (async () => {
			const data: IWorkflowExecuteAdditionalData = additionalData(credentialsHelper, 'harness-webhook');
			data.httpRequest = (await asN8nRequest(req)) as unknown as IWorkflowExecuteAdditionalData['httpRequest'];
			data.httpResponse = res as unknown as IWorkflowExecuteAdditionalData['httpResponse'];
			const webhookData: IWebhookData = { httpMethod: method, node: node.name, path: String(webhook.path), webhookDescription: webhook, workflowId: WORKFLOW_ID, workflowExecuteAdditionalData: data };
			const context = new WebhookContext(workflow, node, data, 'webhook', webhookData, [], null);
			try {
				const response = await type.webhook!.call(context as IWebhookFunctions);
				workflowData = response.workflowData;
				if (response.noWebhookResponse !== true) res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'Workflow was started' }));
			} catch (thrown) {
				error = thrown instanceof Error ? thrown : new Error(String(thrown));
				res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ message: error.message }));
			}
		})();
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	try {
		const { port } = server.address() as AddressInfo;
		const reply = await httpRequest(`http://127.0.0.1:${port}/webhook/${String(webhook.path)}`, { method, headers: options.request.headers, body: options.request.body });
		return { reply, workflowData, error, logs: logTextSince(mark) };
	} finally {
		server.closeAllConnections();
		await new Promise<void>((resolve) => server.close(() => resolve()));
	}
}
