/**
 * The 1Flow Trigger in n8n's engine, called over HTTP by the emulator's callback sender: which
 * callbacks start a run (exactly one, with the callback's document) and which are refused,
 * with which answer, starting nothing.
 */
import {
	SIGNATURE_FORMS,
	documentReadyBody,
	formName,
	signatureOf,
	type CallbackKind,
} from '../../testkit/emulator';
import { SIGNING_SECRET, expectNoSecretIn, triggersPerTest } from '../support/trigger';
import { ACKNOWLEDGED, CALLBACK_ID, RUN_STARTED, answerOf } from '../support/trigger-answers';

const UNAUTHORIZED = { error: 'Unauthorized' };

const openTrigger = triggersPerTest();

describe('1Flow Trigger: accepted signature forms', () => {
	it.each(SIGNATURE_FORMS.map((form) => [formName(form), form] as const))(
		'%s starts exactly one run with the callback',
		async (_, form) => {
			const trigger = await openTrigger({ sender: { form } });
			const sent = await trigger.sender.send({ docId: 'doc_form', lineItems: 2 });
			expect([sent.status, answerOf(sent)]).toEqual([200, RUN_STARTED]);
			const runs = await trigger.runs();
			expect(runs).toHaveLength(1);
			expect(runs[0]).toEqual([
				{ ...JSON.parse(sent.body.toString()), verified: true, callbackId: CALLBACK_ID },
			]);
			expect(runs[0][0]).toMatchObject({
				event: 'document.ready',
				documentId: 'doc_form',
				status: { extractionStatus: 'INDEXED' },
			});
			expectNoSecretIn(trigger);
		},
	);

	it('takes a timestamp in seconds as well as in milliseconds', async () => {
		const trigger = await openTrigger();
		const body = Buffer.from(JSON.stringify(documentReadyBody('doc_seconds')));
		const seconds = String(Math.floor(Date.now() / 1000));
		const signature = signatureOf(body, seconds, SIGNING_SECRET, {
			signs: 'timestamp.body',
			encoding: 'hex',
		});
		const headers = {
			'content-type': 'application/json',
			'x-webhook-signature': signature,
			'x-webhook-timestamp': seconds,
		};
		const reply = await fetch(trigger.endpoint.url, { method: 'POST', headers, body });
		expect([reply.status, await reply.json()]).toEqual([200, RUN_STARTED]);
		expect((await trigger.runs()).map((run) => run.map((item) => item.documentId))).toEqual([
			['doc_seconds'],
		]);
	});
});

describe('1Flow Trigger: refused callbacks start nothing', () => {
	const refusals: Array<[string, CallbackKind, string]> = [
		['signed with another secret (forged)', 'forged', 'signature mismatch'],
		['a signature of another body (tampered)', 'tampered', 'signature mismatch'],
		['stale: timestamp 10 minutes old', 'stale', 'timestamp outside the window'],
		['from the future: timestamp 10 minutes ahead', 'future', 'timestamp outside the window'],
		['unsigned', 'unsigned', 'no signature'],
		['without X-Webhook-Signature', 'no-signature', 'no signature'],
		['without X-Webhook-Timestamp', 'no-timestamp', 'no timestamp'],
	];

	it.each(refusals)('%s: 401, reason logged for the admin only', async (_, kind, reason) => {
		const trigger = await openTrigger();
		const sent = await trigger.sender.send({ docId: 'doc_refused', kind });
		expect([sent.status, answerOf(sent)]).toEqual([401, UNAUTHORIZED]);
		expect(trigger.endpoint.calls).toEqual([{ nodeRan: true, workflowData: undefined }]);
		expect(trigger.endpoint.logs().filter((line) => line.includes('refused a callback'))).toEqual([
			expect.stringContaining(`refused a callback: ${reason}`),
		]);
		expectNoSecretIn(trigger);
	});

	it.each(SIGNATURE_FORMS.map((form) => [formName(form), form] as const))(
		'stale in the %s form: 401',
		async (_, form) => {
			const trigger = await openTrigger({ sender: { form } });
			for (const kind of ['stale', 'future'] as const)
				expect((await trigger.sender.send({ docId: 'doc_stale', kind })).status).toBe(401);
			expect(await trigger.runs()).toEqual([]);
		},
	);

	it('signed with another secret than the credential holds (wrong secret): 401', async () => {
		const trigger = await openTrigger({ credentialSecret: `${SIGNING_SECRET}-rotated` });
		const sent = await trigger.sender.send({ docId: 'doc_wrong_secret' });
		expect([sent.status, answerOf(sent)]).toEqual([401, UNAUTHORIZED]);
		expect(await trigger.runs()).toEqual([]);
	});

	it('the timestamp window is an option, both directions', async () => {
		const trigger = await openTrigger({ options: { toleranceSeconds: 60 } });
		const twoMinutes = 2 * 60 * 1000;
		expect(
			(await trigger.sender.send({ docId: 'doc_old', kind: 'stale', ageMs: twoMinutes })).status,
		).toBe(401);
		expect(
			(await trigger.sender.send({ docId: 'doc_ahead', kind: 'future', ageMs: twoMinutes })).status,
		).toBe(401);
		expect(
			(await trigger.sender.send({ docId: 'doc_recent', kind: 'stale', ageMs: 30_000 })).status,
		).toBe(200);
		expect((await trigger.runs()).map((run) => run[0].documentId)).toEqual(['doc_recent']);
	});

	it('malformed JSON sent as application/json: n8n answers 422 before the node runs', async () => {
		const trigger = await openTrigger();
		const sent = await trigger.sender.send({ docId: 'doc_malformed', kind: 'malformed' });
		expect(sent.status).toBe(422);
		expect(trigger.endpoint.calls).toEqual([{ nodeRan: false }]);
	});

	it('malformed JSON under another content type, correctly signed: the node answers 400', async () => {
		const trigger = await openTrigger();
		const sent = await trigger.sender.send({
			docId: 'doc_malformed',
			kind: 'malformed',
			contentType: 'text/plain',
		});
		expect([sent.status, answerOf(sent)]).toEqual([400, { error: 'Bad Request' }]);
		expect(await trigger.runs()).toEqual([]);
		expect(trigger.endpoint.logs().join('\n')).toContain('refused a callback: body is not JSON');
	});

	it('a credential whose secret is empty refuses even a callback it could not verify anyway', async () => {
		const trigger = await openTrigger({
			credentialSecret: '  ',
			options: { acceptUnsigned: true },
		});
		expect((await trigger.sender.send({ docId: 'doc_empty', kind: 'unsigned' })).status).toBe(401);
		expect(await trigger.runs()).toEqual([]);
	});
});

