/** Overhead: the node against n8n's request helper alone and plain clients, at 0 ms latency. */
import {
	axiosKeepAlive,
	httpNoKeepAlive,
	n8nHelperDirect,
	sequentialFetch,
	undiciPool,
	type ClientRun,
	type Target,
} from '../clients';
import { measureClient, measureNode, median, type RunMeasurement } from '../measure';
import { connectionsPerRequest, seconds, times, verdict, type Table } from '../table';
import { OVERHEAD_CONCURRENCY, log, type Scenario } from './scenario';

const TARGET_OVERHEAD = 1.5;

type ClientFunction = (target: Target, docIds: string[], concurrency: number) => Promise<ClientRun>;

export const overhead: Scenario = async ({ emulator, options }) => {
	const { sizes } = options;
	const count = sizes.overhead;
	const client = (send: ClientFunction, concurrency: number) => () =>
		measureClient(emulator, count, (target, ids) => send(target, ids, concurrency));
	const kinds = [
		{
			key: 'node',
			label: 'oneFlow node in n8n engine',
			concurrency: OVERHEAD_CONCURRENCY,
			measure: () =>
				measureNode(emulator, {
					count,
					concurrency: OVERHEAD_CONCURRENCY,
					faults: { latencyMs: 0 },
					record: true,
				}),
		},
		{
			key: 'helper',
			label: 'n8n request helper alone (OutboundHttp: axios, fresh agents)',
			concurrency: OVERHEAD_CONCURRENCY,
			measure: client(n8nHelperDirect, OVERHEAD_CONCURRENCY),
		},
		{
			key: 'axiosKeepAlive',
			label: 'axios, one shared keep-alive agent',
			concurrency: OVERHEAD_CONCURRENCY,
			measure: client(axiosKeepAlive, OVERHEAD_CONCURRENCY),
		},
		{
			key: 'noKeepAlive',
			label: 'node:http, agent: false (new TCP conn per request)',
			concurrency: OVERHEAD_CONCURRENCY,
			measure: client(httpNoKeepAlive, OVERHEAD_CONCURRENCY),
		},
		{
			key: 'undici',
			label: 'undici Pool, keep-alive (floor)',
			concurrency: OVERHEAD_CONCURRENCY,
			measure: client(undiciPool, OVERHEAD_CONCURRENCY),
		},
		{
			key: 'fetch',
			label: "sequential fetch (1Flow's example)",
			concurrency: 1,
			measure: client(sequentialFetch, 1),
		},
	];
	const runs = new Map<string, RunMeasurement[]>(kinds.map((kind) => [kind.key, []]));
	for (let repetition = 1; repetition <= sizes.repeat; repetition++) {
		for (const kind of kinds) {
			log(`overhead: ${kind.label}, ${count} deletes at 0 ms (run ${repetition}/${sizes.repeat})`);
			runs.get(kind.key)!.push(await kind.measure());
		}
	}
	const medians = new Map(
		kinds.map((kind) => [kind.key, median(runs.get(kind.key)!, (run) => run.wallMs)]),
	);
	const floor = medians.get('undici')!;
	const floorCpu = median(runs.get('undici')!, (run) => run.cpuMicros).cpuMicros;
	const nodeRatio = medians.get('node')!.wallMs / floor.wallMs;
	const rows = kinds.map((kind) => {
		const run = medians.get(kind.key)!;
		const cpu = median(runs.get(kind.key)!, (r) => r.cpuMicros).cpuMicros;
		const emulatorCpu =
			run.emulator.cpuUserMicros === undefined
				? undefined
				: (run.emulator.cpuUserMicros + (run.emulator.cpuSystemMicros ?? 0)) / count;
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
		headers: [
			'client',
			'conc',
			'wall s',
			'best s',
			'req/s',
			'wall µs/req',
			'client CPU µs/req',
			'emulator CPU µs/req',
			'conn/req',
			'wall vs undici',
			'CPU vs undici',
			'target',
			'result',
		],
		rows: rows.map((row) => [
			row.label,
			row.concurrency,
			seconds(row.run.wallMs),
			seconds(Math.min(...row.allWallMs)),
			Math.round((count / row.run.wallMs) * 1000),
			Math.round((row.run.wallMs * 1000) / count),
			Math.round(row.clientCpuMicrosPerRequest),
			row.emulatorCpuMicrosPerRequest === undefined
				? undefined
				: Math.round(row.emulatorCpuMicrosPerRequest),
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
	return {
		tables: [table],
		data: { count, rows, nodeVsUndici: nodeRatio, pass: nodeRatio <= TARGET_OVERHEAD },
	};
};
