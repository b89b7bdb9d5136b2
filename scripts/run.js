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

/** Compiles into a fresh folder, so that files removed or renamed in the sources leave nothing behind. */
function compile(env, config, outDir) {
	fs.rmSync(path.join(ROOT, outDir), { recursive: true, force: true });
	run(bin('tsc'), ['-p', config], { cwd: ROOT, env });
}

function build(env) {
	compile(env, 'tsconfig.json', 'dist');
	run(bin('gulp'), ['--silent', 'build:icons'], { cwd: ROOT, env });
}

function buildDev(env) {
	build(env);
	compile(env, 'tsconfig.dev.json', '.build');
}

/** Builds everything, then runs the compiled TypeScript script `scripts/<name>.ts` under Node 24. */
function runScript(env, name, args, nodeOptions = []) {
	buildDev(env);
	return runNode([...nodeOptions, path.join('.build', 'scripts', `${name}.js`), ...args], env);
}

/** One plain closing line that any CI reads: "tests: N passed, N failed". */
function printTestSummary(report) {
	if (!fs.existsSync(report)) return;
	const { numPassedTests, numFailedTests, numPendingTests } = JSON.parse(
		fs.readFileSync(report, 'utf8'),
	);
	const skipped = numPendingTests ? `, ${numPendingTests} skipped` : '';
	process.stdout.write(`tests: ${numPassedTests} passed, ${numFailedTests} failed${skipped}\n`);
}

const tasks = {
	build(env) {
		build(env);
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
	lint: (env, args) => runScript(env, 'lint', args),
	'test:n8n': (env, args) => runScript(env, 'test-n8n', args),
	demo: (env, args) => runScript(env, 'demo', args),
	dev: (env, args) => runScript(env, 'dev', args),
	bench: (env, args) => runScript(env, 'bench/main', args, ['--expose-gc']),
	emulator: (env, args) => runScript(env, 'emulator', args),
	'n8n:install': (env, args) => runScript(env, 'n8n-install', args),
	scan: (env, args) => runScript(env, 'scan', args),
	// n8n's release command: in GitHub Actions lint, build and `npm publish` with provenance;
	// elsewhere release-it bumps the version, writes CHANGELOG.md, commits, tags and pushes.
	release(env, args) {
		run(bin('n8n-node'), ['release', ...args], { cwd: ROOT, env });
	},
	'release:dry-run': (env, args) => runScript(env, 'release-dry-run', args),
	// npm's hook before `npm publish`: n8n's CLI refuses a publish that `npm run release` did not start.
	prepublishOnly(env) {
		run(bin('n8n-node'), ['prerelease'], { cwd: ROOT, env });
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
