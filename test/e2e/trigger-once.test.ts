/**
 * The 1Flow Trigger in the real n8n: one callback, one execution, across re-sends (the same
 * body signed anew), restarts and bursts; and nothing at all, not even a failed execution, for
 * strangers (any body form, a deleted credential) or under a Timestamp Tolerance that is no
 * number. Executions are counted through n8n's REST API.
 */
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';

import {
	CallbackSender,
	SIGNATURE_FORMS,
	formName,
	signatureOf,
	type CallbackRequest,
	type SentCallback,
} from '../../testkit/emulator';
import { httpRequest } from '../../testkit/http';
import { ACKNOWLEDGED, RUN_STARTED, answerOf } from '../support/trigger-answers';
import { TriggerServer, until } from './support/trigger-server';
import { suiteEnvironment } from './support/suite';
import { topicOfThisFile } from './support/topic';
import { IDS, readExample } from './support/workflows';

const { major } = suiteEnvironment();
const BURST = 100;
const FORM_DOCS = SIGNATURE_FORMS.map((_, index) => `doc_resend_${index + 1}`);
const BURST_DOCS = Array.from({ length: BURST }, (_, index) => `doc_burst_${index + 1}`);
const topic = topicOfThisFile('trigger-once', [
	...FORM_DOCS,
	...BURST_DOCS,
	'doc_restart',
	'doc_replayed',
	'doc_after_replay',
]);
const ONCE = { id: 'e2eTriggerOnce01', path: `${randomUUID()}/callback` };
const DELETED = {
	id: 'e2eTriggerDelCr1',
	path: `${randomUUID()}/callback`,
	cred: 'e2eOneFlowCbDel1',
};
const BAD_WINDOW = { id: 'e2eTriggerBadTol', path: `${randomUUID()}/callback` };
const n8n = new TriggerServer(topic, [ONCE.path, DELETED.path]);

/** The delete-after-processing example, as its own workflow on its own path. */
function triggerWorkflow(id: string, path: string, signingId: string, options = {}) {
	const workflow = structuredClone(readExample('delete-after-processing.json'));
	Object.assign(workflow, { id, name: `1Flow Trigger ${id}` });
	for (const node of workflow.nodes) {
		if (node.type === 'n8n-nodes-1flow.oneFlowTrigger') {
			node.webhookId = path.split('/')[0];
			node.parameters = { ...node.parameters, options };
			node.credentials = { oneFlowCallbackApi: { id: signingId, name: signingId } };
		} else if (node.credentials?.oneFlowApi)
			node.credentials = { oneFlowApi: { id: IDS.credOk, name: '1Flow e2e' } };
	}
	return workflow;
}

/** The burst checks exactly once, not speed: n8n on a busy 2-core machine took 23 s to answer. */
const BURST_TIMEOUT_MS = 120_000;

function sender(path: string, form = SIGNATURE_FORMS[4], timeoutMs?: number): CallbackSender {
	const secret = topic().setup.signingSecret;
	return new CallbackSender({ url: n8n.url(path), secret, form, timeoutMs });
}

/** `callback`'s body signed anew with a fresh timestamp (the sender resends its last one). */
function resend(by: CallbackSender, callback: SentCallback): Promise<SentCallback> {
	by.sent.push(callback);
	return by.send({ docId: callback.documentId, kind: 'resent' });
}

/**
 * Sends as a sender that retries what n8n could not take (a 5xx, or no answer) would: n8n 1.x
 * answers 503 "Database is not ready" while its database is too busy to answer a ping.
 */
async function deliver(by: CallbackSender, request: CallbackRequest): Promise<SentCallback> {
	let sent = await by.send(request);
	for (let retry = 0; retry < 5 && (sent.status === 0 || sent.status >= 500); retry++) {
		await new Promise((resolve) => setTimeout(resolve, 5000));
		sent = await resend(by, sent);
	}
	return sent;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 1500));
const count = async (workflowId = ONCE.id) => (await n8n.executions(workflowId)).count;

beforeAll(async () => {
	const { instance, setup } = topic();
	await instance.import('credentials', [
		{
			id: DELETED.cred,
			name: DELETED.cred,
			type: 'oneFlowCallbackApi',
			data: { signingSecret: setup.signingSecret },
		},
	]);
	await instance.import('workflow', [
		triggerWorkflow(ONCE.id, ONCE.path, IDS.credSigning),
		triggerWorkflow(DELETED.id, DELETED.path, DELETED.cred),
		triggerWorkflow(BAD_WINDOW.id, BAD_WINDOW.path, IDS.credSigning, {
			toleranceSeconds: '={{ 0 / 0 }}',
		}),
	]);
	for (const id of [ONCE.id, DELETED.id, BAD_WINDOW.id]) await instance.activate(id);
	await n8n.start();
}, 300_000);

