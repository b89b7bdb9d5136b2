/**
 * One callback, one run: the 1Flow Trigger in n8n's engine with static data kept as n8n keeps
 * it (loaded from the "database" for every request, saved whole after, last save wins). A
 * callback is the same callback when its raw body is the same, however it is signed; the memory
 * holds across a restart (a new process: a trigger opened again on the same stored data), across
 * a burst of concurrent requests, and one trigger's flood does not push out another's entries.
 */
/** The capacity docs/trigger-security.md states: past it the oldest tenth is forgotten. */
const CAPACITY = 5_000;
import { newStaticDataStore, type StaticDataStore } from '../../testkit/engine';
import { SIGNATURE_FORMS, formName, type SentCallback } from '../../testkit/emulator';
import { triggersPerTest, type OpenTrigger, type TriggerSettings } from '../support/trigger';
import { ACKNOWLEDGED, answerOf } from '../support/trigger-answers';

const openTrigger = triggersPerTest();

/** `callback`'s body, signed anew with a fresh timestamp by `trigger`'s sender. */
function resend(trigger: OpenTrigger, callback: SentCallback): Promise<SentCallback> {
	// The sender resends its last callback: taken synchronously, so concurrent resends do not mix.
	trigger.sender.sent.push(callback);
	return trigger.sender.send({ docId: callback.documentId, kind: 'resent' });
}

/** The entries a trigger keeps in the workflow's static data (its node's part). */
function rememberedBy(store: StaticDataStore, name = '1Flow Trigger'): number {
	const data = JSON.parse(store.json) as Record<string, { callbacks?: { entries: string } }>;
	return (data[`node:${name}`]?.callbacks?.entries.length ?? 0) / 23;
}

describe('1Flow Trigger: the same body re-signed with a fresh timestamp (a sender retrying)', () => {
	it.each(SIGNATURE_FORMS.map((form) => [formName(form), form] as const))(
		'%s: 200, one run',
		async (_, form) => {
			const trigger = await openTrigger({ sender: { form } });
			expect((await trigger.sender.send({ docId: 'doc_retried' })).status).toBe(200);
			await new Promise((resolve) => setTimeout(resolve, 5));
			const again = await trigger.sender.send({ docId: 'doc_retried', kind: 'resent' });
			expect(again.headers['x-webhook-timestamp']).not.toBe(
				trigger.sender.sent[0].headers['x-webhook-timestamp'],
			);
			expect([again.status, answerOf(again)]).toEqual([200, ACKNOWLEDGED]);
			expect(await trigger.runs()).toHaveLength(1);
		},
	);

	it('an accepted unsigned callback, sent again: one run', async () => {
		const trigger = await openTrigger({
			credentialSecret: null,
			options: { acceptUnsigned: true },
		});
		await trigger.sender.send({ docId: 'doc_unsigned', kind: 'unsigned' });
		expect(answerOf(await trigger.sender.send({ docId: 'x', kind: 'resent' }))).toEqual(
			ACKNOWLEDGED,
		);
		expect(await trigger.runs()).toHaveLength(1);
	});
});

describe('1Flow Trigger: the memory is in static data', () => {
	/** The trigger opened anew on the same stored data: n8n restarted, or another process. */
	const restarted = (settings: TriggerSettings) => openTrigger(settings);

	it.each(SIGNATURE_FORMS.map((form) => [formName(form), form] as const))(
		'%s: re-sent after a restart, one run',
		async (_, form) => {
			const staticData = newStaticDataStore();
			const before = await openTrigger({ sender: { form }, staticData });
			const first = await before.sender.send({ docId: 'doc_restart' });
			expect(first.status).toBe(200);
			// n8n stops only once its running executions have ended.
			expect(await before.runs()).toHaveLength(1);
			const after = await restarted({ sender: { form }, staticData });
			const again = await resend(after, first);
			expect([again.status, answerOf(again)]).toEqual([200, ACKNOWLEDGED]);
			expect([(await before.runs()).length, (await after.runs()).length]).toEqual([1, 0]);
		},
	);

	it('100 distinct callbacks at once: 100 runs; after a restart all 100 re-sent: none', async () => {
		const staticData = newStaticDataStore();
		const before = await openTrigger({ staticData });
		const sent = await Promise.all(
			Array.from({ length: 100 }, (_, index) =>
				before.sender.send({ docId: `doc_burst_${index}` }),
			),
		);
		expect(sent.map((one) => one.status)).toEqual(sent.map(() => 200));
		expect(await before.runs()).toHaveLength(100);
		expect(rememberedBy(staticData)).toBe(100);
		const after = await restarted({ staticData });
		const again = await Promise.all(sent.map((one) => resend(after, one)));
		expect(again.map((one) => one.status)).toEqual(again.map(() => 200));
		expect(await after.runs()).toHaveLength(0);
	});

	it('a flood of 12,000 unsigned callbacks to one trigger leaves another trigger remembering', async () => {
		const staticData = newStaticDataStore();
		const signed = await openTrigger({ name: 'Signed', staticData });
		const accepted = await signed.sender.send({ docId: 'doc_before_flood' });
		expect(accepted.status).toBe(200);
		expect(await signed.runs()).toHaveLength(1);
		const open = await openTrigger({
			name: 'Open',
			staticData,
			credentialSecret: null,
			options: { acceptUnsigned: true },
		});
		const FLOOD = 12_000;
		const PARALLEL = 8;
		for (let start = 0; start < FLOOD; start += PARALLEL)
			await Promise.all(
				Array.from({ length: PARALLEL }, (_, offset) =>
					open.sender.send({ docId: `doc_flood_${start + offset}`, kind: 'unsigned' }),
				),
			);
		expect(await open.runs()).toHaveLength(FLOOD);
		const remembered = rememberedBy(staticData, 'Open');
		// The newest nine tenths are kept, less those sharing the cut's second (times are in seconds).
		expect(remembered).toBeGreaterThanOrEqual(CAPACITY * 0.8);
		expect(remembered).toBeLessThanOrEqual(CAPACITY);
		expect(rememberedBy(staticData, 'Signed')).toBe(1);
		const again = await signed.sender.send({ docId: 'doc_before_flood', kind: 'resent' });
		const afterRestart = await openTrigger({ name: 'Signed', staticData });
		const againAfterRestart = await resend(afterRestart, accepted);
		expect([again, againAfterRestart].map(answerOf)).toEqual([ACKNOWLEDGED, ACKNOWLEDGED]);
		expect([(await signed.runs()).length, (await afterRestart.runs()).length]).toEqual([1, 0]);
	}, 600_000);
});
