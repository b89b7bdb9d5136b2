/**
 * The workflows the suite imports: the examples (rewritten where they need a person or a
 * model) and the suite's own fixtures in test/e2e/workflows, each with a fixed id.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import { REPO_ROOT } from '../../../testkit/repo';

const EXAMPLES_DIR = join(REPO_ROOT, 'examples');
const FIXTURES_DIR = join(REPO_ROOT, 'test', 'e2e', 'workflows');

export const NODE_TYPE = 'n8n-nodes-1flow.oneFlow';
export const TOOL_TYPE = 'n8n-nodes-1flow.oneFlowTool';

export const IDS = {
	credOk: 'e2eOneFlowCredOk',
	credBad: 'e2eOneFlowCredBd',
	credOpenAi: 'e2eOpenAiCred001',
	credSigning: 'e2eOneFlowCbSign',
	bulk: 'e2eExampleBulk01',
	callback: 'e2eExampleHook01',
	webhook: 'e2eExampleHook02',
	agent: 'e2eExampleAgnt01',
	stop400: 'e2eStop400doc001',
	stop401: 'e2eStop401sec001',
	stop404: 'e2eStop404doc001',
	stopInput: 'e2eStopInput0001',
	errorOutputs: 'e2eErrorOutput01',
	agentOk: 'e2eAgentToolOk01',
	agentMissing: 'e2eAgentToolMis1',
	keepAlive: 'e2eKeepAlive0001',
	uploadExample: 'e2eExampleUpld01',
	uploadGet: 'e2eUploadGetUrl1',
	lineItems: 'e2eExampleLines1',
};

interface WorkflowNode {
	name: string;
	type: string;
	typeVersion: number;
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	webhookId?: string;
	[key: string]: unknown;
}

export interface Workflow {
	id?: string;
	name: string;
	nodes: WorkflowNode[];
	connections: Record<string, unknown>;
	[key: string]: unknown;
}

export interface Credential {
	id: string;
	name: string;
	type: string;
	data: Record<string, string>;
}

function readJson<T>(file: string): T {
	return JSON.parse(readFileSync(file, 'utf8')) as T;
}

export function readExample(file: string): Workflow {
	return readJson(join(EXAMPLES_DIR, file));
}

export function exampleFiles(): string[] {
	return readdirSync(EXAMPLES_DIR).filter((name) => name.endsWith('.json'));
}

export function node(workflow: Workflow, name: string): WorkflowNode {
	const found = workflow.nodes.find((candidate) => candidate.name === name);
	if (!found) throw new Error(`workflow "${workflow.name}" has no node "${name}"`);
	return found;
}

/** A copy with a new id (and name); every node with a credential of the given types uses that one. */
function variant(
	workflow: Workflow,
	id: string,
	credential?: Credential,
	name = workflow.name,
	signing?: Credential,
): Workflow {
	const copy = structuredClone(workflow);
	Object.assign(copy, { id, name });
	for (const candidate of copy.nodes) {
		for (const given of [credential, signing]) {
			if (
				given &&
				candidate.type.startsWith('n8n-nodes-1flow.') &&
				candidate.credentials?.[given.type]
			) {
				candidate.credentials = { [given.type]: { id: given.id, name: given.name } };
			}
		}
	}
	return copy;
}

/** Replaces a trigger that needs a person by a Set node with the data it would emit, after a manual start. */
function startByHand(
	workflow: Workflow,
	triggerName: string,
	json: unknown,
	startNodeId: string,
): void {
	const trigger = node(workflow, triggerName);
	Object.assign(trigger, {
		type: 'n8n-nodes-base.set',
		typeVersion: 3.4,
		parameters: { mode: 'raw', jsonOutput: JSON.stringify(json), options: {} },
	});
	delete trigger.webhookId;
	workflow.nodes.push({
		parameters: {},
		id: startNodeId,
		name: 'Start',
		type: 'n8n-nodes-base.manualTrigger',
		typeVersion: 1,
		position: [-220, 0],
	});
	workflow.connections.Start = { main: [[{ node: triggerName, type: 'main', index: 0 }]] };
}

