/** Throughput: N deletes under server latency at several concurrencies, against the ideal and raw undici. */
import { undiciPool } from '../clients';
import { measureClient, measureNode } from '../measure';
import { connectionsPerRequest, seconds, times, verdict, type Table } from '../table';
import { log, type Scenario } from './scenario';

const THROUGHPUT_LATENCY_MS = 20;
const THROUGHPUT_CONCURRENCIES = [1, 5, 10, 25];
const TARGET_THROUGHPUT = 1.15;

export const throughput: Scenario = async ({ emulator, options }) => {
	const count = options.sizes.throughput;
	const faults = { latencyMs: THROUGHPUT_LATENCY_MS };
	const rows = [];
	for (const concurrency of THROUGHPUT_CONCURRENCIES) {
		log(
			`throughput: ${count} deletes at ${THROUGHPUT_LATENCY_MS} ms, concurrency ${concurrency} (node, then undici)`,
		);
		const run = await measureNode(emulator, { count, concurrency, faults, record: true });
		const reference = await measureClient(
			emulator,
			count,
			(target, ids) => undiciPool(target, ids, concurrency),
			faults,
		);
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
		headers: [
			'concurrency',
			'wall s',
			'ideal s',
			'ratio',
			'request span s',
			'span ratio',
			'node CPU µs/req',
			'CPU busy',
			'max in flight',
			'conn/req',
			'failed',
			'undici ratio',
			'node / undici',
			'target',
			'result',
		],
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
			'wall = runNode() call (engine + node); request span = first request in to last answer out, as the emulator saw it.',
			'node CPU = CPU of the benchmark process per request (engine + node + n8n request helper); CPU busy = that CPU / wall: near 100% the single event loop is the bottleneck.',
			"undici ratio = raw undici keep-alive Pool at the same concurrency against the same emulator: what the emulator's timers allow.",
		],
	};
	return { tables: [table], data: rows };
};
