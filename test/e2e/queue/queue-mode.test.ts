/**
 * n8n in queue mode (PostgreSQL, Redis, a main instance and 2 workers running 5 executions
 * each) with the package installed as n8n's installer lays it out: 10 executions at once,
 * 300 deletes each, against a 1Flow limited to 100 requests/s. They share the limit without
 * knowing of each other: every document is deleted once, no item fails, and the secret is
 * stored nowhere.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { burst, describeBurst, type BurstResult } from '../../../testkit/queue-mode/burst';
import { QueueDeployment } from '../../../testkit/queue-mode/deployment';
import { suiteEnvironment } from '../support/suite';

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

test('the executions ran on both workers', () => {
	const { byWorker } = figures();
	expect(byWorker.reduce((sum, count) => sum + count, 0)).toBe(EXECUTIONS);
	expect({
		byWorker,
		everyWorkerRanSome: byWorker.length === WORKERS && byWorker.every((count) => count > 0),
	}).toMatchObject({ everyWorkerRanSome: true });
});

test('the webhook secret is in neither PostgreSQL nor Redis, nor in any output or file of the fleet', () => {
	const checks = (deployment as QueueDeployment).secretChecks();
	expect(checks.filter((check) => check.leaked)).toEqual([]);
	const stores = checks.filter((check) => /^(PostgreSQL|Redis) \(/.test(check.place));
	expect(stores.map(({ place, marker }) => ({ place, marker }))).toEqual(
		stores.map(({ place }) => ({ place, marker: true })),
	);
});
