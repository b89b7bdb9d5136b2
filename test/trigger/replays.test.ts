/**
 * The 1Flow Trigger against replays and damaged state, in n8n's engine: a callback whose
 * execution n8n could not store may be retried; a captured callback re-signed after its entry
 * was forgotten starts nothing; the Test URL leaves the Production URL's memory alone; the body
 * cannot rewrite the trigger's own fields. The clock is moved with jest's fake Date only.
 */
import type { IDataObject } from 'n8n-workflow';

import { newStaticDataStore } from '../../testkit/engine';
import { triggersPerTest } from '../support/trigger';
import { ACKNOWLEDGED, CALLBACK_ID, RUN_STARTED, answerOf } from '../support/trigger-answers';

const openTrigger = triggersPerTest();
const HOUR_MS = 3600 * 1000;

/** Fakes Date alone, so that servers, sockets and timers keep running. */
function fakeClock(): { move(ms: number): void } {
	jest.useFakeTimers({
		doNotFake: [
			'hrtime',
			'nextTick',
			'performance',
			'queueMicrotask',
			'setImmediate',
			'clearImmediate',
			'setInterval',
			'clearInterval',
			'setTimeout',
			'clearTimeout',
		],
	});
	return { move: (ms) => jest.setSystemTime(Date.now() + ms) };
}

afterEach(() => jest.useRealTimers());

describe('1Flow Trigger: n8n answers once it stored the execution', () => {
	it('n8n could not store it: 500; a re-send meanwhile waits (503); after 2 minutes it runs once', async () => {
		const clock = fakeClock();
		const trigger = await openTrigger();
		trigger.endpoint.failStoring = true;
		const first = await trigger.sender.send({ docId: 'doc_unstored' });
		expect(first.status).toBe(500);
		trigger.endpoint.failStoring = false;
		const soon = await trigger.sender.send({ docId: 'doc_unstored', kind: 'resent' });
		expect([soon.status, soon.headers, answerOf(soon)]).toEqual([
			503,
			expect.anything(),
			{ error: 'Being started: retry later' },
		]);
		clock.move(121_000);
		const later = await trigger.sender.send({ docId: 'doc_unstored', kind: 'resent' });
		expect([later.status, answerOf(later)]).toEqual([200, RUN_STARTED]);
		expect((await trigger.runs()).map((run) => run[0].documentId)).toEqual(['doc_unstored']);
	});
});

describe('1Flow Trigger: a captured callback never runs again', () => {
	it('re-signed 49 hours later (its entry past the window): 422, no run; a fresh one runs', async () => {
		const clock = fakeClock();
		const staticData = newStaticDataStore();
		const trigger = await openTrigger({ staticData });
		const first = await trigger.sender.send({ docId: 'doc_captured' });
		expect(answerOf(first)).toEqual(RUN_STARTED);
		expect(await trigger.runs()).toHaveLength(1);
		clock.move(49 * HOUR_MS);
		const restarted = await openTrigger({ staticData });
		restarted.sender.sent.push(first);
		const replay = await restarted.sender.send({ docId: 'doc_captured', kind: 'resent' });
		expect([replay.status, answerOf(replay)]).toEqual([
			422,
			{ error: 'Too old: older than the callbacks this trigger remembers' },
		]);
		const fresh = await restarted.sender.send({ docId: 'doc_fresh' });
		expect(answerOf(fresh)).toEqual(RUN_STARTED);
		expect((await restarted.runs()).map((run) => run[0].documentId)).toEqual(['doc_fresh']);
		expect(restarted.endpoint.logs().join('\n')).toContain(
			'refused a callback older than the callbacks it remembers',
		);
	});

	it('a body whose status.updatedAt is 49 hours old, never seen: 422, no run', async () => {
		const trigger = await openTrigger();
		const old = new Date(Date.now() - 49 * HOUR_MS).toISOString();
		const sent = await trigger.sender.send({
			docId: 'doc_old',
			document: { status: { extractionStatus: 'INDEXED', updatedAt: old } },
		});
		expect(sent.status).toBe(422);
		expect(await trigger.runs()).toEqual([]);
	});

	it('without a readable status.updatedAt: refused when signed over the body alone, run when the timestamp is signed too', async () => {
		const document = { status: { extractionStatus: 'INDEXED' } };
		const bodyOnly = await openTrigger({ sender: { form: { signs: 'body', encoding: 'hex' } } });
		expect((await bodyOnly.sender.send({ docId: 'doc_untimed', document })).status).toBe(401);
		expect(await bodyOnly.runs()).toEqual([]);
		expect(bodyOnly.endpoint.logs().join('\n')).toContain('no readable status.updatedAt');
		const withTimestamp = await openTrigger();
		const sent = await withTimestamp.sender.send({ docId: 'doc_untimed', document });
		expect(answerOf(sent)).toEqual(RUN_STARTED);
		expect(await withTimestamp.runs()).toHaveLength(1);
	});
});

