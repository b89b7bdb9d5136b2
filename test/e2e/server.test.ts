/**
 * The n8n server with the package installed: it loads the node, its AI-tool variant and the
 * credential, serves the icons and runs the credential test over REST (the 1Flow Trigger's
 * example runs in trigger.test.ts).
 */
import { randomBytes } from 'node:crypto';

import { httpRequest, type HttpReply } from '../../testkit/http';
import { tail } from './support/instance';
import { expectNoSecretStored } from './support/secrets';
import { suiteEnvironment } from './support/suite';
import { topicOfThisFile } from './support/topic';
import { IDS, NODE_TYPE, TOOL_TYPE, exampleFiles, readExample } from './support/workflows';

interface NodeTypeInfo {
	name: string;
	version: number | number[];
	outputs?: unknown;
	iconUrl?: string | Record<string, string>;
	properties: Array<{ name: string; typeOptions?: unknown }>;
}

const { major } = suiteEnvironment();
const topic = topicOfThisFile('server', []);
const browserId = `e2e-${randomBytes(6).toString('hex')}`;
let cookie = '';
let types: NodeTypeInfo[] = [];

function rest(method: 'GET' | 'POST', route: string, body?: unknown): Promise<HttpReply> {
	return httpRequest(`${topic().instance.baseUrl}${route}`, {
		method,
		body,
		headers: { 'browser-id': browserId, ...(cookie ? { cookie } : {}) },
	});
}

test('n8n server starts with the package installed', async () => {
	const server = await topic().instance.startServer();
	expect({
		loadErrors: /Failed to load|is already loaded|Unrecognized/i.test(server.logs()),
		log: tail(server.logs(), 1500),
	}).toMatchObject({ loadErrors: false });
});

test('owner account can be set up (REST)', async () => {
	const response = await rest('POST', '/rest/owner/setup', {
		email: 'e2e@example.com',
		firstName: 'E2E',
		lastName: 'Owner',
		password: 'E2e-password-1',
	});
	expect({ status: response.status, text: response.text.slice(0, 300) }).toMatchObject({
		status: 200,
	});
	cookie = ([] as string[])
		.concat(response.headers['set-cookie'] ?? [])
		.map((entry) => entry.split(';')[0])
		.join('; ');
	expect(cookie).toContain('n8n-auth=');
});

test('the node, its AI-tool variant and the credential are loaded (/types)', async () => {
	const nodes = await rest('GET', '/types/nodes.json');
	expect(nodes.status).toBe(200);
	types = (nodes.json ?? []) as NodeTypeInfo[];
	expect(types.find((type) => type.name === NODE_TYPE)).toBeDefined();
	const tool = types.find((type) => type.name === TOOL_TYPE);
	expect(tool?.outputs).toEqual(['ai_tool']);
	expect(tool?.properties.map((property) => property.name)).toEqual(
		expect.arrayContaining(['docId', 'toolDescription']),
	);
	// n8n's own nodes are listed too.
	expect(types.length).toBeGreaterThan(300);
	const credentials = await rest('GET', '/types/credentials.json');
	expect(credentials.status).toBe(200);
	const credential = ((credentials.json ?? []) as NodeTypeInfo[]).find(
		(type) => type.name === 'oneFlowApi',
	);
	expect(
		credential?.properties.find((property) => property.name === 'webhookSecret')?.typeOptions,
	).toEqual({ password: true });
});

test('icons are served', async () => {
	const iconUrl = types.find((type) => type.name === NODE_TYPE)?.iconUrl;
	const urls =
		iconUrl === undefined ? [] : typeof iconUrl === 'string' ? [iconUrl] : Object.values(iconUrl);
	expect(urls.length).toBeGreaterThan(0);
	for (const url of urls) {
		const response = await rest('GET', `/${url.replace(/^\//, '')}`);
		expect({ url, status: response.status, svg: /<svg/.test(response.text) }).toEqual({
			url,
			status: 200,
			svg: true,
		});
	}
});

test('the examples only use node types and versions this n8n has', () => {
	expect(types.length).toBeGreaterThan(0);
	const available = new Map<string, Set<number>>();
	for (const type of types)
		available.set(
			type.name,
			new Set([...(available.get(type.name) ?? []), ...([] as number[]).concat(type.version)]),
		);
	for (const file of exampleFiles()) {
		for (const node of readExample(file).nodes) {
			const what = `${file}: "${node.name}" ${node.type}@${node.typeVersion}`;
			expect({ what, available: available.get(node.type)?.has(node.typeVersion) ?? false }).toEqual(
				{ what, available: true },
			);
		}
	}
});

const credentialTestName =
	major === 1
		? 'credential test (REST): passes, deletes nothing (1.x cannot tell a wrong secret, see README)'
		: 'credential test (REST): right secret passes, wrong secret and unknown webhook fail';

test(credentialTestName, async () => {
	const { emulator, setup } = topic();
	const baseUrl = `http://127.0.0.1:${setup.emulatorPort}`;
	const testCredential = async (data: Record<string, string>) => {
		const response = await rest('POST', '/rest/credentials/test', {
			credentials: { id: IDS.credOk, name: '1Flow e2e', type: 'oneFlowApi', data },
		});
		const result = (response.json as { data?: { status: string; message: string } } | undefined)
			?.data;
		return {
			response,
			result: result ?? { status: String(response.status), message: response.text.slice(0, 200) },
		};
	};
	const good = await testCredential({
		baseUrl,
		webhookId: setup.webhookId,
		webhookSecret: setup.secret,
	});
	const bad = await testCredential({
		baseUrl,
		webhookId: setup.webhookId,
		webhookSecret: setup.wrongSecret,
	});
	const unknown = await testCredential({
		baseUrl,
		webhookId: 'wh_unknown',
		webhookSecret: setup.secret,
	});
	expect(good.result.status).toBe('OK');
	// The test deleted nothing.
	expect(emulator.requests.every((request) => !request.deleted || request.docId !== '')).toBe(true);
	if (major === 1) {
		// README, Credentials: n8n 1.x ignores every status once ignoreHttpStatusErrors is set,
		// so the test cannot tell a wrong secret or webhook from a right one there.
		expect([bad.result.status, unknown.result.status]).toEqual(['OK', 'OK']);
		return;
	}
	expect(bad.result).toMatchObject({ status: 'Error', message: expect.stringMatching(/secret/i) });
	expect(unknown.result).toMatchObject({
		status: 'Error',
		message: expect.stringMatching(/webhook id/i),
	});
	expect(
		JSON.stringify([good.response.text, bad.response.text, unknown.response.text]),
	).not.toContain(setup.secret);
});

test('the AI agent example is stored with the 1Flow tool', async () => {
	const response = await rest('GET', `/rest/workflows/${IDS.agent}`);
	expect(response.status).toBe(200);
	const nodes =
		(
			response.json as {
				data?: { nodes?: Array<{ type: string; parameters: { docId?: string } }> };
			}
		).data?.nodes ?? [];
	expect(nodes.find((node) => node.type === TOOL_TYPE)?.parameters.docId).toMatch(
		/\$fromAI\('docId'/,
	);
});

test('the webhook secret is not in stored executions, the database files or any n8n output', async () => {
	await topic().instance.stopServer();
	// No run here: the marker is a document ID in a stored workflow.
	expectNoSecretStored(topic(), { executions: 0, marker: 'doc_b1' });
});
