/**
 * `npm run bench [-- --quick] [--full] [--only a,b] [--out file] [--placement child|in-process] [--repeat n]`
 *
 * Benchmarks the oneFlow node, run inside n8n-core's real WorkflowExecute (testkit/engine),
 * against the repository's 1Flow emulator on 127.0.0.1, and compares it with plain HTTP clients.
 * Prints tables and writes everything as JSON to bench-results/bench.json (or --out).
 *
 * Scenarios (--only): throughput, overhead, scale, ratelimit, placement, profile.
 * The emulator runs in a child process by default (see the placement scenario for why).
 */

import '../testkit/engine/env';

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { HarnessCredentialsHelper } from '../testkit/engine';
import { REPO_ROOT } from '../testkit/repo';
import { axiosKeepAlive, httpNoKeepAlive, n8nHelperDirect, sequentialFetch, undiciPool } from './bench/clients';
import { startEmulator, type EmulatorHandle, type Placement } from './bench/emulator';
import { gcIfAvailable, median, runClient, runNode, runNodeInFreshProcess, setPackageDir, type RunMeasurement } from './bench/measure';
import { profile, summarise, type Probe, type ProfileSummary } from './bench/profile';
import { fixed, mb, renderTable, seconds, times, type Table } from './bench/table';

const SCENARIOS = ['throughput', 'overhead', 'scale', 'ratelimit', 'placement', 'profile'] as const;
type Scenario = (typeof SCENARIOS)[number];

const THROUGHPUT_LATENCY_MS = 20;
const THROUGHPUT_CONCURRENCIES = [1, 5, 10, 25];
const OVERHEAD_CONCURRENCY = 10;
const SCALE_CONCURRENCY = 10;
const RATE_PER_SECOND = 100;
/** Longest 100k run made without --full. */
const FULL_SCALE_BUDGET_MS = 5 * 60 * 1000;

const TARGET_THROUGHPUT = 1.15;
const TARGET_OVERHEAD = 1.5;
const TARGET_RATE = 1.2;
/** Per-item memory growth at the largest N may exceed the smallest N's by this factor. */
const LINEAR_TOLERANCE = 1.5;

interface Sizes {
	throughput: number;
	overhead: number;
	scale: number[];
	ratelimit: number;
	placement: number;
	profile: number;
	repeat: number;
	/** Deletes per client (and through the node) before anything is measured, for the JIT. */
	warmup: number;
}

const FULL_SIZES: Sizes = {
	throughput: 1000,
	overhead: 2000,
	scale: [10_000, 100_000],
	ratelimit: 1000,
	placement: 2000,
	profile: 2000,
	repeat: 3,
	warmup: 1000,
};
const QUICK_SIZES: Sizes = {
	throughput: 200,
	overhead: 500,
	scale: [2000, 5000],
	ratelimit: 300,
	placement: 500,
	profile: 500,
	repeat: 1,
	warmup: 300,
};

interface Options {
	quick: boolean;
	full: boolean;
	only: Scenario[];
	out: string;
	placement: Placement;
	sizes: Sizes;
	/** Built package to load (its package.json "n8n" section names dist/...). */
	packageDir: string;
}

function usage(): string {
	return [
		'Usage: npm run bench -- [--quick] [--full] [--only LIST] [--out FILE] [--placement child|in-process] [--repeat N]',
		`  --only        comma-separated scenarios: ${SCENARIOS.join(', ')} (default: all)`,
		'  --quick       small N everywhere, one repetition: a fast sanity run',
		'  --full        run the 100,000-item scale test even when it is estimated to take > 5 minutes',
		'  --out         JSON result file (default bench-results/bench.json)',
		'  --placement   where the emulator runs for all but the placement scenario (default child)',
		'  --repeat      repetitions of the overhead and placement runs (median is reported; default 3, quick 1)',
		'  --package-dir built package to benchmark (default: this repository, its dist/ as built); e.g. a copy built from another commit',
	].join('\n');
}

