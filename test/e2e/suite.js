'use strict';
/**
 * End-to-end suite: the packed n8n-nodes-1flow installed as a community package in a real
 * n8n (2.x or 1.x), run headless through the n8n CLI and once through the n8n server,
 * against the repo's 1Flow emulator.
 *
 *   runSuite({ major, tarball, workDir, log }) -> { passed, failed, skipped, results }
 *
 * Not a jest test: scripts/test-n8n.js runs it (`npm run test:n8n`).
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const { FakeOpenAI } = require('./fake-openai');
const { N8nInstance, nodeOutput, nodeRan, queryDb, databaseFiles, request, tail } = require('./harness');

const ROOT = path.resolve(__dirname, '..', '..');
const EXAMPLES = path.join(ROOT, 'examples');
const FIXTURES = path.join(__dirname, 'workflows');
const NODE_TYPE = 'n8n-nodes-1flow.oneFlow';
const TOOL_TYPE = 'n8n-nodes-1flow.oneFlowTool';
const WEBHOOK_ID = 'wh_e2e';

const IDS = {
	credOk: 'e2eOneFlowCredOk',
	credBad: 'e2eOneFlowCredBd',
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
	credOpenAi: 'e2eOpenAiCred001',
};

function loadEmulator() {
	const file = path.join(ROOT, '.build', 'testkit', 'emulator', 'index.js');
	if (!fs.existsSync(file)) throw new Error(`${file} is missing: run tsc -p tsconfig.dev.json first`);
	return require(file);
}

function readJson(file) {
	return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** Points every 1Flow node of a workflow at one of the imported credentials. */
function useCredential(workflow, credential) {
	for (const node of workflow.nodes) {
		if (node.type.startsWith('n8n-nodes-1flow.')) {
			node.credentials = { oneFlowApi: { id: credential.id, name: credential.name } };
		}
	}
	return workflow;
}

function node(workflow, name) {
	const found = workflow.nodes.find((n) => n.name === name);
	if (!found) throw new Error(`workflow "${workflow.name}" has no node "${name}"`);
	return found;
}

/** A tiny assertion collector: each failed expectation becomes one line of the test's report. */
class Expect {
	constructor() {
		this.problems = [];
	}

	that(condition, message) {
		if (!condition) this.problems.push(message);
		return Boolean(condition);
	}

	equal(actual, expected, what) {
		return this.that(
			JSON.stringify(actual) === JSON.stringify(expected),
			`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`,
		);
	}

	match(text, pattern, what) {
		return this.that(typeof text === 'string' && pattern.test(text), `${what}: ${JSON.stringify(text)} does not match ${pattern}`);
	}
}

async function runSuite(options) {
	const cleanups = [];
	try {
		return await runSuiteSteps({ ...options, cleanups });
	} finally {
		for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
	}
}

