/**
 * The 1Flow Trigger in the real n8n: the delete-after-processing example (1Flow Trigger →
 * Delete document) published, and the 1Flow emulator, driven over its admin API, posting
 * 1Flow's callbacks to the trigger's production URL and to its test URL ("Listen for test
 * event" in the editor). Executions are counted through n8n's REST API, as the editor lists them.
 */
import { randomBytes } from 'node:crypto';

import {
	SIGNATURE_FORMS,
	formName,
	type CallbackConfig,
	type CallbackRequest,
} from '../../testkit/emulator';
import { httpRequest, type HttpReply } from '../../testkit/http';
import type { N8nServer } from '../../testkit/n8n';
import { ACKNOWLEDGED, RUN_STARTED, answerOf } from '../support/trigger-answers';
import { tail } from './support/instance';
import { expectNoSecretStored } from './support/secrets';
import { suiteEnvironment } from './support/suite';
import { topicOfThisFile } from './support/topic';
import { until, type ExecutionSummary } from './support/trigger-server';
import { IDS, webhookPathOf } from './support/workflows';

interface SentSummary {
	status: number;
	reply: string;
	sentAt: number;
}

const { major } = suiteEnvironment();
const FORM_DOCS = SIGNATURE_FORMS.map((_, index) => `doc_form_${index + 1}`);
const OTHER_DOCS = ['doc_refused', 'doc_repeat', 'doc_other_event', 'doc_test_url'];
const topic = topicOfThisFile('trigger', [...FORM_DOCS, ...OTHER_DOCS]);
const browserId = `e2e-${randomBytes(6).toString('hex')}`;
/** n8n's answer to a callback that started a run (see test/support/trigger.ts). */
const UNAUTHORIZED = { error: 'Unauthorized' };
const latencies: Array<{ toStart: number; toDelete: number }> = [];
let cookie = '';
let server: N8nServer;

function rest(method: 'GET' | 'POST', route: string, body?: unknown): Promise<HttpReply> {
	return httpRequest(`${topic().instance.baseUrl}/rest${route}`, {
		method,
		body,
		headers: { 'browser-id': browserId, cookie },
	});
}

/** A workflow's executions (by default the delete-after-processing example's), newest first. */
async function executions(workflowId: string = IDS.webhook): Promise<ExecutionSummary[]> {
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	const reply = await rest('GET', `/executions?filter=${filter}&limit=100`);
	if (reply.status !== 200)
		throw new Error(`GET /rest/executions answered ${reply.status}: ${reply.text.slice(0, 300)}`);
	return (reply.json as { data: { results: ExecutionSummary[] } }).data.results;
}

/** Waits until a workflow has `count` finished executions; returns them, newest first. */
async function finishedExecutions(
	count: number,
	workflowId: string = IDS.webhook,
): Promise<ExecutionSummary[]> {
	return await until(`${count} finished executions`, async () => {
		const list = await executions(workflowId);
		return list.length >= count &&
			list.every((execution) => !['new', 'running'].includes(execution.status))
			? list
			: undefined;
	});
}

/** Sets the emulator's callback URL, secret and form through its admin API. */
async function configureCallbacks(
	settings: CallbackConfig & { path?: 'webhook' | 'webhook-test'; example?: string },
): Promise<void> {
	const { path = 'webhook', example, ...config } = settings;
	const url = `${topic().instance.baseUrl}/${path}/${webhookPathOf(example)}`;
	const reply = await httpRequest(`${topic().emulator.baseUrl}/_emulator/callbacks`, {
		method: 'PUT',
		body: { secret: topic().setup.signingSecret, ...config, url },
	});
	expect(reply.status).toBe(200);
}

async function sendCallback(request: CallbackRequest): Promise<SentSummary & { json: unknown }> {
	const reply = await httpRequest(`${topic().emulator.baseUrl}/_emulator/callbacks/send`, {
		body: request,
		timeoutMs: 60_000,
	});
	if (reply.status !== 200) throw new Error(`the emulator could not send: ${reply.text}`);
	const sent = reply.json as SentSummary;
	return { ...sent, json: answerOf(sent) };
}