function readOptions(root: string): Options | undefined {
	const { values } = parseArgs({
		options: {
			quick: { type: 'boolean', default: false },
			full: { type: 'boolean', default: false },
			only: { type: 'string' },
			out: { type: 'string' },
			placement: { type: 'string', default: 'child' },
			repeat: { type: 'string' },
			'package-dir': { type: 'string' },
			help: { type: 'boolean', short: 'h', default: false },
		},
	});
	if (values.help) {
		console.log(usage());
		return undefined;
	}
	const only = (values.only ?? SCENARIOS.join(','))
		.split(',')
		.map((name) => name.trim())
		.filter((name) => name !== '');
	for (const name of only) {
		if (!(SCENARIOS as readonly string[]).includes(name)) throw new Error(`Unknown scenario "${name}".\n${usage()}`);
	}
	if (values.placement !== 'child' && values.placement !== 'in-process') {
		throw new Error(`--placement must be child or in-process, got ${values.placement}`);
	}
	const sizes = { ...(values.quick ? QUICK_SIZES : FULL_SIZES) };
	if (values.repeat !== undefined) {
		const repeat = Number(values.repeat);
		if (!Number.isInteger(repeat) || repeat < 1) throw new Error(`--repeat expects a positive integer, got ${values.repeat}`);
		sizes.repeat = repeat;
	}
	return {
		quick: values.quick,
		full: values.full,
		only: only as Scenario[],
		out: resolve(root, values.out ?? join('bench-results', 'bench.json')),
		placement: values.placement,
		sizes,
		packageDir: resolve(values['package-dir'] ?? root),
	};
}