test('strangers: unsigned or wrongly signed multipart, form, text and empty bodies get 4xx; no execution is stored', async () => {
	const before = await count();
	const json = '{"event":"document.ready","success":true,"documentId":"doc_stranger"}';
	const bodies: Array<
		[string, () => { body: FormData | string; headers: Record<string, string> }]
	> = [
		[
			'multipart/form-data',
			() => {
				const form = new FormData();
				form.append('payload', json);
				form.append('file', new Blob(['%PDF-1.4']), 'invoice.pdf');
				return { body: form, headers: {} };
			},
		],
		[
			'application/x-www-form-urlencoded',
			() => ({
				body: `payload=${encodeURIComponent(json)}`,
				headers: { 'content-type': 'application/x-www-form-urlencoded' },
			}),
		],
		['text/plain', () => ({ body: json, headers: { 'content-type': 'text/plain' } })],
		['empty', () => ({ body: '', headers: { 'content-type': 'application/json' } })],
	];
	for (const [form, make] of bodies)
		for (const signing of ['unsigned', 'wrong secret']) {
			const { body, headers } = make();
			if (signing === 'wrong secret') {
				const timestamp = String(Date.now());
				headers['x-webhook-timestamp'] = timestamp;
				headers['x-webhook-signature'] = signatureOf(
					Buffer.from(json),
					timestamp,
					'guessed',
					SIGNATURE_FORMS[4],
				);
			}
			const reply = await fetch(n8n.url(ONCE.path), { method: 'POST', headers, body });
			await reply.text();
			expect({ form, signing, status: reply.status }).toEqual({ form, signing, status: 401 });
		}
	await settle();
	expect(await count()).toBe(before);
});

test('a trigger whose credential was deleted after activation: 401, no execution stored', async () => {
	const deleted = await n8n.rest('DELETE', `/credentials/${DELETED.cred}`);
	expect(deleted.status).toBe(200);
	const sent = await sender(DELETED.path).send({ docId: 'doc_no_credential' });
	expect([sent.status, JSON.parse(sent.reply)]).toEqual([401, { error: 'Unauthorized' }]);
	await settle();
	expect(await count(DELETED.id)).toBe(0);
	expect(n8n.server?.logs()).toContain('refused a callback: the credential could not be read');
});

test('a Timestamp Tolerance that is no number: the workflow is not activated, n8n logs why', async () => {
	const reply = await httpRequest(n8n.url(BAD_WINDOW.path), { method: 'POST', body: {} });
	expect(reply.status).toBe(404);
	// n8n prints why it could not activate the workflow (2.41.1: flushed late).
	await until('the activation error in n8n output', async () =>
		n8n.server?.logs().includes('Timestamp Tolerance must be a number of seconds from 30 to 3600')
			? true
			: undefined,
	);
});

test('each signature form: the same body re-signed with a fresh timestamp is answered 200 and starts nothing', async () => {
	const { emulator } = topic();
	for (const [index, form] of SIGNATURE_FORMS.entries()) {
		const before = await count();
		const by = sender(ONCE.path, form);
		const first = await by.send({ docId: FORM_DOCS[index] });
		expect({ form: formName(form), reply: answerOf(first) }).toEqual({
			form: formName(form),
			reply: RUN_STARTED,
		});
		await n8n.finished(ONCE.id, before + 1);
		await new Promise((resolve) => setTimeout(resolve, 20));
		const again = await resend(by, first);
		expect({ form: formName(form), status: again.status, reply: answerOf(again) }).toEqual({
			form: formName(form),
			status: 200,
			reply: ACKNOWLEDGED,
		});
		await settle();
		expect({
			form: formName(form),
			executions: await count(),
			deleted: emulator.deleteCount(FORM_DOCS[index]),
		}).toEqual({
			form: formName(form),
			executions: before + 1,
			deleted: 1,
		});
	}
});

