/**
 * The pinned n8n releases, installed on first use into the project's cache folder (outside
 * the repository) and shared by `npm run dev`, the end-to-end suite and `npm run n8n:install`.
 *
 * Runs under the environment scripts/toolchain.js prepares (scripts/run.js hands every task
 * to Node 24 with it): Node 24 first on PATH, npm_config_nodedir for the sqlite3 build, and
 * the cache folder in N8N_NODES_1FLOW_CACHE_DIR.
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export type N8nMajor = 1 | 2;

/**
 * Pinned versions. 2.41.1 is the 2.x release the project pins and tests: n8n 2.41.3 (npm's
 * "latest" when this was pinned) declares @n8n/agents 0.26.2, a version the npm registry did
 * not list then, so it cannot be installed. 1.123.81 is the newest 1.123.x and runs on Node
 * 20.19-24. Override with N8N_E2E_VERSION_2 / N8N_E2E_VERSION_1.
 */
const PINNED: Record<N8nMajor, string> = {
	2: process.env.N8N_E2E_VERSION_2 || '2.41.1',
	1: process.env.N8N_E2E_VERSION_1 || '1.123.81',
};

/**
 * npm overrides per major line. n8n-nodes-base 1.x declares xlsx as a tarball URL on
 * cdn.sheetjs.com (xlsx 0.20.2) instead of a registry version; the override takes 0.18.5, the
 * newest xlsx on the npm registry, so that installing n8n needs nothing but the registry
 * (xlsx only matters to the Spreadsheet File and Extract From File nodes).
 */
const OVERRIDES: Record<N8nMajor, Record<string, string>> = { 1: { xlsx: '0.18.5' }, 2: {} };

/** Written last by an install, so that a half-finished one is never taken for a finished one (the name existing caches carry). */
const MARKER = '.n8n-app-installed';

export interface N8nApp {
	major: N8nMajor;
	version: string;
	/** n8n's executable script, to run with this process's Node (24). */
	binPath: string;
}

function log(message: string): void {
	process.stderr.write(`[1flow] ${message}\n`);
}

export function cacheDir(): string {
	const dir = process.env.N8N_NODES_1FLOW_CACHE_DIR;
	if (!dir)
		throw new Error(
			'N8N_NODES_1FLOW_CACHE_DIR is not set: run this through scripts/run.js (an npm script)',
		);
	return dir;
}

function run(command: string, args: string[], options: SpawnSyncOptions): void {
	const result = spawnSync(command, args, { stdio: 'inherit', ...options });
	if (result.error) throw result.error;
	if (result.status !== 0)
		throw new Error(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
}

function pidAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/** A lock file holding our pid, so that two commands do not install the same n8n at once. */
function withLock<T>(lockFile: string, work: () => T): T {
	mkdirSync(dirname(lockFile), { recursive: true });
	for (let waited = false; ; waited = true) {
		try {
			writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
			break;
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
			const owner = Number(readFileSync(lockFile, 'utf8').trim());
			if (!owner || !pidAlive(owner)) {
				rmSync(lockFile, { force: true });
				continue;
			}
			if (!waited) log(`waiting for process ${owner}, which is installing n8n (${lockFile})`);
			Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2000);
		}
	}
	try {
		return work();
	} finally {
		rmSync(lockFile, { force: true });
	}
}

function installDir(version: string): string {
	return join(cacheDir(), `n8n-${version}`);
}

export function isN8nInstalled(major: N8nMajor): boolean {
	const dir = installDir(PINNED[major]);
	return (
		existsSync(join(dir, MARKER)) && existsSync(join(dir, 'node_modules', 'n8n', 'bin', 'n8n'))
	);
}

function install(major: N8nMajor, version: string, dir: string): void {
	const env = {
		...process.env,
		npm_config_update_notifier: 'false',
		npm_config_fund: 'false',
		npm_config_audit: 'false',
	};
	const staging = `${dir}.partial`;
	const started = Date.now();
	log(
		`Installing n8n ${version} into ${dir} (first use only: about 8 minutes on 2 cores, 3 GB plus 0.8 GB of npm cache)`,
	);
	rmSync(staging, { recursive: true, force: true });
	mkdirSync(staging, { recursive: true });
	const manifest = {
		name: `n8n-app-${version}`,
		private: true,
		description: 'n8n for n8n-nodes-1flow dev and e2e tests',
		overrides: OVERRIDES[major],
	};
	writeFileSync(join(staging, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
	// --ignore-scripts: with scripts, @confluentinc/kafka-javascript downloads a binary from
	// outside the npm registry and isolated-vm compiles; of all install scripts only sqlite3's
	// build is needed.
	run(
		'npm',
		[
			'install',
			'--ignore-scripts',
			'--no-audit',
			'--no-fund',
			'--loglevel=error',
			`n8n@${version}`,
		],
		{ cwd: staging, env },
	);
	run('npm', ['rebuild', 'sqlite3', '--loglevel=error'], { cwd: staging, env });
	const check = spawnSync(process.execPath, ['-e', "require('sqlite3')"], {
		cwd: staging,
		env,
		encoding: 'utf8',
	});
	if (check.status !== 0)
		throw new Error(`sqlite3 did not build for n8n ${version}:\n${check.stderr}`);
	writeFileSync(
		join(staging, MARKER),
		`${JSON.stringify({ version, installedAt: new Date().toISOString() })}\n`,
	);
	rmSync(dir, { recursive: true, force: true });
	renameSync(staging, dir);
	log(`n8n ${version} installed in ${Math.round((Date.now() - started) / 1000)} s`);
}

/** Installs the pinned n8n of a major line on first use; later calls only check a marker file. */
export function ensureN8n(major: N8nMajor): N8nApp {
	if (Number(process.versions.node.split('.')[0]) < 24)
		throw new Error(
			`n8n needs Node 24 here, this is ${process.version}: run it through scripts/run.js`,
		);
	const version = PINNED[major];
	const dir = installDir(version);
	if (!isN8nInstalled(major)) {
		withLock(`${dir}.lock`, () => {
			if (!isN8nInstalled(major)) install(major, version, dir);
		});
	}
	return { major, version, binPath: join(dir, 'node_modules', 'n8n', 'bin', 'n8n') };
}