/** The path of an example's 1Flow Trigger under /webhook/ (production) and /webhook-test/. */
export function webhookPathOf(example = 'delete-after-processing.json'): string {
	return `${String(node(readExample(example), '1Flow document ready').webhookId)}/callback`;
}

/** Every workflow of the suite, using the imported credentials. */
export function suiteWorkflows(
	credOk: Credential,
	credBad: Credential,
	openAi: Credential,
	signing: Credential,
): Workflow[] {
	const bulk = variant(readExample('bulk-delete-with-report.json'), IDS.bulk, credOk);
	node(bulk, 'Document IDs').parameters.jsCode =
		"return ['doc_b1', 'doc_b2', 'doc_missing_b', 'doc_bad_request'].map((docId) => ({ json: { docId } }));";

	const webhookExample = variant(
		readExample('delete-after-processing.json'),
		IDS.webhook,
		credOk,
		undefined,
		signing,
	);
	// The same flow, started by hand: the 1Flow Trigger becomes a Set node with the item it emits.
	const callback = variant(
		webhookExample,
		IDS.callback,
		undefined,
		`${webhookExample.name} (callback replayed)`,
	);
	const call = { event: 'document.ready', success: true, documentId: 'doc_a1', verified: true };
	startByHand(callback, '1Flow document ready', call, '0e2e0003-0000-4000-8000-000000000001');
	delete node(callback, '1Flow document ready').credentials;

	// The OpenAI credential of the example does not exist here; n8n imports it as a dangling reference.
	const agent = variant(readExample('ai-agent-tool.json'), IDS.agent, credOk);
	// The agent example run headless: the chat trigger becomes a Set node with the chat message,
	// the model talks to the scripted fake OpenAI server.
	const agentVariant = (id: string, message: string) => {
		const workflow = variant(agent, id, undefined, `${agent.name} (${message})`);
		startByHand(
			workflow,
			'When chat message received',
			{ sessionId: `e2e-${id}`, chatInput: message },
			'0e2e0004-0000-4000-8000-000000000001',
		);
		node(workflow, 'OpenAI Chat Model').credentials = {
			openAiApi: { id: openAi.id, name: openAi.name },
		};
		return workflow;
	};

	const stopFixture = readJson<Workflow>(join(FIXTURES_DIR, 'stop-on-error.json'));
	const stopVariant = (id: string, name: string, docId: string, credential: Credential) => {
		const workflow = variant(stopFixture, id, credential, `${stopFixture.name}: ${name}`);
		node(workflow, 'Input').parameters.jsonOutput = JSON.stringify({ docId });
		return workflow;
	};

	const uploadGet = variant(readJson(join(FIXTURES_DIR, 'upload-get.json')), IDS.uploadGet, credOk);
	const samples = `${credOk.data.baseUrl}/samples`;
	const links = [1, 2].map((row) => ({ row, url: `${samples}/invoice-${row}.pdf` }));
	node(uploadGet, 'Link list').parameters.jsonOutput = JSON.stringify({ links });

	return [
		bulk,
		callback,
		webhookExample,
		agent,
		stopVariant(IDS.stop400, '400', 'doc_bad_request', credOk),
		stopVariant(IDS.stop401, '401', 'doc_s1', credBad),
		stopVariant(IDS.stop404, '404', 'doc_nope', credOk),
		stopVariant(IDS.stopInput, 'invalid docId', '   ', credOk),
		variant(readJson(join(FIXTURES_DIR, 'error-outputs.json')), IDS.errorOutputs, credOk),
		variant(readJson(join(FIXTURES_DIR, 'keep-alive.json')), IDS.keepAlive, credOk),
		agentVariant(IDS.agentOk, 'Please delete document doc_ai1 from 1Flow.'),
		agentVariant(IDS.agentMissing, 'Please delete document doc_ai_missing from 1Flow.'),
		variant(readExample('upload-attachment-wait-delete.json'), IDS.uploadExample, credOk),
		uploadGet,
		variant(readExample('line-items-then-delete.json'), IDS.lineItems, credOk, undefined, signing),
	];
}
