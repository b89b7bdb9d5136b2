/**
 * `npm run lint`: n8n's own lint of the shipped code, then what this repository checks beside
 * it, with no warning allowed (`-- --max-warnings N` allows N): `n8n-node release` runs it as it
 * is. Every step runs; the exit code is non-zero if any failed.
 *
 * `n8n-node lint` runs ESLint with n8n's default config (eslint.config.mjs, which strict mode
 * requires unchanged) over every .ts file below the folder it runs in, and holds each to the
 * rules for node code, which tests and scripts (timers, `process`, `node:http`) cannot follow.
 * So it runs in a copy of the files the package is built and published from, as n8n's scanner
 * reads a source checkout. Its ESLint exits 0 on warnings: `--max-warnings` is checked here.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, stripVTControlCharacters } from 'node:util';

import { REPO_ROOT } from '../testkit/repo';

/** What `n8n-node lint` sees: the sources of dist/, their icons and the package's manifests. */
const SHIPPED_SOURCE = [
	'package.json',
	'tsconfig.json',
	'eslint.config.mjs',
	'nodes',
	'credentials',
	'icons',
];

const bin = (name: string) => join(REPO_ROOT, 'node_modules', '.bin', name);

function run(command: string, args: string[]): boolean {
	const result = spawnSync(bin(command), args, { cwd: REPO_ROOT, stdio: 'inherit' });
	return result.status === 0;
}

/** The warnings in ESLint's closing line, "✖ 3 problems (1 error, 2 warnings)". */
function warningsIn(output: string): number {
	const summary = /\(\d+ errors?, (\d+) warnings?\)/.exec(stripVTControlCharacters(output));
	return Number(summary?.[1] ?? 0);
}

function n8nNodeLint(maxWarnings: number): boolean {
	const copy = mkdtempSync(join(tmpdir(), 'n8n-node-lint-'));
	try {
		for (const entry of SHIPPED_SOURCE)
			cpSync(join(REPO_ROOT, entry), join(copy, entry), { recursive: true });
		// ESLint does not descend into linked folders, so the sources are copied; node_modules is not linted.
		symlinkSync(join(REPO_ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');
		const result = spawnSync(bin('n8n-node'), ['lint'], { cwd: copy, encoding: 'utf8' });
		// Name the repository's files, not the copy's.
		const output = `${result.stdout}${result.stderr}`.replaceAll(copy, REPO_ROOT);
		process.stdout.write(output);
		const warnings = warningsIn(output);
		if (warnings > maxWarnings) {
			process.stdout.write(
				`n8n-node lint: ${warnings} warning(s), --max-warnings allows ${maxWarnings}\n`,
			);
			return false;
		}
		return result.status === 0;
	} finally {
		rmSync(copy, { recursive: true, force: true });
	}
}

function main(): number {
	const { values } = parseArgs({ options: { 'max-warnings': { type: 'string' } } });
	const maxWarnings = values['max-warnings'] ?? '0';
	const limit = ['--max-warnings', maxWarnings];
	const steps: Array<[string, () => boolean]> = [
		['n8n-node lint (strict mode)', () => n8nNodeLint(Number(maxWarnings))],
		[
			'ESLint: tests, test kit, scripts',
			() => run('eslint', ['--config', 'eslint.dev.config.mjs', ...limit, '.']),
		],
		['prettier', () => run('prettier', ['--check', '--log-level', 'warn', '.'])],
		['knip', () => run('knip', [])],
		['knip --production', () => run('knip', ['--production'])],
	];
	const failed = steps.filter(([, step]) => !step()).map(([name]) => name);
	if (failed.length > 0) process.stderr.write(`[1flow] lint failed: ${failed.join(', ')}\n`);
	return failed.length > 0 ? 1 : 0;
}

process.exitCode = main();