async function runSuiteSteps({ major, tarball, workDir, cleanups, log = (line) => process.stdout.write(`${line}\n`) }) {
	const { OneFlowEmulator } = loadEmulator();
	const results = [];
	const secret = `e2e-secret-${crypto.randomBytes(12).toString('hex')}`;
	const wrongSecret = `e2e-wrong-${crypto.randomBytes(12).toString('hex')}`;
	const label = `n8n ${major}.x`;

	async function test(name, fn) {
		const started = Date.now();
		const expect = new Expect();
		const notes = [];
		let error;
		try {
			await fn(expect, (line) => notes.push(line));
		} catch (caught) {
			error = caught;
		}
		const ms = Date.now() - started;
		const skipped = !error && expect.problems.length === 0 && notes.some((note) => note.startsWith('SKIP'));
		const ok = !error && expect.problems.length === 0;
		results.push({ name, ok, skipped, ms, problems: expect.problems, error: error && (error.stack || String(error)) });
		log(`${ok ? (skipped ? '- skip' : '✓') : '✗'} [${label}] ${name} (${(ms / 1000).toFixed(1)} s)`);
		for (const note of notes) log(`    ${note}`);
		for (const problem of expect.problems) log(`    ✗ ${problem}`);
		if (error) log(`    ✗ ${String(error.stack || error).split('\n').slice(0, 12).join('\n      ')}`);
		return ok;
	}

	const emulator = new OneFlowEmulator({
		webhooks: [
			{
				id: WEBHOOK_ID,
				secret,
				documents: [
					'doc_b1',
					'doc_b2',
					'doc_b3',
					'doc_a1',
					'doc_w1',
					'doc_w2',
					'doc_err_ok',
					'doc_err_ok2',
					'doc_reg_ok',
					'doc_s1',
					'doc_bad_request',
					'doc_ai1',
				],
			},
		],
		faults: {
			// 1Flow answers 400 for a docId it cannot accept; the node's own checks let this one through.
			script: ({ docId }) =>
				docId === 'doc_bad_request'
					? { kind: 'status', status: 400, body: { error: 'Missing or invalid docId in request body' } }
					: undefined,
		},
	});
	const baseUrl = await emulator.start();
	cleanups.push(() => emulator.stop());
	const requestsFor = (docId) => emulator.requests.filter((r) => r.docId === docId);

	const credentials = [
		{ id: IDS.credOk, name: '1Flow e2e', type: 'oneFlowApi', data: { baseUrl, webhookId: WEBHOOK_ID, webhookSecret: secret } },
		{ id: IDS.credBad, name: '1Flow e2e (wrong secret)', type: 'oneFlowApi', data: { baseUrl, webhookId: WEBHOOK_ID, webhookSecret: wrongSecret } },
	];
	const credOk = credentials[0];
	const credBad = credentials[1];
	const fakeOpenAI = new FakeOpenAI();
	const openAiUrl = await fakeOpenAI.start();
	cleanups.push(() => fakeOpenAI.stop());
	credentials.push({ id: IDS.credOpenAi, name: 'OpenAI (e2e fake)', type: 'openAiApi', data: { apiKey: 'sk-e2e-not-a-key', url: openAiUrl } });

	// --- workflows: the examples (rewritten where they need a person or a model) and e2e fixtures
	const bulk = useCredential(readJson(path.join(EXAMPLES, 'bulk-delete-with-report.json')), credOk);
	bulk.id = IDS.bulk;
	node(bulk, 'Document IDs').parameters.jsCode =
		"return ['doc_b1', 'doc_b2', 'doc_missing_b', 'doc_bad_request'].map((docId) => ({ json: { docId } }));";

	const webhookExample = useCredential(readJson(path.join(EXAMPLES, 'delete-after-processing.json')), credOk);
	webhookExample.id = IDS.webhook;
	const webhookPath = node(webhookExample, '1Flow document ready').parameters.path;

	// The same flow, started by hand: the Webhook node becomes a Set node replaying 1Flow's call.
	const callback = JSON.parse(JSON.stringify(webhookExample));
	callback.id = IDS.callback;
	callback.name = `${webhookExample.name} (callback replayed)`;
	const hook = node(callback, '1Flow document ready');
	Object.assign(hook, {
		type: 'n8n-nodes-base.set',
		typeVersion: 3.4,
		parameters: {
			mode: 'raw',
			jsonOutput: JSON.stringify({ headers: {}, params: {}, query: {}, body: { event: 'document.ready', documentId: 'doc_a1' } }),
			options: {},
		},
	});
	delete hook.webhookId;
	callback.nodes.push({ parameters: {}, id: '0e2e0003-0000-4000-8000-000000000001', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [-220, 0] });
	callback.connections.Start = { main: [[{ node: '1Flow document ready', type: 'main', index: 0 }]] };

	const agent = readJson(path.join(EXAMPLES, 'ai-agent-tool.json'));
	agent.id = IDS.agent;
	useCredential(agent, credOk);
	// The OpenAI credential of the example does not exist here; n8n imports it as a dangling reference.

	// The agent example run headless: the chat trigger becomes a Set node with the chat message,
	// the model talks to the scripted fake OpenAI server.
	const agentVariant = (id, message) => {
		const workflow = JSON.parse(JSON.stringify(agent));
		workflow.id = id;
		workflow.name = `${agent.name} (${message})`;
		const trigger = node(workflow, 'When chat message received');
		Object.assign(trigger, {
			type: 'n8n-nodes-base.set',
			typeVersion: 3.4,
			parameters: { mode: 'raw', jsonOutput: JSON.stringify({ sessionId: `e2e-${id}`, chatInput: message }), options: {} },
		});
		delete trigger.webhookId;
		workflow.nodes.push({ parameters: {}, id: '0e2e0004-0000-4000-8000-000000000001', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [-220, 0] });
		workflow.connections.Start = { main: [[{ node: 'When chat message received', type: 'main', index: 0 }]] };
		node(workflow, 'OpenAI Chat Model').credentials = { openAiApi: { id: IDS.credOpenAi, name: 'OpenAI (e2e fake)' } };
		return workflow;
	};

	const stopFixture = readJson(path.join(FIXTURES, 'stop-on-error.json'));
	const stopVariant = (id, name, docId, credential) => {
		const workflow = useCredential(JSON.parse(JSON.stringify(stopFixture)), credential);
		workflow.id = id;
		workflow.name = `${stopFixture.name}: ${name}`;
		node(workflow, 'Input').parameters.jsonOutput = JSON.stringify({ docId });
		return workflow;
	};
	const errorOutputs = useCredential(readJson(path.join(FIXTURES, 'error-outputs.json')), credOk);
	errorOutputs.id = IDS.errorOutputs;

	const workflows = [
		bulk,
		callback,
		webhookExample,
		agent,
		stopVariant(IDS.stop400, '400', 'doc_bad_request', credOk),
		stopVariant(IDS.stop401, '401', 'doc_s1', credBad),
		stopVariant(IDS.stop404, '404', 'doc_nope', credOk),
		stopVariant(IDS.stopInput, 'invalid docId', '   ', credOk),
		errorOutputs,
		agentVariant(IDS.agentOk, 'Please delete document doc_ai1 from 1Flow.'),
		agentVariant(IDS.agentMissing, 'Please delete document doc_ai_missing from 1Flow.'),
	];

	let instance;
	const setupOk = await test('install the packed package as a community node and import credentials and workflows', async (expect, note) => {
		instance = await N8nInstance.create({ major, root: workDir, tarball });
		cleanups.push(() => instance.stopServer());
		note(`user folder ${instance.userFolder}, n8n port ${instance.port}, emulator ${baseUrl}`);
		await instance.importCredentials(credentials);
		await instance.importWorkflows(workflows);
		const stored = queryDb(instance.userFolder, 'SELECT id FROM workflow_entity').map((row) => row.id);
		for (const workflow of workflows) expect.that(stored.includes(workflow.id), `workflow ${workflow.id} (${workflow.name}) was not imported`);
		const creds = queryDb(instance.userFolder, 'SELECT id, data FROM credentials_entity');
		expect.equal(creds.map((row) => row.id).sort(), [IDS.credBad, IDS.credOk, IDS.credOpenAi].sort(), 'imported credential ids');
		expect.that(creds.every((row) => !row.data.includes(secret) && !row.data.includes(wrongSecret)), 'credentials are stored encrypted');
	});

	if (!setupOk) return summarize(results);

	const stopMessages = {};
	const execute = async (id) => {
		const result = await instance.execute(id);
		if (result.signal === 'SIGSEGV' && result.run) {
			// Seen with n8n 1.123.81 on Node 24: a segfault while exiting, after the run was reported.
			result.code = result.run.data.resultData.error ? 1 : 0;
			log(`    ! n8n execute --id=${id} crashed with SIGSEGV while exiting, after printing its result (n8n ${major}.x); judged on the printed result`);
		}
		if (!result.run) throw new Error(`no run data in the output of n8n execute --id=${id} (exit ${result.code}):\n${tail(result.output)}`);
		return result;
	};

	await test(major === 1 ? 'example bulk-delete-with-report: deletes documents; on 1.x failures stay on the success output (see README)' : 'example bulk-delete-with-report: deletes documents and reports failures (error output)', async (expect) => {
		const { code, run } = await execute(IDS.bulk);
		expect.equal(code, 0, 'exit code');
		const deleted = nodeOutput(run, 'Deleted');
		if (major === 1) {
			// README, Compatibility: n8n 1.x routes only {error}/{error, message} items to the error
			// output, so the failure items (which also carry details) stay on the success output.
			const failuresOnSuccess = deleted.filter((item) => typeof item.json.error === 'string');
			expect.equal(
				failuresOnSuccess.map((item) => [item.json.details.docId, item.json.details.httpCode]),
				[
					['doc_missing_b', 404],
					['doc_bad_request', 400],
				],
				'n8n 1.x: failure items [details.docId, httpCode] on the success output',
			);
			expect.equal(
				deleted.filter((item) => item.json.deleted === true).map((item) => item.json.documentId),
				['doc_b1', 'doc_b2'],
				'deleted documents on the success output',
			);
			expect.equal(nodeOutput(run, 'Failure report').length, 0, 'n8n 1.x: nothing reaches the error output');
			expect.equal([emulator.deleteCount('doc_b1'), emulator.deleteCount('doc_b2')], [1, 1], 'deletes seen by 1Flow');
			return;
		}
		expect.equal(deleted.map((item) => item.json.documentId), ['doc_b1', 'doc_b2'], 'documents on the success output');
		expect.that(deleted.every((item) => item.json.deleted === true), 'success items have deleted: true');
		const report = nodeOutput(run, 'Failure report');
		expect.equal(report.length, 1, 'report items');
		const failures = (report[0] && report[0].json.failures) || [];
		expect.equal(report[0] && report[0].json.failedCount, 2, 'failedCount');
		expect.equal(
			failures.map((f) => [f.docId, f.httpCode]),
			[
				['doc_missing_b', 404],
				['doc_bad_request', 400],
			],
			'failures [docId, httpCode]',
		);
		expect.that(failures.every((f) => typeof f.error === 'string' && f.error.length > 0), 'every failure has an error text');
		expect.equal([emulator.deleteCount('doc_b1'), emulator.deleteCount('doc_b2')], [1, 1], 'deletes seen by 1Flow');
		expect.that(!emulator.hasDocument(WEBHOOK_ID, 'doc_b1') && !emulator.hasDocument(WEBHOOK_ID, 'doc_b2'), 'documents gone in 1Flow');
		expect.equal(requestsFor('doc_bad_request').length, 1, 'requests for the 400 document (400 is not retried)');
	});

	await test('example delete-after-processing: the document.ready callback deletes documentId (replayed)', async (expect) => {
		const { code, run } = await execute(IDS.callback);
		expect.equal(code, 0, 'exit code');
		const out = nodeOutput(run, 'Delete document');
		expect.equal(out.map((item) => [item.json.documentId, item.json.deleted]), [['doc_a1', true]], 'delete output');
		expect.equal(emulator.deleteCount('doc_a1'), 1, 'deletes of doc_a1 seen by 1Flow');
	});

	const stopCase = async (expect, note, { id, docId, httpCode, pattern, requests }) => {
		const before = emulator.requests.length;
		const { code, signal, run, output } = await execute(id);
		expect.equal(code, 1, `exit code of n8n execute (signal ${signal})`);
		const error = run.data.resultData.error || {};
		stopMessages[httpCode || 'input'] = { message: error.message, description: error.description };
		note(`n8n: ${error.message}`);
		if (error.description) note(`     ${error.description}`);
		expect.match(error.message, pattern, 'error message');
		expect.equal(run.data.resultData.lastNodeExecuted, 'Delete document', 'last node executed');
		expect.that(!nodeRan(run, 'After delete'), 'the workflow stopped at the 1Flow node');
		if (httpCode) expect.equal(String(error.httpCode), String(httpCode), 'httpCode of the error');
		expect.that(typeof error.description === 'string' && error.description.length > 20, 'the error has a description saying what to do');
		const seen = emulator.requests.slice(before).filter((r) => r.docId === docId);
		expect.equal(seen.length, requests, `requests for "${docId}" seen by 1Flow`);
		if (httpCode) expect.that(seen.every((r) => r.status === httpCode && !r.deleted), `1Flow answered ${httpCode} and deleted nothing`);
		expect.that(!output.includes(secret) && !output.includes(wrongSecret), 'no secret in the n8n output');
	};

	await test('400 from 1Flow stops the workflow with a clear message', (expect, note) =>
		stopCase(expect, note, { id: IDS.stop400, docId: 'doc_bad_request', httpCode: 400, pattern: /doc_bad_request|document id|docId/i, requests: 1 }));

	await test('401 (wrong webhook secret) stops the workflow with a clear message', async (expect, note) => {
		await stopCase(expect, note, { id: IDS.stop401, docId: 'doc_s1', httpCode: 401, pattern: /secret/i, requests: 1 });
		expect.that(requestsFor('doc_s1').every((r) => r.hadAuthorization), 'the request carried an Authorization header');
		expect.that(emulator.hasDocument(WEBHOOK_ID, 'doc_s1'), 'the document is still there');
	});

	await test('404 (unknown document) stops the workflow with a clear message', (expect, note) =>
		stopCase(expect, note, { id: IDS.stop404, docId: 'doc_nope', httpCode: 404, pattern: /doc_nope.*not found|not found.*doc_nope/i, requests: 1 }));

	await test('an empty document ID stops the workflow before any request', (expect, note) =>
		stopCase(expect, note, { id: IDS.stopInput, docId: '   ', httpCode: undefined, pattern: /document id|docId/i, requests: 0 }));

	await test(major === 1 ? 'continue (using error output): on 1.x failures stay on the success output, in order (see README)' : 'continue (using error output): failures reach a following node with pairedItem; regular output; not found as deleted', async (expect) => {
		const { code, run } = await execute(IDS.errorOutputs);
		expect.equal(code, 0, 'exit code');
		// error output + pairedItem through a Set node that uses $('Documents').item
		if (major === 1) {
			// README, Compatibility: on n8n 1.x the failure item stays on the success output.
			const onSuccess = nodeOutput(run, 'Deleted');
			expect.equal(
				onSuccess.map((item) => item.json.documentId || (item.json.details && item.json.details.docId)),
				['doc_err_ok', 'doc_err_missing', 'doc_err_ok2'],
				'n8n 1.x: success output holds the failure item, in input order',
			);
			expect.equal(onSuccess[1] && onSuccess[1].json.details.httpCode, 404, 'n8n 1.x: the failure item keeps details.httpCode');
			expect.equal(nodeOutput(run, 'Delete (error output)', 1).length, 0, 'n8n 1.x: nothing on the error output');
			expect.equal([emulator.deleteCount('doc_err_ok'), emulator.deleteCount('doc_err_ok2'), emulator.deleteCount('doc_reg_ok')], [1, 1, 1], 'deletes seen by 1Flow');
			return;
		}
		expect.equal(nodeOutput(run, 'Deleted').map((item) => item.json.documentId), ['doc_err_ok', 'doc_err_ok2'], 'success output');
		const errorOut = nodeOutput(run, 'Delete (error output)', 1);
		expect.equal(errorOut.length, 1, 'items on the error output');
		if (errorOut[0]) {
			expect.equal(errorOut[0].pairedItem, { item: 1 }, 'pairedItem of the error item');
			expect.equal(errorOut[0].json.docId, 'doc_err_missing', 'input field docId kept on the error item');
			expect.that(typeof errorOut[0].json.error === 'string' && errorOut[0].json.error.length > 0, 'error item has an error text');
		}
		const failed = nodeOutput(run, 'Failed');
		expect.equal(
			failed.map((item) => [item.json.failedDocId, item.json.sourceDocId, item.json.httpCode]),
			[['doc_err_missing', 'doc_err_missing', 404]],
			'Failed node [details.docId, $("Documents").item docId, httpCode]',
		);
		// continue (regular output)
		const all = nodeOutput(run, 'All results');
		expect.equal(all.map((item) => item.json.sourceDocId), ['doc_reg_ok', 'doc_reg_missing'], 'regular output, paired back to the inputs');
		expect.that(all[0] && all[0].json.deleted === true, 'first item deleted');
		expect.that(all[1] && typeof all[1].json.error === 'string', 'second item carries the error');
		// treat not found as deleted
		const gone = nodeOutput(run, 'Delete (not found counts as deleted)');
		expect.equal(
			gone.map((item) => [item.json.documentId, item.json.success, item.json.alreadyDeleted]),
			[['doc_already_gone', true, true]],
			'not found counted as deleted',
		);
		expect.equal([emulator.deleteCount('doc_err_ok'), emulator.deleteCount('doc_err_ok2'), emulator.deleteCount('doc_reg_ok')], [1, 1, 1], 'deletes seen by 1Flow');
	});

	const agentCase = async (expect, note, { id, docId }) => {
		const before = fakeOpenAI.requests.length;
		const { code, run } = await execute(id);
		expect.equal(code, 0, 'exit code');
		const answer = nodeOutput(run, 'AI Agent')[0];
		const output = answer && answer.json.output;
		note(`agent output: ${JSON.stringify(output)}`);
		expect.that(nodeRan(run, 'Delete 1Flow document'), 'the agent called the 1Flow tool');
		const sent = fakeOpenAI.requests.slice(before);
		const offered = sent.length > 0 && (sent[0].body.tools || []).find((t) => /1Flow/i.test(t.function.name));
		expect.that(offered, `the 1Flow tool was offered to the model (${JSON.stringify((sent[0] && sent[0].body.tools || []).map((t) => t.function.name))})`);
		if (offered) {
			note(`tool offered: ${offered.function.name}: ${JSON.stringify(offered.function.parameters)}`);
			expect.that(offered.function.parameters.properties && offered.function.parameters.properties.docId, 'the tool takes docId ($fromAI)');
		}
		const toolMessages = sent.flatMap((r) => (r.body.messages || []).filter((m) => m.role === 'tool'));
		expect.that(toolMessages.length > 0, 'the tool result went back to the model');
		expect.that(!JSON.stringify(sent).includes(secret), 'no webhook secret in anything sent to the model');
		expect.that(requestsFor(docId).length >= 1, `1Flow got a delete request for ${docId}`);
		return { output: typeof output === 'string' ? output : JSON.stringify(output), toolText: toolMessages.map((m) => m.content).join('\n') };
	};

	await test('AI agent example: the model calls the 1Flow tool, which deletes the document', async (expect, note) => {
		const { toolText } = await agentCase(expect, note, { id: IDS.agentOk, docId: 'doc_ai1' });
		expect.equal(emulator.deleteCount('doc_ai1'), 1, 'deletes of doc_ai1 seen by 1Flow');
		expect.match(toolText, /doc_ai1/, 'the tool result names the document');
	});

	await test('AI agent example: an unknown document comes back to the model as a clear error', async (expect, note) => {
		const { toolText } = await agentCase(expect, note, { id: IDS.agentMissing, docId: 'doc_ai_missing' });
		note(`tool result: ${toolText.slice(0, 400)}`);
		expect.match(toolText, /not found/i, 'the tool result says the document was not found');
		expect.match(toolText, /doc_ai_missing/, 'the tool result names the document');
	});

	// --- the server: loaded types, icon, the webhook example, credential test
	await instance.activate(IDS.webhook).catch((error) => {
		log(`    activating ${IDS.webhook} failed: ${error.message}`);
	});
	let server;
	const serverOk = await test('n8n server starts with the package installed', async (expect, note) => {
		const started = Date.now();
		server = await instance.startServer();
		note(`ready after ${((Date.now() - started) / 1000).toFixed(1)} s`);
		expect.that(!/Failed to load|is already loaded|Unrecognized/i.test(server.logs()), `no load errors in the server log:\n${tail(server.logs(), 1500)}`);
	});

	if (serverOk) {
		const browserId = `e2e-${crypto.randomBytes(6).toString('hex')}`;
		let cookie;
		const rest = async (method, route, body) =>
			request(method, `${instance.baseUrl}${route}`, { body, headers: { 'browser-id': browserId, ...(cookie ? { cookie } : {}) } });

		await test('owner account can be set up (REST)', async (expect) => {
			const response = await rest('POST', '/rest/owner/setup', {
				email: 'e2e@example.com',
				firstName: 'E2E',
				lastName: 'Owner',
				password: 'E2e-password-1',
			});
			expect.equal(response.status, 200, `POST /rest/owner/setup status (${response.text.slice(0, 300)})`);
			const setCookie = [].concat(response.headers['set-cookie'] || []);
			cookie = setCookie.map((c) => c.split(';')[0]).join('; ');
			expect.that(cookie.includes('n8n-auth='), 'an n8n-auth cookie was set');
		});

		let types;
		await test('the node, its AI-tool variant and the credential are loaded (/types)', async (expect, note) => {
			const nodes = await rest('GET', '/types/nodes.json');
			expect.equal(nodes.status, 200, 'GET /types/nodes.json');
			types = nodes.json || [];
			const names = types.map((t) => t.name);
			const main = types.find((t) => t.name === NODE_TYPE);
			const tool = types.find((t) => t.name === TOOL_TYPE);
			expect.that(main, `${NODE_TYPE} is loaded`);
			expect.that(tool, `${TOOL_TYPE} is loaded`);
			if (tool) {
				const props = tool.properties.map((p) => p.name);
				note(`${TOOL_TYPE}: outputs ${JSON.stringify(tool.outputs)}, properties ${props.join(', ')}`);
				expect.equal(tool.outputs, ['ai_tool'], 'tool outputs');
				expect.that(props.includes('docId') && props.includes('toolDescription'), 'tool has docId and toolDescription');
			}
			if (main) note(`${NODE_TYPE}: iconUrl ${JSON.stringify(main.iconUrl)}`);
			expect.that(names.length > 300, `n8n's own nodes are listed too (${names.length})`);
			const creds = await rest('GET', '/types/credentials.json');
			expect.equal(creds.status, 200, 'GET /types/credentials.json');
			const cred = (creds.json || []).find((c) => c.name === 'oneFlowApi');
			expect.that(cred, 'oneFlowApi is loaded');
			if (cred) expect.equal(cred.properties.find((p) => p.name === 'webhookSecret').typeOptions, { password: true }, 'webhookSecret is a password field');
		});

		await test('icons are served', async (expect) => {
			const main = (types || []).find((t) => t.name === NODE_TYPE);
			const urls = main && main.iconUrl ? (typeof main.iconUrl === 'string' ? [main.iconUrl] : Object.values(main.iconUrl)) : [];
			expect.that(urls.length > 0, 'the node has an iconUrl');
			for (const url of urls) {
				const response = await rest('GET', `/${url.replace(/^\//, '')}`);
				expect.equal(response.status, 200, `GET /${url}`);
				expect.match(response.text, /<svg/, `${url} is an SVG`);
			}
		});

		await test('the examples only use node types and versions this n8n has', async (expect, note) => {
			expect.that(types && types.length, 'node types are known');
			const available = new Map();
			for (const t of types || []) {
				const versions = [].concat(t.version);
				available.set(t.name, new Set([...(available.get(t.name) || []), ...versions]));
			}
			for (const file of fs.readdirSync(EXAMPLES).filter((name) => name.endsWith('.json'))) {
				const workflow = readJson(path.join(EXAMPLES, file));
				for (const n of workflow.nodes) {
					const versions = available.get(n.type);
					expect.that(versions && versions.has(n.typeVersion), `${file}: "${n.name}" ${n.type}@${n.typeVersion} is not available (has ${versions ? [...versions].join(', ') : 'none'})`);
				}
			}
			note(`checked ${fs.readdirSync(EXAMPLES).filter((name) => name.endsWith('.json')).join(', ')}`);
		});

		await test('example delete-after-processing: a POST to its webhook deletes the document', async (expect) => {
			const url = `${instance.baseUrl}/webhook/${webhookPath}`;
			const ignored = await request('POST', url, { body: { event: 'document.failed', documentId: 'doc_w2' } });
			expect.equal(ignored.status, 200, `POST ${url} (document.failed): ${ignored.text.slice(0, 200)}`);
			const ready = await request('POST', url, { body: { event: 'document.ready', documentId: 'doc_w1' } });
			expect.equal(ready.status, 200, `POST ${url} (document.ready): ${ready.text.slice(0, 200)}`);
			const deadline = Date.now() + 30000;
			while (emulator.deleteCount('doc_w1') === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
			expect.equal(emulator.deleteCount('doc_w1'), 1, 'deletes of doc_w1 seen by 1Flow');
			expect.that(emulator.hasDocument(WEBHOOK_ID, 'doc_w2'), 'document.failed callbacks delete nothing');
		});

		await test(major === 1 ? 'credential test (REST): passes, deletes nothing (1.x cannot tell a wrong secret, see README)' : 'credential test (REST): right secret passes, wrong secret and unknown webhook fail', async (expect, note) => {
			const testCredential = async (data) => {
				const response = await rest('POST', '/rest/credentials/test', {
					credentials: { id: IDS.credOk, name: '1Flow e2e', type: 'oneFlowApi', data },
				});
				return response;
			};
			const good = await testCredential({ baseUrl, webhookId: WEBHOOK_ID, webhookSecret: secret });
			const bad = await testCredential({ baseUrl, webhookId: WEBHOOK_ID, webhookSecret: wrongSecret });
			const unknown = await testCredential({ baseUrl, webhookId: 'wh_unknown', webhookSecret: secret });
			const result = (response) => (response.json && response.json.data) || { status: response.status, text: response.text.slice(0, 200) };
			note(`right secret: ${JSON.stringify(result(good))}`);
			note(`wrong secret: ${JSON.stringify(result(bad))}`);
			note(`unknown webhook: ${JSON.stringify(result(unknown))}`);
			expect.equal(result(good).status, 'OK', 'right secret');
			if (major === 1) {
				// README, Credentials: n8n 1.x ignores every status once ignoreHttpStatusErrors is set,
				// so the test cannot tell a wrong secret or webhook from a right one there.
				expect.equal([result(bad).status, result(unknown).status], ['OK', 'OK'], 'n8n 1.x: wrong secret and unknown webhook pass (documented)');
				expect.that(emulator.requests.every((r) => !r.deleted || r.docId !== ''), 'the test deleted nothing');
				return;
			}
			expect.equal(result(bad).status, 'Error', 'wrong secret');
			expect.match(result(bad).message, /secret/i, 'wrong secret message');
			expect.equal(result(unknown).status, 'Error', 'unknown webhook');
			expect.match(result(unknown).message, /webhook id/i, 'unknown webhook message');
			expect.that(!JSON.stringify([good.text, bad.text, unknown.text]).includes(secret), 'no secret in the answers');
			expect.that(emulator.requests.every((r) => !r.deleted || r.docId !== ''), 'the test deleted nothing');
		});

		await test('the AI agent example is stored with the 1Flow tool', async (expect) => {
			const response = await rest('GET', `/rest/workflows/${IDS.agent}`);
			expect.equal(response.status, 200, `GET /rest/workflows/${IDS.agent}`);
			const nodes = (response.json && response.json.data && response.json.data.nodes) || [];
			const tool = nodes.find((n) => n.type === TOOL_TYPE);
			expect.that(tool, 'the tool node is in the stored workflow');
			if (tool) expect.match(tool.parameters.docId, /\$fromAI\('docId'/, 'docId comes from $fromAI');
		});
	}
	await instance.stopServer();

	await test('the webhook secret is not in stored executions, the database files or any n8n output', async (expect, note) => {
		const rows = queryDb(instance.userFolder, 'SELECT executionId, data, workflowData FROM execution_data');
		note(`${rows.length} stored execution(s)`);
		expect.that(rows.length >= 7, `executions were stored (${rows.length})`);
		expect.that(rows.some((row) => row.data.includes('doc_b1')), 'stored execution data holds the run (check is not vacuous)');
		for (const row of rows) {
			for (const value of [secret, wrongSecret]) {
				expect.that(!row.data.includes(value) && !row.workflowData.includes(value), `execution ${row.executionId} contains a webhook secret`);
			}
		}
		for (const file of databaseFiles(instance.userFolder)) {
			const bytes = fs.readFileSync(file);
			expect.that(!bytes.includes(secret) && !bytes.includes(wrongSecret), `${path.basename(file)} contains a webhook secret in clear text`);
		}
		for (const { args, output } of instance.outputs) {
			expect.that(!output.includes(secret) && !output.includes(wrongSecret), `output of n8n ${args.join(' ')} contains a webhook secret`);
		}
	});

	const summary = summarize(results);
	summary.stopMessages = stopMessages;
	return summary;
}

function summarize(results) {
	return {
		results,
		passed: results.filter((r) => r.ok && !r.skipped).length,
		failed: results.filter((r) => !r.ok).length,
		skipped: results.filter((r) => r.skipped).length,
	};
}

module.exports = { runSuite, IDS };
