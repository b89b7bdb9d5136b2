#!/usr/bin/env node
'use strict';
/**
 * `npm run test:n8n [-- --n8n 2|1|all] [--keep]`: the end-to-end suite in a real n8n.
 *
 * Builds the package, packs it (`npm pack`), installs the pinned n8n on first use
 * (scripts/n8n-app.js, outside the repo), installs the tarball into a fresh n8n user folder
 * as a community package, and runs test/e2e/suite.js against the 1Flow emulator.
 * Prints `N passed, N failed` last; exits non-zero when anything failed.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { ROOT, log, run, node24Env, ensureDependencies, runNode } = require('./toolchain');

function parseArgs(argv) {
	const options = { majors: [2], keep: false };
	for (let i = 0; i < argv.length; i++) {
		const [flag, inline] = argv[i].includes('=') ? argv[i].split(/=(.*)/s) : [argv[i], undefined];
		const value = () => (inline !== undefined ? inline : argv[++i]);
		if (flag === '--n8n') {
			const which = String(value());
			if (which === 'all') options.majors = [2, 1];
			else if (which === '1' || which === '2') options.majors = [Number(which)];
			else throw new Error(`--n8n expects 2, 1 or all (got ${which})`);
		} else if (flag === '--keep') {
			options.keep = true;
		} else {
			throw new Error(`unknown argument ${argv[i]} (use --n8n 2|1|all, --keep)`);
		}
	}
	return options;
}

function seconds(ms) {
	return `${(ms / 1000).toFixed(1)} s`;
}

async function main() {
	const options = parseArgs(process.argv.slice(2));
	const env = node24Env();
	ensureDependencies(env);
	const started = Date.now();

	log('Building the package (node scripts/run.js build) and the emulator (tsc -p tsconfig.dev.json)');
	run(process.execPath, [path.join(ROOT, 'scripts', 'run.js'), 'build'], { cwd: ROOT, env });
	const tsc = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.dev.json'], { cwd: ROOT, env, stdio: 'inherit' });
	if (tsc.status !== 0) throw new Error('tsc -p tsconfig.dev.json failed');

	const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-nodes-1flow-e2e-'));
	const pack = spawnSync('npm', ['pack', '--silent', '--pack-destination', workDir], { cwd: ROOT, env, encoding: 'utf8' });
	if (pack.status !== 0) throw new Error(`npm pack failed:\n${pack.stderr}`);
	const tarball = path.join(workDir, pack.stdout.trim().split('\n').pop());
	log(`Packed ${path.basename(tarball)} (${Math.round(fs.statSync(tarball).size / 1024)} KiB)`);

	const { ensureN8n } = require('./n8n-app');
	const { runSuite } = require('../test/e2e/suite');
	let passed = 0;
	let failed = 0;
	let skipped = 0;
	const timings = [];
	for (const major of options.majors) {
		const installStarted = Date.now();
		let app;
		try {
			app = ensureN8n(major);
		} catch (error) {
			log(`n8n ${major}.x could not be installed: ${error.message}`);
			process.stdout.write(`✗ [n8n ${major}.x] install n8n\n`);
			failed += 1;
			continue;
		}
		const installMs = Date.now() - installStarted;
		log(`n8n ${app.version} (${app.dir}) under Node from ${app.nodeBinDir}${installMs > 5000 ? `, installed in ${seconds(installMs)}` : ''}`);
		const suiteStarted = Date.now();
		const summary = await runSuite({ major, tarball, workDir });
		const suiteMs = Date.now() - suiteStarted;
		timings.push(`n8n ${app.version}: ${summary.passed} passed, ${summary.failed} failed in ${seconds(suiteMs)}`);
		passed += summary.passed;
		failed += summary.failed;
		skipped += summary.skipped;
	}

	if (options.keep || failed > 0) log(`Work folder kept for inspection: ${workDir}`);
	else fs.rmSync(workDir, { recursive: true, force: true });
	for (const line of timings) log(line);
	log(`total ${seconds(Date.now() - started)}`);
	process.stdout.write(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
	return failed > 0 ? 1 : 0;
}

if (Number(process.versions.node.split('.')[0]) < 24) {
	// node:sqlite and n8n 2.x need Node 24: run this script again under it.
	process.exitCode = runNode([__filename, ...process.argv.slice(2)]);
} else {
	main().then(
		(code) => {
			process.exitCode = code;
		},
		(error) => {
			log(error.stack || String(error));
			process.stdout.write('0 passed, 1 failed\n');
			process.exitCode = 1;
		},
	);
}
