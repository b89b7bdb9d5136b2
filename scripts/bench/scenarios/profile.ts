/** Profile: where the node's CPU goes, by category, under selected functions (../probes) and at the top. */
import { join } from 'node:path';

import { HarnessCredentialsHelper } from '../../../testkit/engine';
import { profile as cpuProfile, summarise, type ProfileSummary } from '../cpu-profile';
import { measureNode, type RunMeasurement } from '../measure';
import { PROBES } from '../probes';
import { connectionsPerRequest, fixed, seconds, type Table } from '../table';
import { OVERHEAD_CONCURRENCY, log, type Scenario } from './scenario';

/** Counts the calls of a method on a prototype until restore(). */
function countCalls(target: object, method: string): { calls: () => number; restore: () => void } {
	const holder = target as Record<string, unknown>;
	const original = holder[method] as (...args: unknown[]) => unknown;
	let calls = 0;
	holder[method] = function (this: unknown, ...args: unknown[]) {
		calls++;
		return original.apply(this, args);
	};
	return { calls: () => calls, restore: () => (holder[method] = original) };
}

export const profile: Scenario = async ({ emulator, options, resultsDir }) => {
	const count = options.sizes.profile;
	log(
		`profile: CPU profile of the node, ${count} deletes at 0 ms, concurrency ${OVERHEAD_CONCURRENCY}`,
	);
	const file = join(resultsDir, `node-${count}.cpuprofile`);
	const decrypted = countCalls(HarnessCredentialsHelper.prototype, 'getDecrypted');
	const authenticated = countCalls(HarnessCredentialsHelper.prototype, 'authenticate');
	let run: RunMeasurement;
	let summary: ProfileSummary;
	try {
		const profiled = await cpuProfile(file, () =>
			measureNode(emulator, {
				count,
				concurrency: OVERHEAD_CONCURRENCY,
				faults: { latencyMs: 0 },
				record: true,
			}),
		);
		run = profiled.result;
		summary = summarise(file, profiled.profile, PROBES);
	} finally {
		decrypted.restore();
		authenticated.restore();
	}
	const requests = run.emulator.requests;
	const perReq = (ms: number) => Math.round((ms * 1000) / requests);
	const tables: Table[] = [
		{
			title: `6. Profile: where the node's CPU goes (${count} deletes, concurrency ${OVERHEAD_CONCURRENCY}, wall ${seconds(run.wallMs)} s; busy ${summary.busyMs} ms, idle ${summary.idleMs} ms; ${requests} requests)`,
			headers: ['category (self time)', 'ms', 'share of busy', 'µs/request'],
			rows: summary.categories
				.slice(0, 18)
				.map((category) => [
					category.name,
					category.selfMs.toFixed(0),
					`${(category.share * 100).toFixed(1)}%`,
					perReq(category.selfMs),
				]),
			notes: [
				`getDecrypted calls: ${decrypted.calls()} (${fixed(decrypted.calls() / requests)} per request); credentialsHelper.authenticate calls: ${authenticated.calls()}; TCP connections per request: ${connectionsPerRequest(run)}`,
				`CPU profile: ${file} (open in Chrome DevTools → Performance, or speedscope)`,
			],
		},
		{
			title:
				'6b. Inclusive time under selected functions (synchronous stacks only: time after an await is not attributed to the caller)',
			headers: ['function', 'ms', 'µs/request'],
			rows: summary.probes
				.filter((probe) => probe.inclusiveMs > 0)
				.map((probe) => [probe.name, probe.inclusiveMs.toFixed(0), perReq(probe.inclusiveMs)]),
		},
		{
			title: '6c. Top functions by self time',
			headers: ['function', 'where', 'category', 'self ms'],
			rows: summary.topFunctions.map((entry) => [
				entry.name,
				entry.where,
				entry.category,
				entry.selfMs.toFixed(1),
			]),
		},
	];
	return {
		tables,
		data: {
			count,
			run,
			summary,
			getDecryptedCalls: decrypted.calls(),
			authenticateCalls: authenticated.calls(),
		},
	};
};
