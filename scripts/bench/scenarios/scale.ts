/** Scale: 10,000 and 100,000 deletes (fewer with --quick) in fresh processes: time, memory, bounded in-flight. */
import { measureNodeInFreshProcess, type RunMeasurement } from '../measure';
import { connectionsPerRequest, fixed, mb, seconds, verdict, type Table } from '../table';
import { log, type Scenario } from './scenario';

const SCALE_CONCURRENCY = 10;
/** Longest 100k run made without --full. */
const FULL_SCALE_BUDGET_MS = 5 * 60 * 1000;
/** Per-item memory growth at the largest N may exceed the smallest N's by this factor. */
const LINEAR_TOLERANCE = 1.5;

export const scale: Scenario = async ({ emulator, options }) => {
	const [first, wanted] = options.sizes.scale;
	const record = emulator.placement === 'child';
	const results: Array<{ count: number; run: RunMeasurement }> = [];
	const notes: string[] = [];
	const warmup = options.sizes.warmup;
	const runScale = async (count: number) => {
		log(
			`scale: ${count} deletes at 0 ms, concurrency ${SCALE_CONCURRENCY}, in a fresh process (after ${warmup} warm-up deletes)`,
		);
		const run = await measureNodeInFreshProcess(emulator, {
			count,
			warmup,
			concurrency: SCALE_CONCURRENCY,
			record,
		});
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

	const growth = (run: RunMeasurement) =>
		run.memory ? run.memory.peakRss - run.memory.baselineRss : 0;
	const perItem = results.map(({ count, run }) => growth(run) / count);
	const linearFactor = perItem[perItem.length - 1] / perItem[0];
	const linear = linearFactor <= LINEAR_TOLERANCE;
	const bounded = results.every(({ run }) => run.emulator.maxInFlight <= SCALE_CONCURRENCY);
	const allOk = results.every(({ run }) => run.failed === 0 && run.ok === run.count);
	const maxInFlight = results.map(({ run }) => run.emulator.maxInFlight);
	const [small, large] = [results[0], results[results.length - 1]];
	const marginal = (growth(large.run) - growth(small.run)) / (large.count - small.count);
	const leaked = results.map(
		({ run }) => (run.memory?.afterGcHeapUsed ?? 0) - (run.memory?.baselineHeapUsed ?? 0),
	);
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
		headers: [
			'items',
			'wall s',
			'µs/item',
			'items/s',
			'base RSS MB',
			'peak RSS MB',
			'growth MB',
			'B/item',
			'base heap MB',
			'peak heap MB',
			'heap after gc MB',
			'max in flight',
			'conn/req',
			'deleted',
			'failed',
		],
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
		tables: [table],
		data: {
			results,
			perItemGrowthBytes: perItem,
			marginalGrowthBytes: marginal,
			retainedHeapBytes: leaked,
			linearFactor,
			linear,
			bounded,
			allOk,
			ranSecond: second,
		},
	};
};