beforeAll(async () => {
	await topic().instance.activate(IDS.webhook);
	await topic().instance.activate(IDS.lineItems);
	server = await topic().instance.startServer();
	expect({
		loadErrors: /Failed to load|is already loaded|Unrecognized/i.test(server.logs()),
		log: tail(server.logs(), 1500),
	}).toMatchObject({ loadErrors: false });
	// Seen once on a loaded machine: 404 for a moment after /rest/settings already answered.
	const owner = await until('the owner set-up route', async () => {
		const reply = await rest('POST', '/owner/setup', {
			email: 'e2e@example.com',
			firstName: 'E2E',
			lastName: 'Owner',
			password: 'E2e-password-1',
		});
		return reply.status === 404 ? undefined : reply;
	});
	expect({ status: owner.status, text: owner.text.slice(0, 300) }).toMatchObject({ status: 200 });
	// n8n activates published workflows after its REST API is up: until then the production URL answers 404.
	for (const example of ['delete-after-processing.json', 'line-items-then-delete.json']) {
		const probe = `${topic().instance.baseUrl}/webhook/${webhookPathOf(example)}`;
		await until(
			`the production webhook of ${example}`,
			async () =>
				(await httpRequest(probe, { method: 'POST', body: '' })).status === 404 ? undefined : true,
			120_000,
		);
	}
	cookie = ([] as string[])
		.concat(owner.headers['set-cookie'] ?? [])
		.map((entry) => entry.split(';')[0])
		.join('; ');
});

test('each accepted signature form runs exactly one execution, which deletes exactly that document', async () => {
	const { emulator } = topic();
	for (const [index, form] of SIGNATURE_FORMS.entries()) {
		const docId = FORM_DOCS[index];
		await configureCallbacks({ form });
		const sent = await sendCallback({ docId });
		expect({ form: formName(form), status: sent.status, reply: sent.json }).toEqual({
			form: formName(form),
			status: 200,
			reply: RUN_STARTED,
		});
		const [newest, ...older] = await finishedExecutions(index + 1);
		expect({
			form: formName(form),
			executions: older.length + 1,
			status: newest.status,
			deleted: emulator.deleteCount(docId),
		}).toEqual({ form: formName(form), executions: index + 1, status: 'success', deleted: 1 });
		const deleteArrived =
			emulator.requests.find((request) => request.docId === docId)?.startedAt ?? NaN;
		latencies.push({
			toStart: Date.parse(String(newest.startedAt)) - sent.sentAt,
			toDelete: deleteArrived - sent.sentAt,
		});
	}
	// Each execution deleted its own document and no other.
	expect(FORM_DOCS.map((docId) => emulator.deleteCount(docId))).toEqual(FORM_DOCS.map(() => 1));
	expect(OTHER_DOCS.map((docId) => emulator.deleteCount(docId))).toEqual(OTHER_DOCS.map(() => 0));
});

test('the whole loop: a file sent to 1Flow is processed, and its signed document.ready runs Trigger → Get (one item per line item) → Delete', async () => {
	const { emulator, setup } = topic();
	await configureCallbacks({
		example: 'line-items-then-delete.json',
		form: { signs: 'timestamp.body', encoding: 'hex' },
	});
	// A file uploaded to 1Flow by any means (here straight to its API, by URL).
	const upload = await httpRequest(
		`${emulator.baseUrl}/api/webhook/${setup.webhookId}/document/upload`,
		{
			headers: { authorization: setup.secret },
			body: { url: `${emulator.baseUrl}/samples/invoice.pdf` },
		},
	);
	expect(upload.status).toBe(200);
	const { documentId } = upload.json as { documentId: string };
	// 1Flow processes it, then calls the published workflow back.
	const [execution] = await finishedExecutions(1, IDS.lineItems);
	expect(execution.status).toBe('success');
	const requests = emulator.requests.filter((request) => request.docId === documentId);
	// Read once, then deleted once although several line-item items named it.
	expect(requests.map((request) => [request.path.split('/').pop(), request.status])).toEqual([
		['get', 200],
		['delete', 200],
	]);
	expect(emulator.deleteCount(documentId)).toBe(1);
	expect(
		emulator.callbacks.sent
			.filter((sent) => sent.documentId === documentId)
			.map((sent) => sent.status),
	).toEqual([200]);
});

test('forged, tampered, stale, unsigned, wrong-secret and incomplete callbacks get 401 and start nothing', async () => {
	const before = (await executions()).length;
	await configureCallbacks({ form: { signs: 'timestamp.body', encoding: 'hex' } });
	const kinds = [
		'forged',
		'tampered',
		'stale',
		'future',
		'unsigned',
		'no-signature',
		'no-timestamp',
	] as const;
	for (const kind of kinds) {
		const sent = await sendCallback({ docId: 'doc_refused', kind });
		expect({ kind, status: sent.status, reply: sent.json }).toEqual({
			kind,
			status: 401,
			reply: UNAUTHORIZED,
		});
	}
	await configureCallbacks({ secret: topic().setup.wrongSecret });
	const wrongSecret = await sendCallback({ docId: 'doc_refused' });
	expect({ kind: 'wrong secret', status: wrongSecret.status, reply: wrongSecret.json }).toEqual({
		kind: 'wrong secret',
		status: 401,
		reply: UNAUTHORIZED,
	});
	await new Promise((resolve) => setTimeout(resolve, 1000));
	expect([(await executions()).length, topic().emulator.deleteCount('doc_refused')]).toEqual([
		before,
		0,
	]);
});

