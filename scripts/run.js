#!/usr/bin/env node
'use strict';
/**
 * Entry point of every npm script: `node scripts/run.js <task> [args...]`.
 * It runs on the machine's Node (even 20), provisions Node 24 and node_modules first, and
 * then runs the task under Node 24, so a fresh clone needs nothing but `npm test`.
 */
const fs = require('node:fs');
const path = require('node:path');
const { ROOT, log, run, node24Env, ensureDependencies, runNode } = require('./toolchain');

const bin = (name) => path.join(ROOT, 'node_modules', '.bin', name);

function build(env) {
	run(bin('tsc'), ['-p', 'tsconfig.json'], { cwd: ROOT, env });
	run(bin('gulp'), ['--silent', 'build:icons'], { cwd: ROOT, env });
}

function buildDev(env) {
	build(env);
	run(bin('tsc'), ['-p', 'tsconfig.dev.json'], { cwd: ROOT, env });
}

/** One plain closing line that any CI reads: "tests: N passed, N failed". */
function printTestSummary(report) {
	if (!fs.existsSync(report)) return;
	const { numPassedTests, numFailedTests, numPendingTests } = JSON.parse(fs.readFileSync(report, 'utf8'));
	const skipped = numPendingTests ? `, ${numPendingTests} skipped` : '';
	process.stdout.write(`tests: ${numPassedTests} passed, ${numFailedTests} failed${skipped}\n`);
}

const tasks = {
	build(env) {
		build(env);
	},
	lint(env, args) {
		run(bin('eslint'), ['.', ...args], { cwd: ROOT, env });
	},
	test(env, args) {
		buildDev(env);
		const report = path.join(ROOT, '.build', 'jest-results.json');
		fs.rmSync(report, { force: true });
		try {
			run(bin('jest'), ['--json', `--outputFile=${report}`, ...args], { cwd: ROOT, env });
		} finally {
			printTestSummary(report);
		}
	},
	demo(env, args) {
		buildDev(env);
		return runNode([path.join('.build', 'scripts', 'demo.js'), ...args], env);
	},
	bench(env, args) {
		buildDev(env);
		return runNode(['--expose-gc', path.join('.build', 'scripts', 'bench.js'), ...args], env);
	},
};

function main() {
	const [task, ...args] = process.argv.slice(2);
	const handler = tasks[task];
	if (!handler) {
		log(`unknown task "${task ?? ''}"; one of: ${Object.keys(tasks).join(', ')}`);
		return 2;
	}
	const env = node24Env();
	ensureDependencies(env);
	return handler(env, args) ?? 0;
}

try {
	process.exitCode = main();
} catch (error) {
	if (error.exitCode === undefined) log(error.stack || String(error));
	process.exitCode = error.exitCode ?? 1;
}
