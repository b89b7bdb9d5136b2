/**
 * `npm run dev [-- --port 5678] [--emulator] [--fresh]`: n8n's editor with this package in it.
 *
 * - installs the pinned n8n 2.x on first use (outside the repo);
 * - packs the built package and installs it into the dev user folder as n8n's Community Nodes
 *   installer does, so node types are `n8n-nodes-1flow.oneFlow` as in examples/;
 * - starts the editor on http://localhost:<port> (loopback only);
 * - rebuilds on changes under nodes/, credentials/ and icons/ and restarts n8n, which keeps
 *   node types in memory.
 *
 * --emulator also starts the 1Flow emulator on 127.0.0.1:5680 (demo webhook, 10 documents)
 * and imports a "1Flow account" credential pointing at it and a "1Flow callback signing"
 * credential with the secret its callbacks are signed with, with the ids the examples use, so
 * imported examples run as they are.
 * --fresh uses a new temporary user folder instead of <cache>/dev-n8n.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import {
	DEMO_SIGNING_SECRET,
	DEMO_WEBHOOK,
	OneFlowEmulator,
	demoDocIds,
} from '../testkit/emulator';
import {
	cacheDir,
	ensureN8n,
	installCommunityPackage,
	isN8nInstalled,
	n8nCli,
	n8nEnv,
	packPackage,
	startN8n,
	type N8nServer,
} from '../testkit/n8n';
import { REPO_ROOT } from '../testkit/repo';

const WATCHED = ['nodes', 'credentials', 'icons'];
const EMULATOR_PORT = 5680;

const log = (message: string) => process.stderr.write(`[1flow] ${message}\n`);

function options() {
	const { values } = parseArgs({
		options: {
			port: { type: 'string', default: '5678' },
			emulator: { type: 'boolean', default: false },
			fresh: { type: 'boolean', default: false },
		},
	});
	const port = Number(values.port);
	if (!Number.isInteger(port) || port < 1 || port > 65534)
		throw new Error('--port expects a port number');
	return { port, emulator: values.emulator, fresh: values.fresh };
}

/** Packs the built package and installs it into the user folder. */
function install(userFolder: string): void {
	const staging = mkdtempSync(join(tmpdir(), 'n8n-nodes-1flow-dev-pack-'));
	try {
		installCommunityPackage(userFolder, packPackage(staging));
	} finally {
		rmSync(staging, { recursive: true, force: true });
	}
}

/** Builds dist/ and installs it; false when the build failed. */
function rebuildAndInstall(userFolder: string): boolean {
	const started = Date.now();
	const build = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts', 'run.js'), 'build'], {
		cwd: REPO_ROOT,
		stdio: 'inherit',
	});
	if (build.status !== 0) return false;
	install(userFolder);
	log(`built and installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
	return true;
}

async function startEmulator(
	env: NodeJS.ProcessEnv,
	userFolder: string,
	app: ReturnType<typeof ensureN8n>,
): Promise<OneFlowEmulator> {
	const emulator = new OneFlowEmulator({
		port: EMULATOR_PORT,
		webhooks: [{ ...DEMO_WEBHOOK, documents: demoDocIds(10) }],
		callbacks: { secret: DEMO_SIGNING_SECRET },
	});
	const baseUrl = await emulator.start();
	const file = join(userFolder, 'dev-credentials.json');
	const data = { baseUrl, webhookId: DEMO_WEBHOOK.id, webhookSecret: DEMO_WEBHOOK.secret };
	const signing = {
		id: '1flow-callback-example',
		name: '1Flow callback signing',
		type: 'oneFlowCallbackApi',
		data: { signingSecret: DEMO_SIGNING_SECRET },
	};
	writeFileSync(
		file,
		JSON.stringify([
			{ id: '1flow-example', name: '1Flow account', type: 'oneFlowApi', data },
			signing,
		]),
	);
	const imported = await n8nCli(app, ['import:credentials', `--input=${file}`], env);
	rmSync(file, { force: true });
	if (imported.code !== 0)
		log(`importing the emulator credential failed:\n${imported.output.slice(-2000)}`);
	log(
		`1Flow emulator on ${baseUrl} (webhook ${DEMO_WEBHOOK.id}, documents doc_001..doc_010); credential "1Flow account" points at it`,
	);
	log(
		`its callbacks are signed with the secret of credential "1Flow callback signing"; send one: docs/development.md`,
	);
	return emulator;
}

async function main(): Promise<void> {
	const { port, emulator: withEmulator, fresh } = options();
	if (!isN8nInstalled(2))
		log('First run: installing n8n into the cache (about 8 minutes and 4 GB of disk, once).');
	const app = ensureN8n(2);
	const userFolder = fresh
		? mkdtempSync(join(tmpdir(), 'n8n-nodes-1flow-dev-'))
		: join(cacheDir(), 'dev-n8n');
	mkdirSync(userFolder, { recursive: true, mode: 0o700 });
	// scripts/run.js has just built.
	install(userFolder);
	const env = n8nEnv({ major: 2, userFolder, port, brokerPort: port + 1 });
	const emulator = withEmulator ? await startEmulator(env, userFolder, app) : undefined;

	let server: N8nServer | undefined;
	let stopping = false;
	let restarting = false;
	const start = async () => {
		const started = Date.now();
		log(`starting n8n ${app.version} (user folder ${userFolder}) ...`);
		server = await startN8n(app, {
			env,
			inheritOutput: true,
			onExit: (code, signal) => {
				if (!stopping && !restarting)
					log(
						`n8n exited (${code ?? signal}); save a file under ${WATCHED.join('/, ')}/ to start it again`,
					);
			},
		});
		log(
			`n8n is ready after ${((Date.now() - started) / 1000).toFixed(0)} s: open http://localhost:${port}`,
		);
		log(
			'First visit: create the owner account (stored in the dev user folder only). Import examples/*.json via Workflows > Import from File.',
		);
		log(
			`Watching ${WATCHED.join('/, ')}/ : a change rebuilds the package and restarts n8n (about 20 s). Ctrl+C stops.`,
		);
	};
	await start();

	let timer: NodeJS.Timeout | undefined;
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
				if (!rebuildAndInstall(userFolder)) {
					log('build failed: n8n keeps running the previous build');
					continue;
				}
				restarting = true;
				await server?.stop();
				restarting = false;
				if (!stopping) await start();
			} while (pending && !stopping);
		} catch (error) {
			log(`restart failed: ${(error as Error).message}`);
		} finally {
			restarting = false;
			busy = false;
		}
	};
	const watchers = WATCHED.filter((dir) => existsSync(join(REPO_ROOT, dir))).map((dir) =>
		watch(join(REPO_ROOT, dir), { recursive: true }, (_event, file) => {
			if (file && /(^|[\\/])\.|~$|\.swp$/.test(String(file))) return;
			clearTimeout(timer);
			timer = setTimeout(() => void rebuild(), 300);
		}),
	);

	const shutdown = async () => {
		if (stopping) return;
		stopping = true;
		log('stopping');
		for (const watcher of watchers) watcher.close();
		clearTimeout(timer);
		await server?.stop();
		await emulator?.stop();
		process.exit(0);
	};
	process.on('SIGINT', () => void shutdown());
	process.on('SIGTERM', () => void shutdown());
}

main().catch((error: unknown) => {
	log(error instanceof Error ? (error.stack ?? error.message) : String(error));
	process.exitCode = 1;
});