function packageVersion(root: string, name: string): string {
	try {
		return (JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
	} catch {
		return 'unknown';
	}
}

function machine(root: string) {
	const cpus = os.cpus();
	return {
		cpus: cpus.length,
		cpuModel: cpus[0]?.model ?? 'unknown',
		totalMemoryMb: Math.round(os.totalmem() / 1024 / 1024),
		platform: `${os.platform()} ${os.release()} ${os.arch()}`,
		node: process.version,
		n8nCore: packageVersion(root, 'n8n-core'),
		n8nWorkflow: packageVersion(root, 'n8n-workflow'),
		backendNetwork: packageVersion(root, '@n8n/backend-network'),
		axios: packageVersion(root, 'axios'),
		undici: packageVersion(root, 'undici'),
		loadAverageAtStart: os.loadavg().map((value) => Number(value.toFixed(2))),
		gcExposed: typeof (globalThis as { gc?: unknown }).gc === 'function',
	};
}

const connectionsPerRequest = (run: RunMeasurement) =>
	run.emulator.requests > 0 ? fixed(run.emulator.connections / run.emulator.requests, 2) : undefined;
const verdict = (ok: boolean | undefined) => (ok === undefined ? 'n/a' : ok ? 'PASS' : 'FAIL');
const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

// ---------------------------------------------------------------------------------------- scenarios

async function throughput(emulator: EmulatorHandle, sizes: Sizes) {
	const count = sizes.throughput;
	const faults = { latencyMs: THROUGHPUT_LATENCY_MS };
	const rows = [];
	for (const concurrency of THROUGHPUT_CONCURRENCIES) {
		log(`throughput: ${count} deletes at ${THROUGHPUT_LATENCY_MS} ms, concurrency ${concurrency} (node, then undici)`);
		const run = await runNode(emulator, { count, concurrency, faults, record: true });
		const reference = await runClient(emulator, count, (target, ids) => undiciPool(target, ids, concurrency), faults);
		const idealMs = (count * THROUGHPUT_LATENCY_MS) / concurrency;
		const ratio = run.wallMs / idealMs;
		const targeted = concurrency >= 5;
		rows.push({
			concurrency,
			idealMs,
			ratio,
			undiciRatio: reference.wallMs / idealMs,
			pass: targeted ? ratio <= TARGET_THROUGHPUT && run.failed === 0 : undefined,
			run,
			reference,
		});
	}
	const table: Table = {
		title: `1. Throughput: ${count} deletes, emulator latency ${THROUGHPUT_LATENCY_MS} ms (ideal = N × latency / concurrency)`,
		headers: ['concurrency', 'wall s', 'ideal s', 'ratio', 'request span s', 'span ratio', 'node CPU µs/req', 'CPU busy', 'max in flight', 'conn/req', 'failed', 'undici ratio', 'node / undici', 'target', 'result'],
		rows: rows.map(({ concurrency, idealMs, ratio, undiciRatio, pass, run, reference }) => [
			concurrency,
			seconds(run.wallMs),
			seconds(idealMs),
			times(ratio),
			seconds(run.requestSpanMs),
			times(run.requestSpanMs === undefined ? undefined : run.requestSpanMs / idealMs),
			Math.round(run.cpuMicros / count),
			`${Math.round((run.cpuMicros / 1000 / run.wallMs) * 100)}%`,
			run.emulator.maxInFlight,
			connectionsPerRequest(run),
			run.failed,
			times(undiciRatio),
			times(run.wallMs / reference.wallMs),
			concurrency >= 5 ? `≤ ${TARGET_THROUGHPUT}×` : '—',
			verdict(pass),
		]),
		notes: [
			'wall = runOneFlowNode() call (engine + node); request span = first request in to last answer out, as the emulator saw it.',
			'node CPU = CPU of the benchmark process per request (engine + node + n8n request helper); CPU busy = that CPU / wall: near 100% the single event loop is the bottleneck.',
			'undici ratio = raw undici keep-alive Pool at the same concurrency against the same emulator: what the emulator\'s timers allow.',
		],
	};
	return { table, data: rows };
}

async function overhead(emulator: EmulatorHandle, sizes: Sizes) {
	const count = sizes.overhead;
	const kinds = [
		{ key: 'node', label: 'oneFlow node in n8n engine', concurrency: OVERHEAD_CONCURRENCY },
		{ key: 'helper', label: "n8n request helper alone (OutboundHttp: axios, fresh agents)", concurrency: OVERHEAD_CONCURRENCY },
		{ key: 'axiosKeepAlive', label: 'axios, one shared keep-alive agent', concurrency: OVERHEAD_CONCURRENCY },
		{ key: 'noKeepAlive', label: 'node:http, agent: false (new TCP conn per request)', concurrency: OVERHEAD_CONCURRENCY },
		{ key: 'undici', label: 'undici Pool, keep-alive (floor)', concurrency: OVERHEAD_CONCURRENCY },
		{ key: 'fetch', label: "sequential fetch (1Flow's example)", concurrency: 1 },
	] as const;
	const runs = new Map<string, RunMeasurement[]>(kinds.map((kind) => [kind.key, []]));
	for (let repetition = 1; repetition <= sizes.repeat; repetition++) {
		for (const kind of kinds) {
			log(`overhead: ${kind.label}, ${count} deletes at 0 ms (run ${repetition}/${sizes.repeat})`);
			let run: RunMeasurement;
			switch (kind.key) {
				case 'node':
					run = await runNode(emulator, { count, concurrency: kind.concurrency, faults: { latencyMs: 0 }, record: true });
					break;
				case 'helper':
					run = await runClient(emulator, count, (target, ids) => n8nHelperDirect(target, ids, kind.concurrency));
					break;
				case 'axiosKeepAlive':
					run = await runClient(emulator, count, (target, ids) => axiosKeepAlive(target, ids, kind.concurrency));
					break;
				case 'noKeepAlive':
					run = await runClient(emulator, count, (target, ids) => httpNoKeepAlive(target, ids, kind.concurrency));
					break;
				case 'undici':
					run = await runClient(emulator, count, (target, ids) => undiciPool(target, ids, kind.concurrency));
					break;
				case 'fetch':
					run = await runClient(emulator, count, (target, ids) => sequentialFetch(target, ids));
					break;
			}
			runs.get(kind.key)!.push(run);
		}
	}
	const medians = new Map(kinds.map((kind) => [kind.key, median(runs.get(kind.key)!, (run) => run.wallMs)]));
	const floor = medians.get('undici')!;
	const floorCpu = median(runs.get('undici')!, (run) => run.cpuMicros).cpuMicros;
	const nodeRatio = medians.get('node')!.wallMs / floor.wallMs;
	const rows = kinds.map((kind) => {
		const run = medians.get(kind.key)!;
		const cpu = median(runs.get(kind.key)!, (r) => r.cpuMicros).cpuMicros;
		const emulatorCpu =
			run.emulator.cpuUserMicros === undefined ? undefined : (run.emulator.cpuUserMicros + (run.emulator.cpuSystemMicros ?? 0)) / count;
		return {
			kind: kind.key,
			label: kind.label,
			concurrency: kind.concurrency,
			run,
			allWallMs: runs.get(kind.key)!.map((r) => Math.round(r.wallMs)),
			clientCpuMicrosPerRequest: cpu / count,
			emulatorCpuMicrosPerRequest: emulatorCpu,
			wallRatio: run.wallMs / floor.wallMs,
			cpuRatio: cpu / floorCpu,
		};
	});
	const table: Table = {
		title: `2. Overhead: ${count} deletes at 0 ms latency, median of ${sizes.repeat} run(s) (floor = raw undici keep-alive, same concurrency, same emulator)`,
		headers: ['client', 'conc', 'wall s', 'best s', 'req/s', 'wall µs/req', 'client CPU µs/req', 'emulator CPU µs/req', 'conn/req', 'wall vs undici', 'CPU vs undici', 'target', 'result'],
		rows: rows.map((row) => [
			row.label,
			row.concurrency,
			seconds(row.run.wallMs),
			seconds(Math.min(...row.allWallMs)),
			Math.round((count / row.run.wallMs) * 1000),
			Math.round((row.run.wallMs * 1000) / count),
			Math.round(row.clientCpuMicrosPerRequest),
			row.emulatorCpuMicrosPerRequest === undefined ? undefined : Math.round(row.emulatorCpuMicrosPerRequest),
			connectionsPerRequest(row.run),
			times(row.wallRatio),
			times(row.cpuRatio),
			row.kind === 'node' ? `≤ ${TARGET_OVERHEAD}×` : '',
			row.kind === 'node' ? verdict(nodeRatio <= TARGET_OVERHEAD && row.run.failed === 0) : '',
		]),
		notes: [
			'client CPU = user+system CPU of the benchmark process (node + n8n engine, or the plain client); the emulator runs elsewhere when placed in a child.',
			`wall per run (ms): ${rows.map((row) => `${row.kind} ${row.allWallMs.join('/')}`).join('; ')}`,
		],
	};
	return { table, data: { count, rows, nodeVsUndici: nodeRatio, pass: nodeRatio <= TARGET_OVERHEAD } };
}

async function scale(emulator: EmulatorHandle, options: Options) {
	const [first, wanted] = options.sizes.scale;
	const record = emulator.placement === 'child';
	const results: Array<{ count: number; run: RunMeasurement }> = [];
	const notes: string[] = [];
	const warmup = options.sizes.warmup;
	const runScale = async (count: number) => {
		log(`scale: ${count} deletes at 0 ms, concurrency ${SCALE_CONCURRENCY}, in a fresh process (after ${warmup} warm-up deletes)`);
		const run = await runNodeInFreshProcess(emulator, { count, warmup, concurrency: SCALE_CONCURRENCY, record });
		results.push({ count, run });
		return run;
	};
	const firstRun = await runScale(first);
	let second = wanted;
	if (!options.quick) {
		const estimateMs = (firstRun.wallMs * wanted) / first;
		const estimate = `${wanted.toLocaleString('en-US')} items estimated at ${seconds(estimateMs, 0)} s from the ${first.toLocaleString('en-US')}-item run`;
		if (estimateMs > FULL_SCALE_BUDGET_MS && !options.full) {
			second = 30_000;
			notes.push(`${estimate} (> 5 min): ran 30,000 instead. Use --full to run 100,000.`);
		} else {
			notes.push(`${estimate}${options.full ? ' (--full)' : ''}.`);
		}
	}
	await runScale(second);

	const growth = (run: RunMeasurement) => (run.memory ? run.memory.peakRss - run.memory.baselineRss : 0);
	const perItem = results.map(({ count, run }) => growth(run) / count);
	const linearFactor = perItem[perItem.length - 1] / perItem[0];
	const linear = linearFactor <= LINEAR_TOLERANCE;
	const bounded = results.every(({ run }) => run.emulator.maxInFlight <= SCALE_CONCURRENCY);
	const allOk = results.every(({ run }) => run.failed === 0 && run.ok === run.count);
	const maxInFlight = results.map(({ run }) => run.emulator.maxInFlight);
	const [small, large] = [results[0], results[results.length - 1]];
	const marginal = (growth(large.run) - growth(small.run)) / (large.count - small.count);
	const leaked = results.map(({ run }) => (run.memory?.afterGcHeapUsed ?? 0) - (run.memory?.baselineHeapUsed ?? 0));
	notes.push(
		`memory: RSS growth per item ${perItem.map((bytes) => `${Math.round(bytes)} B`).join(' → ')} (factor ${fixed(linearFactor)}; linear if ≤ ${LINEAR_TOLERANCE}): ${verdict(linear)}`,
		`marginal RSS growth between the sizes: ${Math.round(marginal)} B per extra item (input item + output item held by the engine, plus garbage between GCs)`,
		`heap still used after the result was dropped and gc() ran, minus baseline: ${leaked.map((bytes) => `${mb(bytes)} MB`).join(' / ')}`,
		`in flight: max ${maxInFlight.join(' / ')} ≤ concurrency ${SCALE_CONCURRENCY}: ${verdict(bounded)}`,
		`Each size runs in a fresh node --expose-gc process (scripts/bench/scale-worker): ${warmup} warm-up deletes, gc(), baseline, then the run; RSS sampled every 20 ms.`,
		'RSS is that process only (engine + node + items); the emulator is in its own process unless --placement in-process. At 0 ms the client is CPU-bound, so few requests overlap at the server; the throughput table shows in-flight = concurrency under latency.',
	);
	if (!record) notes.push('in-process emulator: request records off for the scale runs.');
	notes.push(`deleted counts include the ${warmup} warm-up documents of each run.`);
	const table: Table = {
		title: `3. Scale: 0 ms latency, concurrency ${SCALE_CONCURRENCY}`,
		headers: ['items', 'wall s', 'µs/item', 'items/s', 'base RSS MB', 'peak RSS MB', 'growth MB', 'B/item', 'base heap MB', 'peak heap MB', 'heap after gc MB', 'max in flight', 'conn/req', 'deleted', 'failed'],
		rows: results.map(({ count, run }) => [
			count,
			seconds(run.wallMs, 1),
			Math.round((run.wallMs * 1000) / count),
			Math.round((count / run.wallMs) * 1000),
			mb(run.memory?.baselineRss),
			mb(run.memory?.peakRss),
			mb(growth(run)),
			Math.round(growth(run) / count),
			mb(run.memory?.baselineHeapUsed),
			mb(run.memory?.peakHeapUsed),
			mb(run.memory?.afterGcHeapUsed),
			run.emulator.maxInFlight,
			connectionsPerRequest(run),
			run.emulator.deleted,
			run.failed,
		]),
		notes,
	};
	return {
		table,
		data: { results, perItemGrowthBytes: perItem, marginalGrowthBytes: marginal, retainedHeapBytes: leaked, linearFactor, linear, bounded, allOk, ranSecond: second },
	};
}

async function rateLimit(emulator: EmulatorHandle, sizes: Sizes) {
	const count = sizes.ratelimit;
	const idealMs = (count / RATE_PER_SECOND) * 1000;
	const rows = [];
	for (const concurrency of [undefined, 10]) {
		log(`ratelimit: ${count} deletes, emulator ${RATE_PER_SECOND}/s with 429 + Retry-After, concurrency ${concurrency ?? 'default (5)'}`);
		const run = await runNode(emulator, { count, concurrency, faults: { rateLimitPerSecond: RATE_PER_SECOND }, record: true });
		const ratio = run.wallMs / idealMs;
		rows.push({ concurrency: concurrency ?? 5, isDefault: concurrency === undefined, run, ratio, pass: run.failed === 0 && ratio <= TARGET_RATE });
	}
	const table: Table = {
		title: `4. Rate limit: ${count} deletes, emulator allows ${RATE_PER_SECOND} requests/s (token bucket, burst ${RATE_PER_SECOND}), 429 with Retry-After (seconds); node maxRetries 3 (default)`,
		headers: ['concurrency', 'wall s', 'N/rate s', 'ratio', 'requests', '429s', 'deleted', 'failed', 'twice', 'target', 'result'],
		rows: rows.map(({ concurrency, isDefault, run, ratio, pass }) => [
			isDefault ? `${concurrency} (default)` : concurrency,
			seconds(run.wallMs),
			seconds(idealMs),
			times(ratio),
			run.emulator.requests,
			run.emulator.statuses?.['429'] ?? 0,
			run.emulator.deleted,
			run.failed,
			run.emulator.deletedTwice,
			`0 failed, ≤ ${TARGET_RATE}×`,
			verdict(pass),
		]),
		notes: [
			`The bucket starts full, so the first ${RATE_PER_SECOND} requests pass at once: the true minimum is (N − ${RATE_PER_SECOND}) / rate = ${seconds(((count - RATE_PER_SECOND) / RATE_PER_SECOND) * 1000)} s.`,
			"The emulator rounds Retry-After up to whole seconds (minimum 1), as HTTP's delta-seconds form requires.",
		],
	};
	return { table, data: { count, idealMs, rows } };
}

async function placement(main: EmulatorHandle, sizes: Sizes) {
	const count = sizes.placement;
	const rows = [];
	for (const where of ['child', 'in-process'] as const) {
		const emulator = main.placement === where ? main : await startEmulator(where);
		try {
			const nodeRuns: RunMeasurement[] = [];
			const undiciRuns: RunMeasurement[] = [];
			for (let repetition = 1; repetition <= sizes.repeat; repetition++) {
				log(`placement: emulator ${where}, node and undici, ${count} deletes (run ${repetition}/${sizes.repeat})`);
				nodeRuns.push(await runNode(emulator, { count, concurrency: OVERHEAD_CONCURRENCY, faults: { latencyMs: 0 }, record: true }));
				undiciRuns.push(await runClient(emulator, count, (target, ids) => undiciPool(target, ids, OVERHEAD_CONCURRENCY)));
			}
			const node = median(nodeRuns, (run) => run.wallMs);
			const undici = median(undiciRuns, (run) => run.wallMs);
			rows.push({ where, node, undici, ratio: node.wallMs / undici.wallMs });
		} finally {
			if (emulator !== main) await emulator.stop();
		}
	}
	const table: Table = {
		title: `5. Emulator placement: node vs undici, ${count} deletes at 0 ms, concurrency ${OVERHEAD_CONCURRENCY}, median of ${sizes.repeat}`,
		headers: ['emulator', 'node wall s', 'undici wall s', 'node / undici', 'bench-process CPU µs/req node', 'bench-process CPU µs/req undici', 'emulator CPU µs/req (node run)'],
		rows: rows.map(({ where, node, undici, ratio }) => [
			where,
			seconds(node.wallMs),
			seconds(undici.wallMs),
			times(ratio),
			Math.round(node.cpuMicros / count),
			Math.round(undici.cpuMicros / count),
			node.emulator.cpuUserMicros === undefined
				? undefined
				: Math.round((node.emulator.cpuUserMicros + (node.emulator.cpuSystemMicros ?? 0)) / count),
		]),
		notes: [
			'In process, the emulator shares the event loop: its CPU per request is added to both clients and a fast client is slowed the most, which hides the node\'s relative overhead.',
		],
	};
	return { table, data: { count, rows } };
}

const PROBES: Probe[] = [
	{ label: 'n8n-core httpRequestWithAuthentication (sync parts)', functionName: 'httpRequestWithAuthentication', urlIncludes: 'request-helpers/authentication' },
	{ label: 'n8n-core _getCredentials (per request)', functionName: '_getCredentials', urlIncludes: 'n8n-core' },
	{ label: 'harness getDecrypted (credential store + defaults)', functionName: 'getDecrypted', urlIncludes: 'credentials-helper' },
	{ label: 'credential authenticate() (dist)', functionName: 'authenticate', urlIncludes: 'dist/credentials' },
	{ label: 'backend-network httpRequest (sync parts)', functionName: 'httpRequest', urlIncludes: 'backend-network/dist/http/axios/request' },
	{ label: 'backend-network convertN8nRequestToAxios', functionName: 'convertN8nRequestToAxios', urlIncludes: 'backend-network' },
	{ label: 'backend-network buildNodeAgents (new agents per request)', functionName: 'buildNodeAgents', urlIncludes: 'backend-network' },
	{ label: 'axios Axios.request / _request', functionName: '_request', urlIncludes: 'axios' },
	{ label: 'axios http adapter', functionName: 'httpAdapter', urlIncludes: 'axios' },
	{ label: 'axios dispatchHttpRequest', functionName: 'dispatchHttpRequest', urlIncludes: 'axios' },
	{ label: 'node ClientRequest constructor', functionName: 'ClientRequest', urlIncludes: 'node:_http_client' },
	{ label: 'node net connect', functionName: 'connect', urlIncludes: 'node:net' },
	{ label: 'n8n-workflow getParameterValue (expressions)', functionName: 'getParameterValue', urlIncludes: 'n8n-workflow' },
	{ label: 'node execute() (dist)', functionName: 'execute', urlIncludes: 'dist/nodes/OneFlow/actions/document/delete.operation' },
	{ label: 'node readDocIds (dist)', functionName: 'readDocIds', urlIncludes: 'dist/nodes' },
	{ label: 'node deleteDocuments/worker (dist)', functionName: 'worker', urlIncludes: 'dist/nodes/OneFlow/helpers/bulk' },
	{ label: 'node postDelete (dist)', functionName: 'postDelete', urlIncludes: 'dist/nodes' },
	{ label: 'node interpretAttempt (dist)', functionName: 'interpretAttempt', urlIncludes: 'dist/nodes' },
];

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

async function profileScenario(emulator: EmulatorHandle, sizes: Sizes, resultsDir: string) {
	const count = sizes.profile;
	log(`profile: CPU profile of the node, ${count} deletes at 0 ms, concurrency ${OVERHEAD_CONCURRENCY}`);
	const file = join(resultsDir, `node-${count}.cpuprofile`);
	const decrypted = countCalls(HarnessCredentialsHelper.prototype, 'getDecrypted');
	const authenticated = countCalls(HarnessCredentialsHelper.prototype, 'authenticate');
	let run: RunMeasurement;
	let summary: ProfileSummary;
	try {
		const profiled = await profile(file, () =>
			runNode(emulator, { count, concurrency: OVERHEAD_CONCURRENCY, faults: { latencyMs: 0 }, record: true }),
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
			rows: summary.categories.slice(0, 18).map((category) => [
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
			title: '6b. Inclusive time under selected functions (synchronous stacks only: time after an await is not attributed to the caller)',
			headers: ['function', 'ms', 'µs/request'],
			rows: summary.probes.filter((probe) => probe.inclusiveMs > 0).map((probe) => [probe.name, probe.inclusiveMs.toFixed(0), perReq(probe.inclusiveMs)]),
		},
		{
			title: '6c. Top functions by self time',
			headers: ['function', 'where', 'category', 'self ms'],
			rows: summary.topFunctions.map((entry) => [entry.name, entry.where, entry.category, entry.selfMs.toFixed(1)]),
		},
	];
	return {
		tables,
		data: { count, run, summary, getDecryptedCalls: decrypted.calls(), authenticateCalls: authenticated.calls() },
	};
}

// ---------------------------------------------------------------------------------------- main

async function main(): Promise<number> {
	const root = REPO_ROOT;
	const options = readOptions(root);
	if (options === undefined) return 0;
	setPackageDir(options.packageDir);
	const machineInfo = machine(root);
	const header = [
		`n8n-nodes-1flow benchmark${options.quick ? ' (--quick: small N, not the targets\' sizes)' : ''}`,
		`machine: ${machineInfo.cpus} × ${machineInfo.cpuModel}, ${machineInfo.totalMemoryMb} MB RAM, ${machineInfo.platform}, load average at start ${machineInfo.loadAverageAtStart.join(' ')}`,
		`node ${machineInfo.node}, n8n-core ${machineInfo.n8nCore}, n8n-workflow ${machineInfo.n8nWorkflow}, @n8n/backend-network ${machineInfo.backendNetwork}, axios ${machineInfo.axios}, undici ${machineInfo.undici}`,
		`node under test: ${join(options.packageDir, 'dist')} (loaded by n8n-core's PackageDirectoryLoader)`,
		`emulator: ${options.placement === 'child' ? 'child process (scripts/bench/emulator-process), so its CPU does not share the event loop with the node' : 'in this process (--placement in-process)'}; node runs in n8n-core WorkflowExecute via testkit/engine`,
	];
	if (!machineInfo.gcExposed) header.push('warning: gc() not exposed (run with node --expose-gc, as npm run bench does): memory baselines include garbage');
	console.log(`${header.join('\n')}\n`);

	const resultsDir = dirname(options.out);
	mkdirSync(resultsDir, { recursive: true });
	const warnings: string[] = [];
	process.on('warning', (warning) => warnings.push(`${warning.name}: ${warning.message}`));

	const emulator = await startEmulator(options.placement);
	const output: Record<string, unknown> = {};
	const loadAverages: Record<string, { before: number; after: number }> = {};
	const rendered: string[] = [];
	const show = (table: Table) => {
		const text = renderTable(table);
		rendered.push(text);
		console.log(`${text}\n`);
	};
	const started = Date.now();
	try {
		const warm = options.sizes.warmup;
		log(`warm-up: ${warm} deletes through the node and through each reference client`);
		await runNode(emulator, { count: warm, concurrency: 10, faults: { latencyMs: 0 }, record: false });
		await runClient(emulator, warm, (target, ids) => undiciPool(target, ids, 10));
		await runClient(emulator, warm, (target, ids) => n8nHelperDirect(target, ids, 10));
		await runClient(emulator, warm, (target, ids) => axiosKeepAlive(target, ids, 10));
		await runClient(emulator, warm, (target, ids) => httpNoKeepAlive(target, ids, 10));
		await runClient(emulator, Math.min(warm, 300), (target, ids) => sequentialFetch(target, ids));
		gcIfAvailable();

		for (const scenario of options.only) {
			const loadBefore = os.loadavg()[0];
			switch (scenario) {
				case 'throughput': {
					const result = await throughput(emulator, options.sizes);
					output.throughput = result.data;
					show(result.table);
					break;
				}
				case 'overhead': {
					const result = await overhead(emulator, options.sizes);
					output.overhead = result.data;
					show(result.table);
					break;
				}
				case 'scale': {
					const result = await scale(emulator, options);
					output.scale = result.data;
					show(result.table);
					break;
				}
				case 'ratelimit': {
					const result = await rateLimit(emulator, options.sizes);
					output.ratelimit = result.data;
					show(result.table);
					break;
				}
				case 'placement': {
					const result = await placement(emulator, options.sizes);
					output.placement = result.data;
					show(result.table);
					break;
				}
				case 'profile': {
					const result = await profileScenario(emulator, options.sizes, resultsDir);
					output.profile = result.data;
					for (const table of result.tables) show(table);
					break;
				}
			}
			loadAverages[scenario] = { before: Number(loadBefore.toFixed(2)), after: Number(os.loadavg()[0].toFixed(2)) };
			gcIfAvailable();
		}
	} finally {
		await emulator.stop();
	}

	const uniqueWarnings = [...new Set(warnings)];
	console.log(
		`1-minute load average before/after each scenario (${machineInfo.cpus} CPUs; other work on the machine skews wall times): ${Object.entries(loadAverages)
			.map(([name, load]) => `${name} ${load.before}/${load.after}`)
			.join(', ')}\n`,
	);
	if (uniqueWarnings.length > 0) console.log(`process warnings during the run:\n  ${uniqueWarnings.join('\n  ')}\n`);
	const document = {
		generatedAt: new Date().toISOString(),
		durationSeconds: Math.round((Date.now() - started) / 1000),
		machine: machineInfo,
		options: {
			quick: options.quick,
			full: options.full,
			only: options.only,
			placement: options.placement,
			sizes: options.sizes,
			packageDir: options.packageDir,
		},
		results: output,
		loadAverages,
		warnings: uniqueWarnings,
		tables: rendered,
	};
	writeFileSync(options.out, `${JSON.stringify(document, null, '\t')}\n`);
	console.log(`results: ${options.out} (${document.durationSeconds} s)`);
	return 0;
}

main().then(
	(code) => process.exit(code),
	(error: unknown) => {
		console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
		process.exit(1);
	},
);
