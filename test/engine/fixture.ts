/**
 * A throw-away community package, written to a temp folder, for testing the harness
 * without the real 1Flow node: what the harness must show (thrown errors, item.error, a
 * logged secret, binary input) is what the real node is built never to do. It is shaped
 * like the real one: package.json with an "n8n" section, a compiled node `oneFlow` that
 * deletes through 1Flow's API, and a credential `oneFlowApi` whose generic `authenticate`
 * puts the webhook secret into the Authorization header, with a declarative test; plus a
 * trigger `oneFlowTrigger` for signed callbacks with its credential `oneFlowCallbackApi`.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { REPO_ROOT } from '../../testkit/repo';

const NODE_JS = String.raw`'use strict';
const { NodeConnectionTypes, NodeOperationError, sleep } = require('n8n-workflow');

class OneFlow {
	constructor() {
		this.description = {
			displayName: '1Flow',
			name: 'oneFlow',
			group: ['transform'],
			version: 1,
			description: 'Fixture node for the engine harness',
			defaults: { name: '1Flow' },
			inputs: [NodeConnectionTypes.Main],
			outputs: [NodeConnectionTypes.Main],
			usableAsTool: true,
			credentials: [{ name: 'oneFlowApi', required: true }],
			properties: [
				{ displayName: 'Document ID', name: 'docId', type: 'string', default: '', required: true },
				{
					displayName: 'Failure Shape',
					name: 'failureShape',
					type: 'options',
					default: 'errorJson',
					options: [
						{ name: 'JSON error/message/details', value: 'errorJson' },
						{ name: 'item.error', value: 'itemError' },
						{ name: 'Throw', value: 'throw' },
					],
				},
				{ displayName: 'Log Secret', name: 'logSecret', type: 'boolean', default: false },
				{ displayName: 'Document ID From File', name: 'docIdFromFile', type: 'boolean', default: false },
			],
		};
	}

	async execute() {
		const items = this.getInputData();
		const credentials = await this.getCredentials('oneFlowApi');
		const out = [];
		for (let i = 0; i < items.length; i++) {
			const docId = this.getNodeParameter('docIdFromFile', i)
				? (await this.helpers.getBinaryDataBuffer(i, 'data')).toString('utf8')
				: this.getNodeParameter('docId', i);
			const failureShape = this.getNodeParameter('failureShape', i);
			if (this.getNodeParameter('logSecret', i)) {
				this.logger.info('fixture leaks ' + credentials.webhookSecret);
			}
			if (docId === 'local-failure') {
				throw new NodeOperationError(this.getNode(), 'Local failure', { itemIndex: i });
			}
			try {
				const response = await this.helpers.httpRequestWithAuthentication.call(this, 'oneFlowApi', {
					method: 'POST',
					url: credentials.baseUrl + '/api/webhook/' + encodeURIComponent(credentials.webhookId) + '/document/delete',
					body: { docId },
					json: true,
				});
				out.push({ json: { docId, ...response }, pairedItem: { item: i } });
			} catch (error) {
				if (!this.continueOnFail() || failureShape === 'throw') throw error;
				if (failureShape === 'itemError') {
					out.push({ json: { docId, httpCode: error.httpCode }, error, pairedItem: { item: i } });
				} else {
					out.push({
						json: { error: error.message, details: { docId, httpCode: error.httpCode } },
						pairedItem: { item: i },
					});
				}
			}
			await sleep(0);
		}
		return [out];
	}
}

module.exports = { OneFlow };
`;

const CREDENTIAL_JS = String.raw`'use strict';

class OneFlowApi {
	constructor() {
		this.name = 'oneFlowApi';
		this.displayName = '1Flow API (fixture)';
		this.properties = [
			{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: 'https://app.1flow.io' },
			{ displayName: 'Webhook ID', name: 'webhookId', type: 'string', default: '' },
			{
				displayName: 'Webhook Secret',
				name: 'webhookSecret',
				type: 'string',
				typeOptions: { password: true },
				default: '',
			},
		];
		this.authenticate = {
			type: 'generic',
			properties: { headers: { Authorization: '={{$credentials.webhookSecret}}' } },
		};
		this.test = {
			request: {
				baseURL: '={{$credentials.baseUrl}}',
				url: '=/api/webhook/{{$credentials.webhookId}}/document/delete',
				method: 'POST',
				body: { docId: '' },
			},
			rules: [
				{ type: 'responseCode', properties: { value: 404, message: 'Unknown webhook ID' } },
			],
		};
	}
}

module.exports = { OneFlowApi };
`;

/** A trigger for 1Flow's signed callbacks: HMAC-SHA256 (hex) of the raw body in X-Webhook-Signature. */
const TRIGGER_JS = String.raw`'use strict';
const { createHmac } = require('node:crypto');
const { NodeConnectionTypes } = require('n8n-workflow');

class OneFlowTrigger {
	constructor() {
		this.description = {
			displayName: '1Flow Trigger',
			name: 'oneFlowTrigger',
			group: ['trigger'],
			version: 1,
			description: 'Fixture trigger for the engine harness',
			defaults: { name: '1Flow Trigger' },
			inputs: [],
			outputs: [NodeConnectionTypes.Main],
			credentials: [{ name: 'oneFlowCallbackApi', required: true }],
			webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: '1flow' }],
			properties: [],
		};
	}

	async webhook() {
		const { signingSecret } = await this.getCredentials('oneFlowCallbackApi');
		const request = this.getRequestObject();
		const expected = createHmac('sha256', signingSecret).update(request.rawBody).digest('hex');
		if (request.headers['x-webhook-signature'] !== expected) {
			this.getResponseObject().writeHead(401).end('invalid signature');
			return { noWebhookResponse: true };
		}
		return { workflowData: [[{ json: this.getBodyData() }]] };
	}
}

module.exports = { OneFlowTrigger };
`;