describe('1Flow Trigger: unsigned callbacks', () => {
	it('without a credential every callback is refused, signed or not', async () => {
		const trigger = await openTrigger({ credentialSecret: null });
		for (const kind of ['unsigned', 'signed'] as const)
			expect((await trigger.sender.send({ docId: 'doc_unsigned', kind })).status).toBe(401);
		expect(await trigger.runs()).toEqual([]);
		expect(
			trigger.endpoint
				.logs()
				.filter((line) => line.includes('refused a callback: no signing secret')),
		).toHaveLength(1);
	});

	it('Accept Unsigned Callbacks without a credential starts the run, verified: false', async () => {
		const trigger = await openTrigger({
			credentialSecret: null,
			options: { acceptUnsigned: true },
		});
		const sent = await trigger.sender.send({ docId: 'doc_unsigned', kind: 'unsigned' });
		expect([sent.status, answerOf(sent)]).toEqual([200, RUN_STARTED]);
		expect(await trigger.runs()).toEqual([
			[{ ...JSON.parse(sent.body.toString()), verified: false, callbackId: CALLBACK_ID }],
		]);
		// The same bytes again are a repeat.
		expect(
			answerOf(await trigger.sender.send({ docId: 'doc_unsigned', kind: 'replayed' })),
		).toEqual(ACKNOWLEDGED);
		expect(await trigger.runs()).toHaveLength(1);
	});

	it('Accept Unsigned Callbacks does not weaken a credential: unsigned is still refused', async () => {
		const trigger = await openTrigger({ options: { acceptUnsigned: true } });
		expect((await trigger.sender.send({ docId: 'doc_unsigned', kind: 'unsigned' })).status).toBe(
			401,
		);
		expect((await trigger.sender.send({ docId: 'doc_forged', kind: 'forged' })).status).toBe(401);
		expect(await trigger.runs()).toEqual([]);
	});
});

describe('1Flow Trigger: repeats', () => {
	it.each(SIGNATURE_FORMS.map((form) => [formName(form), form] as const))(
		'%s: the same callback again gets 200 and starts nothing',
		async (_, form) => {
			const trigger = await openTrigger({ sender: { form } });
			expect((await trigger.sender.send({ docId: 'doc_once' })).status).toBe(200);
			for (let repeat = 0; repeat < 3; repeat++) {
				const again = await trigger.sender.send({ docId: 'doc_once', kind: 'replayed' });
				expect([again.status, answerOf(again)]).toEqual([200, ACKNOWLEDGED]);
			}
			expect(await trigger.runs()).toHaveLength(1);
		},
	);

	it('a body-only signature replayed under a fresh timestamp starts nothing', async () => {
		const trigger = await openTrigger({ sender: { form: { signs: 'body', encoding: 'base64' } } });
		const first = await trigger.sender.send({ docId: 'doc_fresh' });
		const fresh = { ...first.headers, 'x-webhook-timestamp': String(Date.now() + 1000) };
		const replay = await fetch(trigger.endpoint.url, {
			method: 'POST',
			headers: fresh,
			body: first.body,
		});
		expect([replay.status, await replay.json()]).toEqual([200, ACKNOWLEDGED]);
		expect(await trigger.runs()).toHaveLength(1);
	});

	it('the same document in a new callback (new timestamp) is a new delivery', async () => {
		const trigger = await openTrigger();
		await trigger.sender.send({ docId: 'doc_twice' });
		await new Promise((resolve) => setTimeout(resolve, 5));
		await trigger.sender.send({ docId: 'doc_twice' });
		expect(await trigger.runs()).toHaveLength(2);
	});
});
