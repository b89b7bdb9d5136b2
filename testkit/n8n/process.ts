/**
 * n8n as child processes: one CLI command (`import:workflow`, `execute`, ...) or a server
 * (`n8n start`, and in queue mode `n8n worker` and `n8n webhook`). Each runs in its own process group, because n8n starts a task runner that
 * must end with it.
 */
import { spawn } from 'node:child_process';

import { httpRequest } from '../http';
import { killGroup, startChildServer, waitUntilReady } from '../process';
import type { N8nApp } from './install';

export interface CliResult {
	code: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	/** stdout and stderr interleaved as they came. */
	output: string;
	ms: number;
}

/** Runs one n8n CLI command; never rejects for a non-zero exit. */
export function n8nCli(
	app: N8nApp,
	args: string[],
	env: NodeJS.ProcessEnv,
	timeoutMs = 180_000,
): Promise<CliResult> {
	const started = Date.now();
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [app.binPath, ...args], {
			cwd: env.N8N_USER_FOLDER,
			env,
			stdio: ['ignore', 'pipe', 'pipe'],
			detached: true,
		});
		let stdout = '';
		let output = '';
		child.stdout.on('data', (chunk: Buffer) => {
			stdout += chunk;
			output += chunk;
		});
		child.stderr.on('data', (chunk: Buffer) => (output += chunk));
		const timer = setTimeout(() => {
			output += `\n[testkit] n8n ${args.join(' ')} timed out after ${timeoutMs} ms\n`;
			killGroup(child.pid, 'SIGKILL');
		}, timeoutMs);
		child.on('error', (error) => {
			clearTimeout(timer);
			reject(error);
		});
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			// The task runner n8n started is in the same process group: end what is left of it.
			killGroup(child.pid, 'SIGKILL');
			resolve({ code, signal, stdout, output, ms: Date.now() - started });
		});
	});
}

export interface N8nServer {
	/** What n8n printed so far (empty when its output is inherited). */
	logs(): string;
	/** SIGTERM, then SIGKILL after 15 s; resolves once it exited. */
	stop(): Promise<void>;
}

interface StartOptions {
	env: NodeJS.ProcessEnv;
	/** Stream n8n's output to this process (dev) instead of keeping it. */
	inheritOutput?: boolean;
	readyTimeoutMs?: number;
	/** Called when n8n exits, whoever stopped it. */
	onExit?: (code: number | null, signal: NodeJS.Signals | null) => void;
}

/** A readiness probe: true once `url` answers 200. */
const answers200 = (url: string) => () =>
	httpRequest(url, { timeoutMs: 2000 }).then(
		(reply) => reply.status === 200,
		() => false,
	);

/** Starts `n8n start` and resolves once its REST API answers. */
export async function startN8n(
	app: N8nApp,
	{ env, inheritOutput = false, readyTimeoutMs = 240_000, onExit }: StartOptions,
): Promise<N8nServer> {
	const server = startChildServer(process.execPath, [app.binPath, 'start'], {
		cwd: env.N8N_USER_FOLDER,
		env,
		inheritOutput,
		onExit,
	});
	// /healthz answers as soon as the port is open; the REST routes (and webhooks) come later,
	// once n8n has loaded its nodes. /rest/settings is among the last routes set up.
	const settings = `http://127.0.0.1:${env.N8N_PORT}/rest/settings`;
	await waitUntilReady(server, `n8n (${settings})`, answers200(settings), readyTimeoutMs, 500);
	return server;
}

/** Starts `n8n worker --concurrency N` (queue mode) and resolves once it says it is ready. */
export async function startN8nWorker(
	app: N8nApp,
	{
		env,
		concurrency,
		readyTimeoutMs = 240_000,
	}: { env: NodeJS.ProcessEnv; concurrency: number; readyTimeoutMs?: number },
): Promise<N8nServer> {
	const server = startChildServer(
		process.execPath,
		[app.binPath, 'worker', `--concurrency=${concurrency}`],
		{ cwd: env.N8N_USER_FOLDER, env },
	);
	await waitUntilReady(
		server,
		'n8n worker',
		() => /n8n worker is now ready/.test(server.logs()),
		readyTimeoutMs,
		500,
	);
	return server;
}

/**
 * Starts `n8n webhook` (queue mode: serves production webhooks under /webhook/, runs the
 * trigger's webhook function and queues the executions) and resolves once it is ready.
 */
export async function startN8nWebhook(
	app: N8nApp,
	{ env, readyTimeoutMs = 240_000 }: { env: NodeJS.ProcessEnv; readyTimeoutMs?: number },
): Promise<N8nServer> {
	const server = startChildServer(process.execPath, [app.binPath, 'webhook'], {
		cwd: env.N8N_USER_FOLDER,
		env,
	});
	// 503 until the database is migrated and the webhook routes are set up.
	const readiness = `http://127.0.0.1:${env.N8N_PORT}/healthz/readiness`;
	await waitUntilReady(
		server,
		`n8n webhook (${readiness})`,
		answers200(readiness),
		readyTimeoutMs,
		500,
	);
	return server;
}