test('malformed JSON: n8n answers 422 itself before the trigger runs (as application/json), the trigger 400 (as text/plain); nothing starts', async () => {
	const before = (await executions()).length;
	await configureCallbacks({});
	const asJson = await sendCallback({ docId: 'doc_refused', kind: 'malformed' });
	expect(asJson.status).toBe(422);
	expect(asJson.json).toMatchObject({ code: 422, message: 'Failed to parse request body' });
	const asText = await sendCallback({
		docId: 'doc_refused',
		kind: 'malformed',
		contentType: 'text/plain',
	});
	expect([asText.status, asText.json]).toEqual([400, { error: 'Bad Request' }]);
	await new Promise((resolve) => setTimeout(resolve, 1000));
	expect([(await executions()).length, topic().emulator.deleteCount('doc_refused')]).toEqual([
		before,
		0,
	]);
});

test('a repeated callback gets 200 and starts no second execution', async () => {
	const before = (await executions()).length;
	await configureCallbacks({});
	expect((await sendCallback({ docId: 'doc_repeat' })).json).toEqual(RUN_STARTED);
	await finishedExecutions(before + 1);
	for (let repeat = 0; repeat < 2; repeat++) {
		const again = await sendCallback({ docId: 'doc_repeat', kind: 'replayed' });
		expect([again.status, again.json]).toEqual([200, ACKNOWLEDGED]);
	}
	await new Promise((resolve) => setTimeout(resolve, 1000));
	expect([(await executions()).length, topic().emulator.deleteCount('doc_repeat')]).toEqual([
		before + 1,
		1,
	]);
});

test('other events are acknowledged with 200 and start nothing', async () => {
	const before = (await executions()).length;
	await configureCallbacks({});
	const sent = await sendCallback({ docId: 'doc_other_event', event: 'document.failed' });
	expect([sent.status, sent.json]).toEqual([200, ACKNOWLEDGED]);
	await new Promise((resolve) => setTimeout(resolve, 1000));
	expect([(await executions()).length, topic().emulator.deleteCount('doc_other_event')]).toEqual([
		before,
		0,
	]);
});

test('the test URL ("Listen for test event"): a forged callback is refused and keeps it listening, a signed one runs once; the same body then runs once on the production URL', async () => {
	const before = (await executions()).length;
	const stored = await rest('GET', `/workflows/${IDS.webhook}`);
	const workflowData = (stored.json as { data: unknown }).data;
	const listen = await rest('POST', `/workflows/${IDS.webhook}/run`, {
		workflowData,
		triggerToStartFrom: { name: '1Flow document ready' },
	});
	expect([listen.status, listen.json]).toEqual([200, { data: { waitingForWebhook: true } }]);
	await configureCallbacks({ path: 'webhook-test' });
	expect((await sendCallback({ docId: 'doc_test_url', kind: 'forged' })).status).toBe(401);
	const sent = await sendCallback({ docId: 'doc_test_url' });
	expect(sent.status).toBe(200);
	const [newest] = await finishedExecutions(before + 1);
	expect([newest.mode, newest.status, topic().emulator.deleteCount('doc_test_url')]).toEqual([
		'manual',
		'success',
		1,
	]);
	// What was tested is not a repeat for the published workflow.
	await configureCallbacks({});
	expect((await sendCallback({ docId: 'doc_test_url', kind: 'resent' })).json).toEqual(RUN_STARTED);
	const [live] = await finishedExecutions(before + 2);
	expect([live.mode, live.status]).toEqual(['webhook', 'success']);
	// A test URL serves one call: the next one finds nothing listening.
	await configureCallbacks({ path: 'webhook-test' });
	expect((await sendCallback({ docId: 'doc_test_url', kind: 'signed' })).status).toBe(404);
});

test('the refusals are explained in n8n log, without the secret', () => {
	const log = server.logs();
	for (const reason of [
		'signature mismatch',
		'timestamp outside the window',
		'no signature',
		'no timestamp',
		'body is not JSON',
	]) {
		expect({ reason, logged: log.includes(`1Flow Trigger refused a callback: ${reason}`) }).toEqual(
			{ reason, logged: true },
		);
	}
});

test('the signing secret is not in stored executions, the database files or any n8n output', async () => {
	await topic().instance.stopServer();
	expectNoSecretStored(topic(), { executions: FORM_DOCS.length + 3, marker: 'doc_form_1' });
	const median = (values: number[]) =>
		[...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
	const summary = (key: 'toStart' | 'toDelete') =>
		`median ${median(latencies.map((entry) => entry[key]))} ms, max ${Math.max(...latencies.map((entry) => entry[key]))} ms`;
	console.log(
		`n8n ${major}.x, ${latencies.length} callbacks: arrival to execution start ${summary('toStart')}; arrival to the delete request ${summary('toDelete')}`,
	);
});
