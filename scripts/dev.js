#!/usr/bin/env node
'use strict';
/**
 * `npm run dev [-- --port 5678] [--emulator] [--fresh]`: n8n's editor with this package in it.
 *
 * - provisions Node 24 and installs the pinned n8n 2.x on first use (outside the repo);
 * - builds the package and installs it into the dev user folder the way the Community
 *   Nodes installer lays it out (`.n8n/nodes/node_modules/n8n-nodes-1flow`: package.json +
 *   dist), so node types are `n8n-nodes-1flow.oneFlow` as in examples/;
 * - starts the editor on http://localhost:<port> (loopback only);
 * - rebuilds on changes under nodes/, credentials/ and icons/ and restarts n8n, which
 *   keeps node types in memory.
 *
 * --emulator also starts the repo's 1Flow emulator on 127.0.0.1:5680 (demo webhook, 10
 * documents) and imports a "1Flow account" credential pointing at it, with the id the
 * examples use, so imported examples run as they are.
 * --fresh uses a new temporary user folder instead of ~/.cache/n8n-nodes-1flow/dev-n8n.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { ROOT, CACHE_DIR, log, node24Env, ensureDependencies, runNode } = require('./toolchain');

const WATCHED = ['nodes', 'credentials', 'icons'];
const PACKAGE_NAME = 'n8n-nodes-1flow';

function parseArgs(argv) {
	const options = { port: 5678, emulator: false, fresh: false };
	for (let i = 0; i < argv.length; i++) {
		const [flag, inline] = argv[i].includes('=') ? argv[i].split(/=(.*)/s) : [argv[i], undefined];
		if (flag === '--port') options.port = Number(inline !== undefined ? inline : argv[++i]);
		else if (flag === '--emulator') options.emulator = true;
		else if (flag === '--fresh') options.fresh = true;
		else throw new Error(`unknown argument ${argv[i]} (use --port N, --emulator, --fresh)`);
	}
	if (!Number.isInteger(options.port) || options.port < 1 || options.port > 65534) throw new Error('--port expects a port number');
	return options;
}

function build(env) {
	const started = Date.now();
	const result = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'run.js'), 'build'], { cwd: ROOT, env, stdio: 'inherit' });
	if (result.status !== 0) return false;
	log(`built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
	return true;
}

/** Copies package.json and dist/ into the user folder's community-nodes folder. */
function installIntoUserFolder(userFolder) {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	const target = path.join(nodesDir, 'node_modules', PACKAGE_NAME);
	fs.rmSync(target, { recursive: true, force: true });
	fs.mkdirSync(target, { recursive: true });
	// eslint-disable-next-line no-unused-vars
	const { devDependencies, peerDependencies, optionalDependencies, scripts, ...manifest } = JSON.parse(
		fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'),
	);
	fs.writeFileSync(path.join(target, 'package.json'), JSON.stringify(manifest, null, 2));
	fs.cpSync(path.join(ROOT, 'dist'), path.join(target, 'dist'), { recursive: true });
	const nodesManifestPath = path.join(nodesDir, 'package.json');
	const nodesManifest = fs.existsSync(nodesManifestPath)
		? JSON.parse(fs.readFileSync(nodesManifestPath, 'utf8'))
		: { name: 'installed-nodes', private: true, dependencies: {} };
	nodesManifest.dependencies = { ...nodesManifest.dependencies, [PACKAGE_NAME]: manifest.version };
	fs.writeFileSync(nodesManifestPath, JSON.stringify(nodesManifest, null, 2));
}

async function startEmulator(env) {
	const tsc = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.dev.json'], { cwd: ROOT, env, stdio: 'inherit' });
	if (tsc.status !== 0) throw new Error('tsc -p tsconfig.dev.json failed (needed for the emulator)');
	const { OneFlowEmulator, DEMO_WEBHOOK, demoDocIds } = require(path.join(ROOT, '.build', 'testkit', 'emulator', 'index.js'));
	const emulator = new OneFlowEmulator({
		port: 5680,
		webhooks: [{ id: DEMO_WEBHOOK.id, secret: DEMO_WEBHOOK.secret, documents: demoDocIds(10) }],
	});
	const baseUrl = await emulator.start();
	return { emulator, baseUrl, webhook: DEMO_WEBHOOK };
}