const CALLBACK_CREDENTIAL_JS = String.raw`'use strict';

class OneFlowCallbackApi {
	constructor() {
		this.name = 'oneFlowCallbackApi';
		this.displayName = '1Flow Callback (fixture)';
		this.properties = [
			{ displayName: 'Signing Secret', name: 'signingSecret', type: 'string', typeOptions: { password: true }, default: '' },
		];
	}
}

module.exports = { OneFlowCallbackApi };
`;

export interface FixturePackage {
	dir: string;
	remove(): void;
}

/** Writes the fixture package; n8n-workflow resolves to this repo's copy (its peer dependency). */
export function createFixturePackage(): FixturePackage {
	const dir = mkdtempSync(join(tmpdir(), 'n8n-nodes-1flow-fixture-'));
	const write = (relative: string, content: string) => {
		const file = join(dir, relative);
		mkdirSync(dirname(file), { recursive: true });
		writeFileSync(file, content);
	};
	write(
		'package.json',
		JSON.stringify(
			{
				name: 'n8n-nodes-1flow-fixture',
				version: '0.0.1',
				n8n: {
					n8nNodesApiVersion: 1,
					strict: true,
					credentials: [
						'dist/credentials/OneFlowApi.credentials.js',
						'dist/credentials/OneFlowCallbackApi.credentials.js',
					],
					nodes: [
						'dist/nodes/OneFlow/OneFlow.node.js',
						'dist/nodes/OneFlowTrigger/OneFlowTrigger.node.js',
					],
				},
				peerDependencies: { 'n8n-workflow': '*' },
			},
			null,
			2,
		),
	);
	write('dist/nodes/OneFlow/OneFlow.node.js', NODE_JS);
	write(
		'dist/nodes/OneFlow/OneFlow.node.json',
		JSON.stringify({ node: 'n8n-nodes-1flow-fixture.oneFlow', resources: {}, categories: [] }),
	);
	write('dist/credentials/OneFlowApi.credentials.js', CREDENTIAL_JS);
	write('dist/nodes/OneFlowTrigger/OneFlowTrigger.node.js', TRIGGER_JS);
	write('dist/credentials/OneFlowCallbackApi.credentials.js', CALLBACK_CREDENTIAL_JS);
	mkdirSync(join(dir, 'node_modules'), { recursive: true });
	symlinkSync(
		join(REPO_ROOT, 'node_modules', 'n8n-workflow'),
		join(dir, 'node_modules', 'n8n-workflow'),
		'dir',
	);
	return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
