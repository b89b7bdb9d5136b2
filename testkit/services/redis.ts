/**
 * A throwaway Redis (Debian's redis-server) on a free loopback port, its data in a temp
 * folder, nothing persisted unless asked (`snapshot()`), removed on stop.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { freePort } from '../free-port';
import { startChildServer, waitUntilReady, type ChildServer } from '../process';
import { ensureDebianPackages, log, runCommand } from './system';

const SERVER = '/usr/bin/redis-server';
const CLI = '/usr/bin/redis-cli';

export class Redis {
	private constructor(
		readonly port: number,
		private readonly dir: string,
		private readonly server: ChildServer,
	) {}

	static async start(): Promise<Redis> {
		ensureDebianPackages(['redis-server'], () => existsSync(SERVER) && existsSync(CLI));
		const port = await freePort();
		const dir = mkdtempSync(join(tmpdir(), 'redis-'));
		// No background saves, no append-only file; an uncompressed snapshot when asked, so its strings can be searched.
		const args = [
			'--port',
			String(port),
			'--bind',
			'127.0.0.1',
			'--dir',
			dir,
			'--save',
			'',
			'--appendonly',
			'no',
			'--rdbcompression',
			'no',
			'--daemonize',
			'no',
		];
		const server = startChildServer(SERVER, args, { cwd: dir, stopSignal: 'SIGTERM' });
		const redis = new Redis(port, dir, server);
		await waitUntilReady(server, `redis-server on port ${port}`, () => redis.ping(), 30_000);
		log(`redis on 127.0.0.1:${port} (${dir})`);
		return redis;
	}

	private ping(): boolean {
		try {
			return this.cli(['PING']).trim() === 'PONG';
		} catch {
			return false;
		}
	}

	/** One redis-cli command; its raw output. */
	cli(args: string[]): string {
		return runCommand(CLI, ['-h', '127.0.0.1', '-p', String(this.port), ...args]);
	}

	/** Everything Redis holds right now, as the bytes of an uncompressed RDB snapshot. */
	snapshot(): Buffer {
		this.cli(['SAVE']);
		return readFileSync(join(this.dir, 'dump.rdb'));
	}

	logs(): string {
		return this.server.logs();
	}

	async stop(): Promise<void> {
		await this.server.stop();
		rmSync(this.dir, { recursive: true, force: true });
	}
}
