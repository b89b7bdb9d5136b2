'use strict';
/**
 * A real n8n for development and end-to-end tests, kept outside the repository.
 *
 * - ensureN8n(major): installs the pinned n8n of that major line into
 *   `${CACHE_DIR}/n8n-<version>` on first use (npm i --ignore-scripts, then
 *   `npm rebuild sqlite3` against Node 24's headers) and returns where it is.
 * - n8nEnv(options): the environment of one isolated n8n process: its own
 *   N8N_USER_FOLDER, loopback only, no telemetry, banners, templates or update checks.
 * - n8nCli(args, options): runs one n8n CLI command and resolves with its output.
 * - startN8n(options): starts `n8n start` and resolves once its REST API answers.
 *
 * Plain CommonJS with no dependencies: it runs before node_modules exists.
 */
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { CACHE_DIR, log, run, ensureNode24, node24Env } = require('./toolchain');

/**
 * Pinned versions. 2.41.3 (npm "latest") does not resolve on this registry (a missing
 * @n8n/agents version); 1.123.81 is the newest 1.123.x and runs on Node 20.19-24.
 * Override with N8N_E2E_VERSION_2 / N8N_E2E_VERSION_1.
 */
const PINNED = {
	2: process.env.N8N_E2E_VERSION_2 || '2.41.1',
	1: process.env.N8N_E2E_VERSION_1 || '1.123.81',
};

/**
 * npm overrides per major line. n8n-nodes-base 1.x depends on xlsx through a tarball URL on
 * cdn.sheetjs.com, which only the npm registry's hosts can replace here: 0.18.5 is the last
 * xlsx on the registry (it only matters to the Spreadsheet/Extract From File nodes).
 */
const OVERRIDES = {
	1: { xlsx: '0.18.5' },
	2: {},
};

const MARKER = '.n8n-app-installed';

function versionFor(major) {
	const version = PINNED[String(major)];
	if (!version) throw new Error(`no pinned n8n for major "${major}" (one of: ${Object.keys(PINNED).join(', ')})`);
	return version;
}

function installDirFor(version) {
	return path.join(CACHE_DIR, `n8n-${version}`);
}

function describe(dir, version) {
	return {
		version,
		dir,
		binPath: path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n'),
		// Both lines run on Node 24 (1.123.x declares node ">=20.19 <= 24.x").
		nodeBinDir: ensureNode24(),
	};
}

function isInstalled(dir) {
	return fs.existsSync(path.join(dir, MARKER)) && fs.existsSync(path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n'));
}

function pidAlive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return error.code === 'EPERM';
	}
}

