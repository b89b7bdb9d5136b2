/**
 * What throwaway services need from the machine: Debian packages, installed on first use
 * when missing (as root; otherwise the error says what to install), and a user to run a
 * server as when this process is root (PostgreSQL refuses to run as root).
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';

export function log(message: string): void {
	process.stderr.write(`[services] ${message}\n`);
}

/** Runs a command to its end; its stdout, or an error with its output. */
export function runCommand(
	command: string,
	args: string[],
	options: SpawnSyncOptions = {},
): string {
	const result = spawnSync(command, args, {
		encoding: 'utf8',
		maxBuffer: 256 * 1024 * 1024,
		...options,
	});
	if (result.error) throw result.error;
	if (result.status !== 0)
		throw new Error(
			`${command} ${args.join(' ')} failed (${result.status ?? result.signal}):\n${String(result.stderr).slice(-3000)}`,
		);
	return String(result.stdout);
}

export function isRoot(): boolean {
	return process.getuid?.() === 0;
}

let listsUpdated = false;

/** Installs Debian `packages` unless `present()` already says they are there. */
export function ensureDebianPackages(packages: string[], present: () => boolean): void {
	if (present()) return;
	const command = `apt-get install -y ${packages.join(' ')}`;
	if (!isRoot()) throw new Error(`${packages.join(', ')} missing: install with sudo ${command}`);
	const started = Date.now();
	log(`${command} (first use on this machine)`);
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	if (!listsUpdated)
		runCommand('apt-get', ['update', '-q'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
	listsUpdated = true;
	runCommand('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...packages], {
		env,
		stdio: ['ignore', 'ignore', 'pipe'],
	});
	if (!present())
		throw new Error(`${command} finished, but ${packages.join(', ')} still cannot be found`);
	log(`installed in ${Math.round((Date.now() - started) / 1000)} s`);
}

/** `command args` as `user` when this process is root (runuser keeps the process group), as it is otherwise. */
export function asUser(user: string, command: string, args: string[]): [string, string[]] {
	return isRoot() ? ['runuser', ['-u', user, '--', command, ...args]] : [command, args];
}
