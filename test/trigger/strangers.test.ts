/**
 * The 1Flow Trigger in n8n's engine, called by someone who is not 1Flow: whatever the body's
 * form, a missing or broken credential, or a Timestamp Tolerance that is no number, the node
 * answers 4xx itself and never throws (a throw would make n8n store a failed execution and run
 * the error workflow). Also: a UTF-8 byte-order mark, and the option checked at activation.
 */
import { HookContext } from 'n8n-core';
import { Workflow, type IHookFunctions, type INodeType } from 'n8n-workflow';

import { WORKFLOW_ID } from '../../testkit/engine';
import { signatureOf } from '../../testkit/emulator';
import { SIGNING_SECRET, triggersPerTest, type OpenTrigger } from '../support/trigger';
import { CALLBACK_ID, RUN_STARTED, answerOf } from '../support/trigger-answers';
import { nodeUnderTest } from '../../testkit/engine/node-under-test';
import { additionalData } from '../../testkit/engine/additional-data';

const openTrigger = triggersPerTest();
const JSON_BODY = '{"event":"document.ready","success":true,"documentId":"doc_stranger"}';

type BodyForm =
	'multipart/form-data' | 'application/x-www-form-urlencoded' | 'text/plain' | 'empty';

function requestBody(form: BodyForm): {
	body?: FormData | string;
	headers: Record<string, string>;
} {
	if (form === 'multipart/form-data') {
		const data = new FormData();
		data.append('payload', JSON_BODY);
		data.append('file', new Blob(['%PDF-1.4 not really']), 'invoice.pdf');
		return { body: data, headers: {} };
	}
	if (form === 'empty') return { body: '', headers: { 'content-type': 'application/json' } };
	const body = form === 'text/plain' ? JSON_BODY : `payload=${encodeURIComponent(JSON_BODY)}`;
	return { body, headers: { 'content-type': form } };
}

/** Posts like a stranger: unsigned, or signed (over the JSON text) with a secret that is not the one. */
async function strangerPost(
	trigger: OpenTrigger,
	form: BodyForm,
	signing: 'unsigned' | 'wrong secret',
): Promise<number> {
	const { body, headers } = requestBody(form);
	if (signing === 'wrong secret') {
		const timestamp = String(Date.now());
		headers['x-webhook-timestamp'] = timestamp;
		headers['x-webhook-signature'] = signatureOf(Buffer.from(JSON_BODY), timestamp, 'guessed', {
			signs: 'timestamp.body',
			encoding: 'hex',
		});
	}
	const reply = await fetch(trigger.endpoint.url, { method: 'POST', headers, body });
	await reply.text();
	return reply.status;
}

/** Every call ran the node, which threw nothing and started nothing. */
function expectNothingStarted(trigger: OpenTrigger, calls: number): void {
	expect(
		trigger.endpoint.calls.map((call) => ({
			ran: call.nodeRan,
			threw: call.error?.message,
			started: call.workflowData !== undefined,
		})),
	).toEqual(Array.from({ length: calls }, () => ({ ran: true, threw: undefined, started: false })));
}

const FORMS: BodyForm[] = [
	'multipart/form-data',
	'application/x-www-form-urlencoded',
	'text/plain',
	'empty',
];

describe('1Flow Trigger: strangers get 4xx and start nothing, stored or not', () => {
	it.each(FORMS)(
		'%s, unsigned and signed with a wrong secret: 401, nothing thrown',
		async (form) => {
			const trigger = await openTrigger();
			for (const signing of ['unsigned', 'wrong secret'] as const)
				expect({ signing, status: await strangerPost(trigger, form, signing) }).toEqual({
					signing,
					status: 401,
				});
			expectNothingStarted(trigger, 2);
		},
	);

	it.each(FORMS.filter((form) => form !== 'text/plain'))(
		'%s to a trigger that accepts unsigned callbacks: 400, nothing thrown',
		async (form) => {
			const trigger = await openTrigger({
				credentialSecret: null,
				options: { acceptUnsigned: true },
			});
			const status = await strangerPost(trigger, form, 'unsigned');
			expect(status).toBe(400);
			expectNothingStarted(trigger, 1);
			if (form === 'multipart/form-data')
				expect(trigger.endpoint.logs().join('\n')).toContain(
					'refused a callback: the body could not be read (multipart or form data?)',
				);
		},
	);

	it.each(['deleted', 'not decryptable'] as const)(
		'the credential %s after activation: a correctly signed callback gets 401, nothing thrown',
		async (what) => {
			const trigger = await openTrigger();
			const { credentials } = trigger.endpoint;
			if (what === 'deleted')
				credentials.removeCredential('oneFlowCallbackApi', 'harness-oneFlowCallbackApi');
			else credentials.corruptCredential('oneFlowCallbackApi', 'harness-oneFlowCallbackApi');
			const sent = await trigger.sender.send({ docId: 'doc_no_credential' });
			expect([sent.status, answerOf(sent)]).toEqual([401, { error: 'Unauthorized' }]);
			expectNothingStarted(trigger, 1);
			expect(trigger.endpoint.logs().join('\n')).toContain(
				'refused a callback: the credential could not be read (deleted, or not decryptable)',
			);
		},
	);

	it('the timestamp is checked before the credential is read: a stale callback never decrypts it', async () => {
		const trigger = await openTrigger();
		trigger.endpoint.credentials.removeCredential(
			'oneFlowCallbackApi',
			'harness-oneFlowCallbackApi',
		);
		expect((await trigger.sender.send({ docId: 'doc_stale', kind: 'stale' })).status).toBe(401);
		expect(trigger.endpoint.logs().join('\n')).toContain(
			'refused a callback: timestamp outside the window',
		);
	});
});