test('a genuine callback whose document reached its state 49 hours ago (a replay): 422, no execution; a fresh one right after: one', async () => {
	const before = await count();
	const old = new Date(Date.now() - 49 * 3600 * 1000).toISOString();
	const by = sender(ONCE.path, SIGNATURE_FORMS[0]);
	const replay = await by.send({
		docId: 'doc_replayed',
		document: { status: { extractionStatus: 'INDEXED', updatedAt: old } },
	});
	expect(replay.status).toBe(422);
	const fresh = await by.send({ docId: 'doc_after_replay' });
	expect(answerOf(fresh)).toEqual(RUN_STARTED);
	await n8n.finished(ONCE.id, before + 1);
	await settle();
	expect([await count(), topic().emulator.deleteCount('doc_replayed')]).toEqual([before + 1, 0]);
});

test('re-sent after n8n restarted: still one execution', async () => {
	const before = await count();
	const by = sender(ONCE.path, SIGNATURE_FORMS[0]);
	const first = await by.send({ docId: 'doc_restart' });
	expect(answerOf(first)).toEqual(RUN_STARTED);
	await n8n.finished(ONCE.id, before + 1);
	await n8n.restart();
	const again = await resend(by, first);
	expect([again.status, answerOf(again)]).toEqual([200, ACKNOWLEDGED]);
	await settle();
	expect([await count(), topic().emulator.deleteCount('doc_restart')]).toEqual([before + 1, 1]);
});

/**
 * n8n 1.x's SQLite driver runs writes in parallel: of a burst's saves, one made earlier can land
 * last and miss the newest callbacks (1 or 2 of 100 seen). A repeat, which the trigger answers
 * itself, puts the stored copy right, so on 1.x one repeat comes between the burst and the restart.
 */
const SAVES_IN_ORDER = major !== 1;

test(`${BURST} distinct callbacks at once: ${BURST} executions; re-sent after a restart: none`, async () => {
	const before = await count();
	const by = sender(ONCE.path, SIGNATURE_FORMS[4], BURST_TIMEOUT_MS);
	const requests: CallbackRequest[] = BURST_DOCS.map((docId) => ({ docId }));
	const sent = await Promise.all(requests.map((request) => deliver(by, request)));
	const ms = sent.map((one) => one.ms).sort((a, b) => a - b);
	const retried = sent.filter((one) => one.kind === 'resent').length;
	console.log(
		`n8n ${major}.x, ${BURST} callbacks at once: answered in median ${ms[BURST / 2]} ms, max ${ms[BURST - 1]} ms; ${retried} re-sent after a 5xx or no answer`,
	);
	// A retried callback whose first delivery got through is acknowledged instead of started.
	expect(
		sent.filter(
			(one) =>
				one.status !== 200 ||
				![RUN_STARTED, ACKNOWLEDGED].some((answer) => isDeepStrictEqual(answerOf(one), answer)),
		),
	).toEqual([]);
	await n8n.finished(ONCE.id, before + BURST, 300_000);
	if (!SAVES_IN_ORDER) {
		const repeat = await resend(sender(ONCE.path), sent[0]);
		expect([repeat.status, answerOf(repeat)]).toEqual([200, ACKNOWLEDGED]);
	}
	await n8n.restart();
	const again: SentCallback[] = [];
	// Ten at a time: a hundred at once right after the start overran a busy 2-core machine's 30 s.
	for (let start = 0; start < BURST; start += 10)
		again.push(
			...(await Promise.all(
				sent
					.slice(start, start + 10)
					.map((one) => resend(sender(ONCE.path, SIGNATURE_FORMS[4], BURST_TIMEOUT_MS), one)),
			)),
		);
	expect(
		again.flatMap((one, index) =>
			one.status === 200 && isDeepStrictEqual(answerOf(one), ACKNOWLEDGED)
				? []
				: [[BURST_DOCS[index], one.status, answerOf(one)]],
		),
	).toEqual([]);
	await settle();
	expect(await count()).toBe(before + BURST);
	expect(BURST_DOCS.filter((docId) => topic().emulator.deleteCount(docId) !== 1)).toEqual([]);
}, 600_000);

test('a UTF-8 byte-order mark before the JSON, signed as sent: one execution (n8n 1.x itself refuses it as application/json)', async () => {
	const before = await count();
	const asJson = await sender(ONCE.path).send({ docId: 'doc_bom', bom: true });
	// n8n 2.41.1's body parser skips the mark; 1.123's answers 422 before the trigger runs.
	expect(asJson.status).toBe(major === 1 ? 422 : 200);
	const asText = await sender(ONCE.path).send({
		docId: 'doc_bom_text',
		bom: true,
		contentType: 'text/plain',
	});
	expect([asText.status, answerOf(asText)]).toEqual([200, RUN_STARTED]);
	await n8n.finished(ONCE.id, before + (major === 1 ? 1 : 2));
});