async function main() {
	const options = parseArgs(process.argv.slice(2));
	const env = node24Env();
	ensureDependencies(env);
	const { ensureN8n, installDirFor, versionFor, n8nEnv, n8nCli, startN8n } = require('./n8n-app');

	if (!fs.existsSync(path.join(installDirFor(versionFor(2)), '.n8n-app-installed'))) {
		log('First run: installing n8n into the cache (about 8 minutes and 4 GB of disk, once).');
	}
	const app = ensureN8n(2);
	if (!build(env)) throw new Error('the build failed; fix it and run npm run dev again');

	const userFolder = options.fresh
		? fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-nodes-1flow-dev-'))
		: path.join(CACHE_DIR, 'dev-n8n');
	fs.mkdirSync(userFolder, { recursive: true, mode: 0o700 });
	installIntoUserFolder(userFolder);
	const n8nEnvironment = n8nEnv({ major: 2, userFolder, port: options.port, brokerPort: options.port + 1 });

	let emulator;
	if (options.emulator) {
		emulator = await startEmulator(env);
		const credentialsFile = path.join(userFolder, 'dev-credentials.json');
		fs.writeFileSync(
			credentialsFile,
			JSON.stringify([
				{
					id: '1flow-example',
					name: '1Flow account',
					type: 'oneFlowApi',
					data: { baseUrl: emulator.baseUrl, webhookId: emulator.webhook.id, webhookSecret: emulator.webhook.secret },
				},
			]),
		);
		const imported = await n8nCli(['import:credentials', `--input=${credentialsFile}`], { major: 2, env: n8nEnvironment });
		fs.rmSync(credentialsFile, { force: true });
		if (imported.code !== 0) log(`importing the emulator credential failed:\n${imported.output.slice(-2000)}`);
		log(`1Flow emulator on ${emulator.baseUrl} (webhook ${emulator.webhook.id}, documents doc_001..doc_010); credential "1Flow account" points at it`);
	}

	let server;
	let stopping = false;
	let restarting = false;
	const start = async () => {
		const started = Date.now();
		log(`starting n8n ${app.version} (user folder ${userFolder}) ...`);
		server = await startN8n({
			major: 2,
			env: n8nEnvironment,
			port: options.port,
			inheritOutput: true,
			onExit: ({ code, signal }) => {
				if (!stopping && !restarting) log(`n8n exited (${code ?? signal}); save a file under ${WATCHED.join('/, ')}/ to start it again`);
			},
		});
		log(`n8n is ready after ${((Date.now() - started) / 1000).toFixed(0)} s: open http://localhost:${options.port}`);
		log('First visit: create the owner account (stored in the dev user folder only). Import examples/*.json via Workflows > Import from File.');
		log(`Watching ${WATCHED.join('/, ')}/ : a change rebuilds the package and restarts n8n (about 20 s). Ctrl+C stops.`);
	};
	await start();

	let timer;
	let pending = false;
	let busy = false;
	const rebuild = async () => {
		if (busy) {
			pending = true;
			return;
		}
		busy = true;
		try {
			do {
				pending = false;
				log('change detected: rebuilding');
				if (!build(env)) {
					log('build failed: n8n keeps running the previous build');
					continue;
				}
				installIntoUserFolder(userFolder);
				restarting = true;
				if (server) await server.stop();
				restarting = false;
				if (!stopping) await start();
			} while (pending && !stopping);
		} catch (error) {
			log(`restart failed: ${error.message}`);
		} finally {
			restarting = false;
			busy = false;
		}
	};
	const watchers = WATCHED.filter((dir) => fs.existsSync(path.join(ROOT, dir))).map((dir) =>
		fs.watch(path.join(ROOT, dir), { recursive: true }, (_event, file) => {
			if (file && /(^|[\\/])\.|~$|\.swp$/.test(String(file))) return;
			clearTimeout(timer);
			timer = setTimeout(rebuild, 300);
		}),
	);

	const shutdown = async () => {
		if (stopping) return;
		stopping = true;
		log('stopping');
		for (const watcher of watchers) watcher.close();
		clearTimeout(timer);
		if (server) await server.stop();
		if (emulator) await emulator.emulator.stop();
		process.exit(0);
	};
	process.on('SIGINT', shutdown);
	process.on('SIGTERM', shutdown);
}

if (Number(process.versions.node.split('.')[0]) < 24) {
	process.exitCode = runNode([__filename, ...process.argv.slice(2)]);
} else {
	main().catch((error) => {
		log(error.stack || String(error));
		process.exitCode = 1;
	});
}
