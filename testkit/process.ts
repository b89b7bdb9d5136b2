/**
 * Long-running child processes of tests and scripts (n8n, PostgreSQL, Redis): each in its own
 * process group, so that whatever it starts (n8n's task runner, PostgreSQL's back ends) ends
 * with it; its output kept; stopped with a signal, then SIGKILL after a grace period.
 */
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

export function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
	if (pid === undefined) return;
	try {
		process.kill(-pid, signal);
	} catch {
		// already gone
	}
}

export interface ChildServer {
	readonly pid: number | undefined;
	/** What it printed so far (empty when its output is inherited). */
	logs(): string;
	exited(): boolean;
	/** The stop signal, then SIGKILL after the grace period; resolves once it exited. */
	stop(): Promise<void>;
}

export interface ChildServerOptions {
	env?: NodeJS.ProcessEnv;
	cwd?: string;
	/** Stream the output to this process instead of keeping it. */
	inheritOutput?: boolean;
	/** Default SIGTERM. */
	stopSignal?: NodeJS.Signals;
	/** Default 15 s. */
	graceMs?: number;
	/** Called when it exits, whoever stopped it. */
	onExit?: (code: number | null, signal: NodeJS.Signals | null) => void;
}

export function startChildServer(
	command: string,
	args: string[],
	options: ChildServerOptions = {},
): ChildServer {
	const stdio = options.inheritOutput ? 'inherit' : 'pipe';
	const child = spawn(command, args, {
		cwd: options.cwd,
		env: options.env ?? process.env,
		stdio: ['ignore', stdio, stdio],
		detached: true,
	});
	let logs = '';
	child.stdout?.on('data', (chunk: Buffer) => (logs += chunk));
	child.stderr?.on('data', (chunk: Buffer) => (logs += chunk));
	let exited = false;
	const exit = new Promise<void>((resolve) => {
		child.on('error', (error) => {
			logs += `\n[testkit] ${command}: ${error.message}\n`;
			exited = true;
			resolve();
		});
		child.on('exit', (code, signal) => {
			exited = true;
			// What it started is in the same process group: end what is left of it.
			killGroup(child.pid, 'SIGKILL');
			options.onExit?.(code, signal);
			resolve();
		});
	});
	return {
		pid: child.pid,
		logs: () => logs,
		exited: () => exited,
		async stop() {
			if (exited) return;
			killGroup(child.pid, options.stopSignal ?? 'SIGTERM');
			const timer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), options.graceMs ?? 15_000);
			await exit;
			clearTimeout(timer);
		},
	};
}

/** Polls `ready` every `intervalMs` until it is true; throws when the server exits first or after `timeoutMs`. */
export async function waitUntilReady(
	server: ChildServer,
	name: string,
	ready: () => Promise<boolean> | boolean,
	timeoutMs: number,
	intervalMs = 250,
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (server.exited())
			throw new Error(`${name} exited before it was ready\n${server.logs().slice(-4000)}`);
		if (await ready()) return;
		if (Date.now() > deadline) {
			await server.stop();
			throw new Error(
				`${name} was not ready within ${timeoutMs} ms\n${server.logs().slice(-4000)}`,
			);
		}
		await sleep(intervalMs);
	}
}
