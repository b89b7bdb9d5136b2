/** The benchmark's command line: which scenarios, at which sizes, where the results go. */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

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
	].join('\n');
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
			help: { type: 'boolean', short: 'h', default: false },
		},
	});
	if (values.help) {
		console.log(usage(names));
		return undefined;
	}
	const only = (values.only ?? names.join(','))
		.split(',')
		.map((name) => name.trim())
		.filter((name) => name !== '');
	for (const name of only) {
		if (!names.includes(name)) throw new Error(`Unknown scenario "${name}".\n${usage(names)}`);
	}
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
	return {
		quick: values.quick,
		full: values.full,
		only,
		out: resolve(root, values.out ?? join('bench-results', 'bench.json')),
		placement: values.placement,
		sizes,
		packageDir: resolve(values['package-dir'] ?? root),
	};
}
