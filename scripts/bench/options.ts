/** The benchmark's command line: which scenarios, at which sizes, where the results go. */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { TRIGGER_ROWS, type LoadSizes } from './callback-row';
import type { Placement } from './emulator';

interface Sizes {
	throughput: number;
	/** Deletes per client and concurrency over TLS (the keepalive scenario). */
	keepalive: number;
	overhead: number;
	scale: number[];
	ratelimit: number;
	placement: number;
	profile: number;
	/** Queue mode: executions fired at once (one burst per entry), deletes per execution. */
	queue: { executions: number[]; perExecution: number };
	/** The Trigger scenario's load; memoryFill: accepted callbacks before the "memory at its cap" row. */
	trigger: LoadSizes & { memoryFill: number };
	repeat: number;
	/** Deletes per client (and through the node) before anything is measured, for the JIT. */
	warmup: number;
}

const FULL_SIZES: Sizes = {
	throughput: 1000,
	keepalive: 1000,
	overhead: 2000,
	scale: [10_000, 100_000],
	ratelimit: 1000,
	placement: 2000,
	profile: 2000,
	queue: { executions: [6, 10], perExecution: 300 },
	trigger: {
		burst: 100,
		streamPerSecond: 20,
		streamSeconds: 20,
		surge: 2000,
		surgeInFlight: 20,
		memoryFill: 5000,
	},
	repeat: 3,
	warmup: 1000,
};
const QUICK_SIZES: Sizes = {
	throughput: 200,
	keepalive: 200,
	overhead: 500,
	scale: [2000, 5000],
	ratelimit: 300,
	placement: 500,
	profile: 500,
	queue: { executions: [2, 4], perExecution: 100 },
	trigger: {
		burst: 50,
		streamPerSecond: 10,
		streamSeconds: 5,
		surge: 200,
		surgeInFlight: 20,
		memoryFill: 300,
	},
	repeat: 1,
	warmup: 300,
};

export interface Options {
	quick: boolean;
	full: boolean;
	only: string[];
	out: string;
	placement: Placement;
	sizes: Sizes;
	/** Rows of the Trigger scenario, by name (TRIGGER_ROWS). */
	triggerRows: string[];
	/** Built package to load (its package.json "n8n" section names dist/...). */
	packageDir: string;
}

function usage(names: string[]): string {
	return [
		'Usage: npm run bench -- [--quick] [--full] [--only LIST] [--out FILE] [--placement child|in-process] [--repeat N]',
		`  --only        comma-separated scenarios: ${names.join(', ')} (default: all)`,
		'  --quick       small N everywhere, one repetition: a fast sanity run',
		'  --full        run the 100,000-item scale test even when it is estimated to take > 5 minutes',
		'  --out         JSON result file (default bench-results/bench.json)',
		'  --placement   where the emulator runs for all but the placement scenario (default child)',
		'  --repeat      repetitions of the overhead, placement and queue runs (median is reported; default 3, quick 1)',
		'  --package-dir built package to benchmark (default: this repository, its dist/ as built); e.g. a copy built from another commit',
		`  --trigger-rows rows of the trigger scenario: ${Object.keys(TRIGGER_ROWS).join(', ')} (default: all)`,
		'  --memory-fill accepted callbacks sent before the "memory at its cap" row (default 5000, quick 300)',
	].join('\n');
}

/** A comma-separated list of known names; all of them when not given. */
function listOf(
	given: string | undefined,
	known: string[],
	what: string,
	names: string[],
): string[] {
	const list = (given ?? known.join(','))
		.split(',')
		.map((name) => name.trim())
		.filter((name) => name !== '');
	for (const name of list)
		if (!known.includes(name)) throw new Error(`Unknown ${what} "${name}".\n${usage(names)}`);
	return list;
}

/** The command line; undefined after --help. `names`: the scenarios, in the order they run. */
export function readOptions(root: string, names: string[]): Options | undefined {
	const { values } = parseArgs({
		options: {
			quick: { type: 'boolean', default: false },
			full: { type: 'boolean', default: false },
			only: { type: 'string' },
			out: { type: 'string' },
			placement: { type: 'string', default: 'child' },
			repeat: { type: 'string' },
			'package-dir': { type: 'string' },
			'trigger-rows': { type: 'string' },
			'memory-fill': { type: 'string' },
			help: { type: 'boolean', short: 'h', default: false },
		},
	});
	if (values.help) {
		console.log(usage(names));
		return undefined;
	}
	const only = listOf(values.only, names, 'scenario', names);
	if (values.placement !== 'child' && values.placement !== 'in-process') {
		throw new Error(`--placement must be child or in-process, got ${values.placement}`);
	}
	const sizes = { ...(values.quick ? QUICK_SIZES : FULL_SIZES) };
	if (values.repeat !== undefined) {
		const repeat = Number(values.repeat);
		if (!Number.isInteger(repeat) || repeat < 1)
			throw new Error(`--repeat expects a positive integer, got ${values.repeat}`);
		sizes.repeat = repeat;
	}
	if (values['memory-fill'] !== undefined) {
		const fill = Number(values['memory-fill']);
		if (!Number.isInteger(fill) || fill < 1)
			throw new Error(`--memory-fill expects a positive integer, got ${values['memory-fill']}`);
		sizes.trigger = { ...sizes.trigger, memoryFill: fill };
	}
	const triggerRows = listOf(
		values['trigger-rows'],
		Object.keys(TRIGGER_ROWS),
		'trigger row',
		names,
	);
	return {
		quick: values.quick,
		full: values.full,
		only,
		out: resolve(root, values.out ?? join('bench-results', 'bench.json')),
		placement: values.placement,
		sizes,
		triggerRows,
		packageDir: resolve(values['package-dir'] ?? root),
	};
}