function sleepSync(ms) {
	Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** A lock file holding our pid, so that two commands do not install the same n8n at once. */
function withLock(lockFile, fn) {
	fs.mkdirSync(path.dirname(lockFile), { recursive: true });
	let waitedLogged = false;
	for (;;) {
		try {
			fs.writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
			break;
		} catch (error) {
			if (error.code !== 'EEXIST') throw error;
			const owner = Number(fs.readFileSync(lockFile, 'utf8').trim());
			if (!owner || !pidAlive(owner)) {
				fs.rmSync(lockFile, { force: true });
				continue;
			}
			if (!waitedLogged) log(`waiting for process ${owner}, which is installing n8n (${lockFile})`);
			waitedLogged = true;
			sleepSync(2000);
		}
	}
	try {
		return fn();
	} finally {
		fs.rmSync(lockFile, { force: true });
	}
}

/**
 * Installs n8n `major` (2 or 1) on first use and returns
 * { version, dir, binPath, nodeBinDir }. Later calls only check a marker file.
 */
function ensureN8n(major = 2) {
	const version = versionFor(major);
	const dir = installDirFor(version);
	if (isInstalled(dir)) return describe(dir, version);

	return withLock(`${dir}.lock`, () => {
		if (isInstalled(dir)) return describe(dir, version);
		const env = node24Env({ npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' });
		const staging = `${dir}.partial`;
		const started = Date.now();
		log(`Installing n8n ${version} into ${dir} (first use only: about 8 minutes on 2 cores, 3 GB plus 0.8 GB of npm cache)`);
		fs.rmSync(staging, { recursive: true, force: true });
		fs.mkdirSync(staging, { recursive: true });
		fs.writeFileSync(
			path.join(staging, 'package.json'),
			`${JSON.stringify(
				{
					name: `n8n-app-${version}`,
					private: true,
					description: 'n8n for n8n-nodes-1flow dev and e2e tests',
					overrides: OVERRIDES[String(major)] || {},
				},
				null,
				2,
			)}\n`,
		);
		// --ignore-scripts: with scripts, @confluentinc/kafka-javascript tries to download a
		// binary (no internet here) and isolated-vm would compile; only sqlite3 needs a build.
		run('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error', `n8n@${version}`], {
			cwd: staging,
			env,
		});
		run('npm', ['rebuild', 'sqlite3', '--loglevel=error'], { cwd: staging, env });
		const check = spawnSync(path.join(ensureNode24(), 'node'), ['-e', "require('sqlite3')"], { cwd: staging, env, encoding: 'utf8' });
		if (check.status !== 0) throw new Error(`sqlite3 did not build for n8n ${version}:\n${check.stderr}`);
		fs.writeFileSync(path.join(staging, MARKER), `${JSON.stringify({ version, installedAt: new Date().toISOString() })}\n`);
		fs.rmSync(dir, { recursive: true, force: true });
		fs.renameSync(staging, dir);
		log(`n8n ${version} installed in ${Math.round((Date.now() - started) / 1000)} s`);
		return describe(dir, version);
	});
}

/**
 * The environment of one n8n process. `userFolder` becomes N8N_USER_FOLDER (n8n keeps its
 * data in `<userFolder>/.n8n`). Ports must differ between concurrent processes.
 */
function n8nEnv({ major = 2, userFolder, port = 5678, brokerPort = port + 1, extra = {} } = {}) {
	if (!userFolder) throw new Error('n8nEnv needs a userFolder');
	const env = node24Env();
	// Variables of an outer n8n or of the caller's shell must not leak into the test instance.
	for (const key of Object.keys(env)) {
		if (/^(N8N_|DB_|EXECUTIONS_|QUEUE_|GENERIC_TIMEZONE$|WEBHOOK_URL$)/.test(key)) delete env[key];
	}
	return {
		...env,
		N8N_USER_FOLDER: userFolder,
		HOME: env.HOME || os.homedir(),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: 'localhost',
		N8N_PORT: String(port),
		N8N_PROTOCOL: 'http',
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		DB_TYPE: 'sqlite',
		// No outbound calls: telemetry, version checks, templates, banners, personalization.
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_DIAGNOSTICS_CONFIG_FRONTEND: '',
		N8N_DIAGNOSTICS_CONFIG_BACKEND: '',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_DYNAMIC_BANNERS_ENABLED: 'false',
		N8N_AI_ENABLED: 'false',
		EXTERNAL_FRONTEND_HOOKS_URLS: '',
		N8N_LICENSE_AUTO_RENEW_ENABLED: 'false',
		// Community packages from <userFolder>/.n8n/nodes; nothing fetched from the registry.
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_REINSTALL_MISSING_PACKAGES: 'false',
		N8N_VERIFIED_PACKAGES_ENABLED: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
		// Plain http on the loopback interface.
		N8N_SECURE_COOKIE: 'false',
		N8N_LOG_OUTPUT: 'console',
		N8N_LOG_LEVEL: 'info',
		NO_COLOR: '1',
		GENERIC_TIMEZONE: 'UTC',
		// 2.x fetches a list of MCP servers from api.n8n.io at start (a failing, logged request here).
		...(Number(major) >= 2 ? { N8N_DISABLED_MODULES: 'mcp-registry' } : {}),
		...extra,
	};
}

/**
 * Runs one n8n CLI command (`import:workflow`, `execute`, ...) and resolves with
 * { code, signal, stdout, stderr, output, ms }. Never rejects for a non-zero exit.
 */
function n8nCli(args, { major = 2, env, cwd, timeoutMs = 180000 } = {}) {
	const app = ensureN8n(major);
	if (!env || !env.N8N_USER_FOLDER) throw new Error('n8nCli needs env from n8nEnv()');
	const started = Date.now();
	return new Promise((resolve, reject) => {
		const child = spawn(path.join(app.nodeBinDir, 'node'), [app.binPath, ...args], {
			cwd: cwd || env.N8N_USER_FOLDER,
			env,
			stdio: ['ignore', 'pipe', 'pipe'],
			detached: true,
		});
		let stdout = '';
		let stderr = '';
		let output = '';
		child.stdout.on('data', (chunk) => {
			stdout += chunk;
			output += chunk;
		});
		child.stderr.on('data', (chunk) => {
			stderr += chunk;
			output += chunk;
		});
		const timer = setTimeout(() => {
			stderr += `\n[n8n-app] n8n ${args.join(' ')} timed out after ${timeoutMs} ms\n`;
			killGroup(child.pid, 'SIGKILL');
		}, timeoutMs);
		child.on('error', (error) => {
			clearTimeout(timer);
			reject(error);
		});
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			// The task runner n8n starts is in the same process group: end what is left of it.
			killGroup(child.pid, 'SIGKILL');
			resolve({ code, signal, stdout, stderr, output, ms: Date.now() - started });
		});
	});
}