/** What n8n runs when the workflow is activated: the webhook's checkExists, in a HookContext. */
async function activate(
	toleranceSeconds: unknown,
	events: unknown = ['document.ready'],
): Promise<boolean> {
	const { node, nodeTypes, credentialsHelper } = await nodeUnderTest({
		node: 'oneFlowTrigger',
		parameters: { events, options: { toleranceSeconds } },
	});
	const workflow = new Workflow({
		id: WORKFLOW_ID,
		nodes: [node],
		connections: {},
		active: true,
		nodeTypes,
	});
	const type = nodeTypes.getByNameAndVersion(node.type, node.typeVersion) as INodeType;
	const data = additionalData(credentialsHelper, 'activation');
	const context = new HookContext(workflow, node, data, 'trigger', 'activate');
	const checkExists = type.webhookMethods?.default?.checkExists;
	if (!checkExists) throw new Error('the trigger has no checkExists');
	return await checkExists.call(context as unknown as IHookFunctions);
}

describe('1Flow Trigger: Timestamp Tolerance', () => {
	const invalid: Array<[string, unknown]> = [
		['NaN from an expression', '={{ 0 / 0 }}'],
		['Infinity from an expression', '={{ 1 / 0 }}'],
		['below the range', 5],
		['above the range', 86_400],
		['a text', '={{ "five minutes" }}'],
	];

	it.each(invalid)(
		'%s: every callback is refused (401), the log names the option',
		async (_, value) => {
			const trigger = await openTrigger({ options: { toleranceSeconds: value } });
			for (const kind of ['signed', 'stale'] as const)
				expect((await trigger.sender.send({ docId: 'doc_window', kind })).status).toBe(401);
			expectNothingStarted(trigger, 2);
			expect(trigger.endpoint.logs().join('\n')).toContain(
				'refused a callback: Timestamp Tolerance must be a number of seconds from 30 to 3600',
			);
		},
	);

	it.each(invalid)('%s: activating the workflow fails with that message', async (_, value) => {
		await expect(activate(value)).rejects.toThrow(
			'Timestamp Tolerance must be a number of seconds from 30 to 3600',
		);
	});

	it('a number in range activates', async () => {
		await expect(activate('={{ 60 * 2 }}')).resolves.toBe(true);
	});
});

describe('1Flow Trigger: Events', () => {
	it.each([
		['a text from an expression', '={{ "document.ready" }}'],
		['an empty list', []],
		['nothing', '={{ undefined }}'],
	])('%s: activating the workflow fails with a message', async (_, events) => {
		await expect(activate(300, events)).rejects.toThrow('Events must be a list of event names');
	});

	it('a list from an expression activates', async () => {
		await expect(activate(300, '={{ ["document.ready"] }}')).resolves.toBe(true);
	});
});

describe('1Flow Trigger: a UTF-8 byte-order mark', () => {
	it('signed over the bytes as sent (mark included): one run with the parsed body', async () => {
		const trigger = await openTrigger();
		const sent = await trigger.sender.send({ docId: 'doc_bom', bom: true });
		expect(sent.body.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
		expect([sent.status, answerOf(sent)]).toEqual([200, RUN_STARTED]);
		expect(await trigger.runs()).toEqual([
			[
				{
					...JSON.parse(sent.body.subarray(3).toString()),
					verified: true,
					callbackId: CALLBACK_ID,
				},
			],
		]);
	});

	it('a signature over the body without the mark does not match the bytes sent', async () => {
		const trigger = await openTrigger();
		const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON_BODY)]);
		const timestamp = String(Date.now());
		const headers = {
			'content-type': 'application/json',
			'x-webhook-timestamp': timestamp,
			'x-webhook-signature': signatureOf(Buffer.from(JSON_BODY), timestamp, SIGNING_SECRET, {
				signs: 'timestamp.body',
				encoding: 'hex',
			}),
		};
		const reply = await fetch(trigger.endpoint.url, { method: 'POST', headers, body });
		expect(reply.status).toBe(401);
		expect(await trigger.runs()).toEqual([]);
	});
});
