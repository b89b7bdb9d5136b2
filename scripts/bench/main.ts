/**
 * `npm run bench [-- --quick] [--full] [--only a,b] [--out file] [--placement child|in-process] [--repeat n]`
 *
 * Benchmarks the oneFlow node, run inside n8n-core's real WorkflowExecute (testkit/engine),
 * against the 1Flow emulator on 127.0.0.1, and compares it with plain HTTP clients.
 * Prints tables and writes everything as JSON to bench-results/bench.json (or --out).
 *
 * Scenarios (--only): see ./scenarios. The emulator runs in a child process by default (see
 * the placement scenario for why).
 */
import '../../testkit/engine/env';

import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';

import { REPO_ROOT } from '../../testkit/repo';
import {
	axiosKeepAlive,
	httpNoKeepAlive,
	n8nHelperDirect,
	sequentialFetch,
	undiciPool,
} from './clients';
import { startEmulator } from './emulator';
import { machine } from './machine';
import { measureClient, measureNode, setPackageDir } from './measure';
import { gcIfAvailable } from './memory';
import { readOptions } from './options';
import { SCENARIOS } from './scenarios';
import { log } from './scenarios/scenario';
import { renderTable, type Table } from './table';

async function main(): Promise<number> {
	const root = REPO_ROOT;
	const options = readOptions(root, Object.keys(SCENARIOS));
	if (options === undefined) return 0;
	setPackageDir(options.packageDir);
	const machineInfo = machine(root);
	const header = [
		`n8n-nodes-1flow benchmark${options.quick ? " (--quick: small N, not the targets' sizes)" : ''}`,
		`machine: ${machineInfo.cpus} × ${machineInfo.cpuModel}, ${machineInfo.totalMemoryMb} MB RAM, ${machineInfo.platform}, load average at start ${machineInfo.loadAverageAtStart.join(' ')}`,
		`node ${machineInfo.node}, n8n-core ${machineInfo.n8nCore}, n8n-workflow ${machineInfo.n8nWorkflow}, @n8n/backend-network ${machineInfo.backendNetwork}, axios ${machineInfo.axios}, undici ${machineInfo.undici}`,
		`node under test: ${join(options.packageDir, 'dist')} (loaded by n8n-core's PackageDirectoryLoader)`,
		`emulator: ${options.placement === 'child' ? 'child process (scripts/bench/emulator-process), so its CPU does not share the event loop with the node' : 'in this process (--placement in-process)'}; node runs in n8n-core WorkflowExecute via testkit/engine`,
	];
	if (!machineInfo.gcExposed)
		header.push(
			'warning: gc() not exposed (run with node --expose-gc, as npm run bench does): memory baselines include garbage',
		);
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
		await measureNode(emulator, {
			count: warm,
			concurrency: 10,
			faults: { latencyMs: 0 },
			record: false,
		});
		await measureClient(emulator, warm, (target, ids) => undiciPool(target, ids, 10));
		await measureClient(emulator, warm, (target, ids) => n8nHelperDirect(target, ids, 10));
		await measureClient(emulator, warm, (target, ids) => axiosKeepAlive(target, ids, 10));
		await measureClient(emulator, warm, (target, ids) => httpNoKeepAlive(target, ids, 10));
		await measureClient(emulator, Math.min(warm, 300), (target, ids) =>
			sequentialFetch(target, ids),
		);
		gcIfAvailable();

		for (const name of options.only) {
			const loadBefore = os.loadavg()[0];
			const result = await SCENARIOS[name]({ emulator, options, resultsDir });
			output[name] = result.data;
			for (const table of result.tables) show(table);
			loadAverages[name] = {
				before: Number(loadBefore.toFixed(2)),
				after: Number(os.loadavg()[0].toFixed(2)),
			};
			gcIfAvailable();
		}
	} finally {
		await emulator.stop();
	}

	const uniqueWarnings = [...new Set(warnings)];
	console.log(
		`1-minute load average before/after each scenario (${machineInfo.cpus} CPUs; other work on the machine skews wall times): ${Object.entries(
			loadAverages,
		)
			.map(([name, load]) => `${name} ${load.before}/${load.after}`)
			.join(', ')}\n`,
	);
	if (uniqueWarnings.length > 0)
		console.log(`process warnings during the run:\n  ${uniqueWarnings.join('\n  ')}\n`);
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