function killGroup(pid, signal) {
	try {
		process.kill(-pid, signal);
	} catch {
		// already gone
	}
}

function httpGet(url, timeoutMs = 5000) {
	return new Promise((resolve, reject) => {
		const request = http.get(url, { timeout: timeoutMs }, (response) => {
			const chunks = [];
			response.on('data', (chunk) => chunks.push(chunk));
			response.on('end', () => resolve({ status: response.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
		});
		request.on('timeout', () => request.destroy(new Error(`GET ${url} timed out`)));
		request.on('error', reject);
	});
}

/**
 * Starts `n8n start` (the editor and API) and resolves with
 * { url, child, logs(), stop() } once GET /rest/settings answers 200.
 * `inheritOutput` streams n8n's output to this process (dev); otherwise it is kept.
 */
async function startN8n({ major = 2, env, port, inheritOutput = false, readyTimeoutMs = 240000, onExit } = {}) {
	const app = ensureN8n(major);
	if (!env || !env.N8N_USER_FOLDER) throw new Error('startN8n needs env from n8nEnv()');
	const listenPort = Number(port || env.N8N_PORT || 5678);
	const url = `http://localhost:${listenPort}`;
	let logs = '';
	const child = spawn(path.join(app.nodeBinDir, 'node'), [app.binPath, 'start'], {
		cwd: env.N8N_USER_FOLDER,
		env,
		stdio: ['ignore', inheritOutput ? 'inherit' : 'pipe', inheritOutput ? 'inherit' : 'pipe'],
		detached: true,
	});
	if (!inheritOutput) {
		child.stdout.on('data', (chunk) => (logs += chunk));
		child.stderr.on('data', (chunk) => (logs += chunk));
	}
	let exited = null;
	const exitPromise = new Promise((resolve) => {
		child.on('exit', (code, signal) => {
			exited = { code, signal };
			killGroup(child.pid, 'SIGKILL');
			if (onExit) onExit(exited);
			resolve(exited);
		});
	});

	const stop = async () => {
		if (exited) return exited;
		killGroup(child.pid, 'SIGTERM');
		const timer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), 15000);
		const result = await exitPromise;
		clearTimeout(timer);
		return result;
	};

	const deadline = Date.now() + readyTimeoutMs;
	for (;;) {
		if (exited) throw new Error(`n8n exited (${exited.code ?? exited.signal}) before it was ready\n${logs.slice(-4000)}`);
		try {
			// /healthz answers as soon as the port is open; the REST routes (and webhooks) come
			// later, once n8n has loaded its nodes. /rest/settings is among the last routes set up.
			const { status } = await httpGet(`http://127.0.0.1:${listenPort}/rest/settings`, 2000);
			if (status === 200) break;
		} catch {
			// not listening yet
		}
		if (Date.now() > deadline) {
			await stop();
			throw new Error(`n8n did not answer ${url}/rest/settings within ${readyTimeoutMs} ms\n${logs.slice(-4000)}`);
		}
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
	return { url, child, app, logs: () => logs, stop, exited: exitPromise };
}

module.exports = { PINNED, versionFor, installDirFor, ensureN8n, n8nEnv, n8nCli, startN8n, httpGet, killGroup };

if (require.main === module) {
	// `node scripts/n8n-app.js [2|1|all]` installs ahead of time and prints where.
	const which = process.argv[2] || '2';
	const majors = which === 'all' ? [2, 1] : [Number(which)];
	for (const major of majors) {
		const app = ensureN8n(major);
		process.stdout.write(`n8n ${app.version}: ${app.binPath} (node ${app.nodeBinDir})\n`);
	}
}