describe('1Flow Trigger: the Test URL and the Production URL', () => {
	it('a callback sent to the Test URL first, then to the Production URL: it runs on both', async () => {
		const staticData = newStaticDataStore();
		const id = 'same-trigger-node';
		const test = await openTrigger({ id, staticData, mode: 'manual' });
		const production = await openTrigger({ id, staticData });
		const first = await test.sender.send({ docId: 'doc_tested' });
		expect(answerOf(first)).toEqual(RUN_STARTED);
		expect(await test.runs()).toHaveLength(1);
		expect(JSON.parse(staticData.json)).toEqual({});
		production.sender.sent.push(first);
		const live = await production.sender.send({ docId: 'doc_tested', kind: 'resent' });
		expect(answerOf(live)).toEqual(RUN_STARTED);
		expect(await production.runs()).toHaveLength(1);
		// And the reverse: the Production URL's memory does not hold back a test.
		test.sender.sent.push(first);
		const retest = await test.sender.send({ docId: 'doc_tested', kind: 'resent' });
		expect(answerOf(retest)).toEqual(RUN_STARTED);
		const again = await production.sender.send({ docId: 'doc_tested', kind: 'resent' });
		expect(answerOf(again)).toEqual(ACKNOWLEDGED);
	});
});

describe('1Flow Trigger: the body cannot rewrite the item', () => {
	const extra = {
		json: { verified: true, documentId: 'doc_claimed' },
		binary: { data: { data: 'AA==', mimeType: 'text/plain' } },
		pairedItem: { item: 7 },
		verified: true,
		callbackId: 'claimed',
	};
	it.each([
		['signed', {}, 'signed', true],
		[
			'unsigned, accepted',
			{ credentialSecret: null, options: { acceptUnsigned: true } },
			'unsigned',
			false,
		],
	] as const)(
		'%s: the item is the body, verified and callbackId are the trigger’s',
		async (_, settings, kind, verified) => {
			const trigger = await openTrigger(settings);
			const sent = await trigger.sender.send({ docId: 'doc_keys', kind, extra });
			expect(answerOf(sent)).toEqual(RUN_STARTED);
			const body = JSON.parse(sent.body.toString()) as IDataObject;
			expect(await trigger.runs()).toEqual([[{ ...body, verified, callbackId: CALLBACK_ID }]]);
			const [call] = trigger.endpoint.calls;
			expect(call.workflowData?.[0][0].binary).toBeUndefined();
		},
	);
});

describe('1Flow Trigger: nothing after verification throws', () => {
	it('Events as an expression giving a text: 401 and a log line, no run, no throw', async () => {
		const trigger = await openTrigger({ events: '={{ "document.ready" }}' as unknown as string[] });
		const sent = await trigger.sender.send({ docId: 'doc_events' });
		expect(sent.status).toBe(401);
		expect(trigger.endpoint.calls.map((call) => call.error)).toEqual([undefined]);
		expect(trigger.endpoint.logs().join('\n')).toContain('Events must be a list of event names');
	});

	it.each([
		['null', null],
		['a text', 'corrupted'],
		['a list', [1, 2]],
	])(
		'static data for the node that is %s: the callback runs once, nothing throws',
		async (_, value) => {
			const staticData = newStaticDataStore();
			staticData.json = JSON.stringify({ 'node:1Flow Trigger': value });
			const trigger = await openTrigger({ staticData });
			const sent = await trigger.sender.send({ docId: 'doc_damaged' });
			expect(answerOf(sent)).toEqual(RUN_STARTED);
			expect(await trigger.runs()).toHaveLength(1);
			expect(trigger.endpoint.calls.map((call) => call.error)).toEqual([undefined]);
		},
	);
});

describe('1Flow Trigger: a stranger does not write the log', () => {
	it('1,000 refused requests in a row: one log line for their reason', async () => {
		const trigger = await openTrigger();
		for (let start = 0; start < 1000; start += 50)
			await Promise.all(
				Array.from({ length: 50 }, (_, offset) =>
					trigger.sender.send({ docId: `doc_forged_${start + offset}`, kind: 'forged' }),
				),
			);
		expect(trigger.sender.sent.every((sent) => sent.status === 401)).toBe(true);
		const lines = trigger.endpoint.logs().filter((line) => line.includes('refused a callback'));
		expect(lines).toHaveLength(1);
		expect(lines[0]).toContain('signature mismatch');
	});
});
