/**
 * Several executions sharing one 1Flow rate limit, in one process: each paces itself on
 * 429s (transport/pacer), so together they settle on the limit instead of fighting over it,
 * and no item fails for it.
 */
import type { OneFlowEmulator } from '../../testkit/emulator';
import { SECRET, WEBHOOK_ID, emulatorsPerTest, runOneFlow } from '../support/one-flow-node';

const startEmulator = emulatorsPerTest();

function docIdsOf(run: number, count: number): string[] {
	return Array.from({ length: count }, (_, index) => `doc_r${run}_${index}`);
}

async function deleteAll(
	emulator: OneFlowEmulator,
	run: number,
	count: number,
	options: Record<string, unknown> = {},
) {
	const items = docIdsOf(run, count).map((docId) => ({ docId }));
	return await runOneFlow(emulator, items, {
		options: { concurrency: 10, ...options },
		onError: 'continueErrorOutput',
	});
}

/** Most requests the emulator received within any one second. */
function busiestSecond(emulator: OneFlowEmulator): number {
	const times = emulator.requests.map((request) => request.startedAt).sort((a, b) => a - b);
	let most = 0;
	for (let first = 0, last = 0; last < times.length; last++) {
		while (times[last] - times[first] >= 1000) first++;
		most = Math.max(most, last - first + 1);
	}
	return most;
}

describe('sharing a rate limit', () => {
	test('4 executions at once against 100 requests/s: every document deleted once, none failed, few 429s', async () => {
		const runs = 4;
		const perRun = 150;
		const documents = Array.from({ length: runs }, (_, run) => docIdsOf(run, perRun)).flat();
		const emulator = await startEmulator({
			webhooks: [{ id: WEBHOOK_ID, secret: SECRET, documents }],
			faults: { rateLimitPerSecond: 100, latencyMs: 20 },
		});

		const results = await Promise.all(
			Array.from({ length: runs }, async (_, run) => await deleteAll(emulator, run, perRun)),
		);

		for (const result of results) {
			expect(result.errorOutput).toEqual([]);
			expect(result.main.map((item) => item.json.deleted)).toEqual(new Array(perRun).fill(true));
		}
		expect(documents.filter((docId) => emulator.deleteCount(docId) !== 1)).toEqual([]);
		const limited = emulator.requests.filter((request) => request.status === 429).length;
		const share = limited / emulator.requests.length;
		console.log(
			`shared limit: ${emulator.requests.length} requests, ${limited} answered 429 (${(share * 100).toFixed(1)} %)`,
		);
		// Unpaced, these runs had about 40 % of their requests refused.
		expect(share).toBeLessThan(0.25);
	});

	test('Max Requests per Second caps one execution', async () => {
		const documents = docIdsOf(0, 120);
		const emulator = await startEmulator({
			webhooks: [{ id: WEBHOOK_ID, secret: SECRET, documents }],
		});

		const result = await deleteAll(emulator, 0, 120, { maxRequestsPerSecond: 40 });

		expect(result.errorOutput).toEqual([]);
		expect(emulator.requests.every((request) => request.status === 200)).toBe(true);
		// The bucket allows a burst of a tenth of a second on top of the rate.
		expect(busiestSecond(emulator)).toBeLessThanOrEqual(45);
	});

	test('without a 429 nothing is paced', async () => {
		const documents = docIdsOf(0, 200);
		const emulator = await startEmulator({
			webhooks: [{ id: WEBHOOK_ID, secret: SECRET, documents }],
			faults: { latencyMs: 50 },
		});

		const result = await deleteAll(emulator, 0, 200, { concurrency: 20 });

		expect(result.errorOutput).toEqual([]);
		expect(emulator.maxInFlight).toBe(20);
	});
});
