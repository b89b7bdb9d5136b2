/**
 * n8n in queue mode (PostgreSQL, Redis, a main instance, 2 workers running 5 executions each
 * and 2 `n8n webhook` processes) with the package fetched from a registry on 127.0.0.1 and laid
 * out as n8n's installer does, and the environment-variable install naming that registry, which
 * n8n refuses without a license: 10 executions at once, 300 deletes each, against a 1Flow limited to 100 requests/s.
 * They share the limit without knowing of each other: every document is deleted once, no item
 * fails, and the secrets are stored nowhere. And the 1Flow Trigger: a callback answered by one
 * webhook process and re-sent to the other starts one execution, not two.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { CallbackSender, type SentCallback } from '../../../testkit/emulator';
import { httpRequest } from '../../../testkit/http';
import { burst, describeBurst, type BurstResult } from '../../../testkit/queue-mode/burst';
import { QueueDeployment, WEBHOOK_ID } from '../../../testkit/queue-mode/deployment';
import { callbackUrl, triggerRuns } from '../../../testkit/queue-mode/trigger';
import { ACKNOWLEDGED, RUN_STARTED, answerOf } from '../../support/trigger-answers';
import { suiteEnvironment } from '../support/suite';
import { until } from '../support/trigger-server';

const EXECUTIONS = 10;
const PER_EXECUTION = 300;
const WORKERS = 2;

let deployment: QueueDeployment | undefined;
let result: BurstResult | undefined;

function figures(): BurstResult {
	if (result === undefined) throw new Error('the burst did not run');
	return result;
}

beforeAll(async () => {
	const { tarball, workDir } = suiteEnvironment();
	deployment = await QueueDeployment.start({
		tarball,
		workDir: join(workDir, 'queue'),
		workers: WORKERS,
		workerConcurrency: 5,
		faults: { rateLimitPerSecond: 100, latencyMs: 20 },
		variants: { adaptive: { concurrency: 10 } },
		webhookProcesses: 2,
	});
	result = await burst(deployment, 'adaptive', EXECUTIONS, PER_EXECUTION);
	console.log(describeBurst(result));
	writeFileSync(join(workDir, 'queue-burst.json'), JSON.stringify(result, null, 2));
});

afterAll(async () => await deployment?.stop());

test(`${EXECUTIONS} executions × ${PER_EXECUTION} deletes: every document is deleted exactly once`, () => {
	const { deletedOnce, notDeleted, deletedTwice } = figures();
	expect({ deletedOnce, notDeleted, deletedTwice }).toEqual({
		deletedOnce: EXECUTIONS * PER_EXECUTION,
		notDeleted: 0,
		deletedTwice: 0,
	});
});

test('no item failed: every item left on the success output, every execution succeeded', () => {
	const { succeededItems, failedItems, failures, statuses } = figures();
	expect({ succeededItems, failedItems, failures, statuses }).toEqual({
		succeededItems: EXECUTIONS * PER_EXECUTION,
		failedItems: 0,
		failures: [],
		statuses: { success: EXECUTIONS },
	});
});

// What a queue-mode user who sets the variables on an n8n without that license gets (docs/scaling.md):
// n8n still starts, without installing the package; here the package is laid out beforehand.
test('the environment-variable install from the 127.0.0.1 registry: the main instance reads N8N_COMMUNITY_PACKAGES and refuses the registry for want of a license, asking it nothing', () => {
	const { fleet, registry } = deployment as QueueDeployment;
	const refusal = fleet
		.logs()
		.main.split('\n')
		.find((line) => line.includes(`'${registry.name}@${registry.version}' from env`));
	expect(refusal).toMatch(
		/Failed to install community package .*feat:communityNodes:customRegistry/,
	);
	expect(registry.requests).toEqual([]);
});

test('the executions ran on both workers', () => {
	const { byWorker } = figures();
	expect(byWorker.reduce((sum, count) => sum + count, 0)).toBe(EXECUTIONS);
	expect({
		byWorker,
		everyWorkerRanSome: byWorker.length === WORKERS && byWorker.every((count) => count > 0),
	}).toMatchObject({ everyWorkerRanSome: true });
});

describe('1Flow Trigger: a callback to one webhook process, re-sent to the other', () => {
	const [ON_B, ON_A, LATER] = ['doc_trigger_b', 'doc_trigger_a', 'doc_trigger_later'];
	const deployed = () => deployment as QueueDeployment;
	/** The trigger's production URL on webhook process A and on B. */
	const urls = () => deployed().fleet.webhookBaseUrls.map(callbackUrl);
	const sender = (url: string) => new CallbackSender({ url, secret: deployed().signingSecret });
	/** Waits until no execution of the trigger workflow is unfinished and one ran for `docId`. */
	const ranFor = (docId: string) =>
		until(
			`the execution for ${docId}`,
			async () => {
				const runs = triggerRuns(deployed().postgres);
				return runs.unfinished === 0 && docId in runs.byDocument ? runs.byDocument : undefined;
			},
			120_000,
		);
	const deletes = (docId: string) => ({
		requests: deployed().emulator.requests.filter(
			(request) => request.path.endsWith('/document/delete') && request.docId === docId,
		).length,
		deleted: deployed().emulator.deleteCount(docId),
	});
	let toA: SentCallback | undefined;

	beforeAll(async () => {
		deployed().emulator.addDocuments(WEBHOOK_ID, [ON_B, ON_A, LATER]);
		// A published workflow's webhooks answer 404 until n8n has activated it; then the trigger
		// refuses an unsigned, empty body with 401 and starts nothing.
		for (const url of urls())
			await until(
				`the trigger's webhook at ${url}`,
				async () =>
					(await httpRequest(url, { method: 'POST', body: '' })).status === 404 ? undefined : true,
				120_000,
			);
	});

	// First, so that A's is not: n8n 2.41.1 saves a workflow's very first callback however it is
	// answered (its static data starts empty); only a later one shows the Trigger's own saving.
	test('a callback to webhook process B: 200, its own execution, the document deleted', async () => {
		expect(urls()).toHaveLength(2);
		const toB = await sender(urls()[1]).send({ docId: ON_B });
		expect([toB.status, answerOf(toB)]).toEqual([200, RUN_STARTED]);
		expect(await ranFor(ON_B)).toEqual({ [ON_B]: ['success'] });
		expect(deletes(ON_B)).toEqual({ requests: 1, deleted: 1 });
	});

	test("another document's callback to webhook process A: 200, its own execution, the document deleted", async () => {
		toA = await sender(urls()[0]).send({ docId: ON_A });
		expect([toA.status, answerOf(toA)]).toEqual([200, RUN_STARTED]);
		expect((await ranFor(ON_A))[ON_A]).toEqual(['success']);
		expect(deletes(ON_A)).toEqual({ requests: 1, deleted: 1 });
	});

	test("A's callback body re-signed with a fresh timestamp, to webhook process B: 200, no second execution, no second delete", async () => {
		const resender = sender(urls()[1]);
		resender.sent.push(toA as SentCallback);
		const again = await resender.send({ docId: ON_A, kind: 'resent' });
		expect([again.status, answerOf(again)]).toEqual([200, ACKNOWLEDGED]);
		// An execution the re-send started is stored before that of a callback B gets after it:
		// once the later one has run, a second execution for ON_A would be there.
		const later = await sender(urls()[1]).send({ docId: LATER });
		expect([later.status, answerOf(later)]).toEqual([200, RUN_STARTED]);
		expect(await ranFor(LATER)).toEqual({
			[ON_A]: ['success'],
			[ON_B]: ['success'],
			[LATER]: ['success'],
		});
		expect(deletes(ON_A)).toEqual({ requests: 1, deleted: 1 });
	});
});

// Last, so that it also searches what the Trigger's callbacks left behind.
test('neither the webhook secret nor the signing secret is in PostgreSQL, Redis, or any output or file of the fleet', () => {
	const checks = (deployment as QueueDeployment).secretChecks();
	expect(checks.filter((check) => check.leaked)).toEqual([]);
	const stores = checks.filter((check) => /^(PostgreSQL|Redis) \(/.test(check.place));
	expect(stores.map(({ place, marker }) => ({ place, marker }))).toEqual(
		stores.map(({ place }) => ({ place, marker: true })),
	);
});
