/** Emulator placement: node and undici with the emulator in a child process and in this process. */
import { undiciPool } from '../clients';
import { startEmulator } from '../emulator';
import { measureClient, measureNode, median, type RunMeasurement } from '../measure';
import { seconds, times, type Table } from '../table';
import { OVERHEAD_CONCURRENCY, log, type Scenario } from './scenario';

export const placement: Scenario = async ({ emulator: main, options }) => {
	const { sizes } = options;
	const count = sizes.placement;
	const rows = [];
	for (const where of ['child', 'in-process'] as const) {
		const emulator = main.placement === where ? main : await startEmulator(where);
		try {
			const nodeRuns: RunMeasurement[] = [];
			const undiciRuns: RunMeasurement[] = [];
			for (let repetition = 1; repetition <= sizes.repeat; repetition++) {
				log(
					`placement: emulator ${where}, node and undici, ${count} deletes (run ${repetition}/${sizes.repeat})`,
				);
				nodeRuns.push(
					await measureNode(emulator, {
						count,
						concurrency: OVERHEAD_CONCURRENCY,
						faults: { latencyMs: 0 },
						record: true,
					}),
				);
				undiciRuns.push(
					await measureClient(emulator, count, (target, ids) =>
						undiciPool(target, ids, OVERHEAD_CONCURRENCY),
					),
				);
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
		headers: [
			'emulator',
			'node wall s',
			'undici wall s',
			'node / undici',
			'bench-process CPU µs/req node',
			'bench-process CPU µs/req undici',
			'emulator CPU µs/req (node run)',
		],
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
			"In process, the emulator shares the event loop: its CPU per request is added to both clients and a fast client is slowed the most, which hides the node's relative overhead.",
		],
	};
	return { tables: [table], data: { count, rows } };
};
