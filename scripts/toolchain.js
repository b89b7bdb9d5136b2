'use strict';
/**
 * Provisions what the project's commands need, on any Node >= 18, with no dependencies:
 * - Node 24 (n8n 2.x needs it): taken from the npm registry's `node-<platform>-<arch>`
 *   package, which ships the binary, and cached outside the repo;
 * - node_modules, installed with that Node when missing or older than package-lock.json.
 * Everything else (build, tests, demo, bench, n8n) then runs under that Node.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const NODE_VERSION = '24.21.0';
const ROOT = path.resolve(__dirname, '..');
const CACHE_DIR = path.join(
	process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'),
	'n8n-nodes-1flow',
);

function log(message) {
	process.stderr.write(`[1flow] ${message}\n`);
}

function run(command, args, options = {}) {
	const result = spawnSync(command, args, { stdio: 'inherit', ...options });
	if (result.error) throw result.error;
	if (result.status !== 0) {
		const error = new Error(
			`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}`,
		);
		error.exitCode = result.status ?? 1;
		throw error;
	}
	return result;
}

function majorOf(version) {
	return Number(version.replace(/^v/, '').split('.')[0]);
}

/** Returns the bin directory of a Node >= 24: the running one, or a cached copy from the npm registry. */
function ensureNode24() {
	if (majorOf(process.version) >= 24) return path.dirname(process.execPath);
	const home = path.join(CACHE_DIR, `node-v${NODE_VERSION}`);
	const binDir = path.join(home, 'bin');
	if (fs.existsSync(path.join(binDir, 'node'))) return binDir;

	const packageName = `node-${process.platform}-${process.arch}`;
	log(
		`Node ${process.version} is too old for n8n 2.x; fetching Node ${NODE_VERSION} (${packageName}) from the npm registry`,
	);
	fs.mkdirSync(CACHE_DIR, { recursive: true });
	const staging = fs.mkdtempSync(path.join(CACHE_DIR, 'download-'));
	try {
		run('npm', ['pack', '--silent', `${packageName}@${NODE_VERSION}`], {
			cwd: staging,
			stdio: ['ignore', 'ignore', 'inherit'],
		});
		const tarball = fs.readdirSync(staging).find((name) => name.endsWith('.tgz'));
		if (!tarball) throw new Error(`npm pack ${packageName}@${NODE_VERSION} produced no tarball`);
		run('tar', ['xzf', tarball], { cwd: staging });
		fs.rmSync(home, { recursive: true, force: true });
		fs.renameSync(path.join(staging, 'package'), home);
	} finally {
		fs.rmSync(staging, { recursive: true, force: true });
	}
	log(`Node ${NODE_VERSION} cached in ${home}`);
	return binDir;
}

/** An environment whose PATH starts with Node 24, so npm, npx and every `#!/usr/bin/env node` use it. */
function node24Env(extra = {}) {
	const binDir = ensureNode24();
	return {
		...process.env,
		PATH: `${binDir}${path.delimiter}${process.env.PATH}`,
		// node-gyp builds (sqlite3 for n8n) need headers matching the Node that runs them.
		npm_config_nodedir: path.dirname(binDir),
		// Where the project's TypeScript tasks keep what they install (n8n): testkit/n8n reads it.
		N8N_NODES_1FLOW_CACHE_DIR: CACHE_DIR,
		...extra,
	};
}

function isNewer(file, than) {
	return fs.statSync(file).mtimeMs > fs.statSync(than).mtimeMs;
}

/** Installs devDependencies when node_modules is missing or older than the lock file. */
function ensureDependencies(env = node24Env()) {
	const marker = path.join(ROOT, 'node_modules', '.package-lock.json');
	const lock = path.join(ROOT, 'package-lock.json');
	if (fs.existsSync(marker) && !isNewer(lock, marker)) return;
	log('Installing development dependencies (npm ci)');
	// --ignore-scripts: isolated-vm (pulled by n8n-workflow 2.x) would compile a native addon
	// the engine does not need to run this node; nothing else here has install scripts.
	run('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: ROOT, env });
}

/** Runs a Node script of the project under Node 24 and exits with its status. */
function runNode(args, env = node24Env()) {
	const result = spawnSync(path.join(ensureNode24(), 'node'), args, {
		cwd: ROOT,
		env,
		stdio: 'inherit',
	});
	if (result.error) throw result.error;
	return result.status ?? 1;
}

module.exports = { ROOT, log, run, node24Env, ensureDependencies, runNode };
