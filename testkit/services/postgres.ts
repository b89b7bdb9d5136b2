/**
 * A throwaway PostgreSQL (Debian's postgresql) on a free loopback port: a fresh cluster in a
 * temp folder with one password-protected user and database, run as the `postgres` user
 * when this process is root, removed on stop. Durability is off (fsync, synchronous commit):
 * nothing here outlives the run.
 */
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { freePort } from '../free-port';
import { startChildServer, waitUntilReady, type ChildServer } from '../process';
import { asUser, ensureDebianPackages, isRoot, log, runCommand } from './system';

const VERSIONS_DIR = '/usr/lib/postgresql';
/** The operating-system user that runs the server when this process is root (Debian's package creates it). */
const SYSTEM_USER = 'postgres';

/** Debian's newest installed PostgreSQL: its bin folder, or undefined. */
function binDir(): string | undefined {
	if (!existsSync(VERSIONS_DIR)) return undefined;
	const versions = readdirSync(VERSIONS_DIR)
		.filter((version) => existsSync(join(VERSIONS_DIR, version, 'bin', 'postgres')))
		.sort((a, b) => Number(b) - Number(a));
	return versions.length > 0 ? join(VERSIONS_DIR, versions[0], 'bin') : undefined;
}

/** How n8n (or any client) reaches the database. */
export interface PostgresConnection {
	host: string;
	port: number;
	database: string;
	user: string;
	password: string;
}

export class Postgres {
	private constructor(
		readonly connection: PostgresConnection,
		private readonly bin: string,
		private readonly dir: string,
		private readonly server: ChildServer,
	) {}

	static async start(database = 'app'): Promise<Postgres> {
		ensureDebianPackages(['postgresql'], () => binDir() !== undefined);
		const bin = binDir() as string;
		const port = await freePort();
		const dir = mkdtempSync(join(tmpdir(), 'postgres-'));
		const data = join(dir, 'data');
		const connection = {
			host: '127.0.0.1',
			port,
			database,
			user: 'tester',
			password: randomBytes(12).toString('hex'),
		};
		const passwordFile = join(dir, 'password');
		writeFileSync(passwordFile, connection.password, { mode: 0o600 });
		if (isRoot()) {
			const [uid, gid] = ['-u', '-g'].map((flag) =>
				Number(runCommand('id', [flag, SYSTEM_USER]).trim()),
			);
			for (const path of [dir, passwordFile]) chownSync(path, uid, gid);
		}
		runCommand(
			...asUser(SYSTEM_USER, join(bin, 'initdb'), [
				'-D',
				data,
				'-U',
				connection.user,
				`--pwfile=${passwordFile}`,
				'--auth=scram-sha-256',
				'-E',
				'UTF8',
				'--no-sync',
			]),
		);
		rmSync(passwordFile);
		const settings = [
			'listen_addresses=127.0.0.1',
			'unix_socket_directories=',
			'fsync=off',
			'synchronous_commit=off',
			'full_page_writes=off',
			'max_connections=200',
		];
		const [command, args] = asUser(SYSTEM_USER, join(bin, 'postgres'), [
			'-D',
			data,
			'-p',
			String(port),
			...settings.flatMap((setting) => ['-c', setting]),
		]);
		// SIGINT: PostgreSQL's fast shutdown (SIGTERM would wait for every client to leave).
		const server = startChildServer(command, args, { stopSignal: 'SIGINT' });
		const postgres = new Postgres(connection, bin, dir, server);
		await waitUntilReady(server, `postgres on port ${port}`, () => postgres.answers(), 60_000);
		postgres.psql('postgres', `CREATE DATABASE ${database}`);
		log(`postgres ${bin.split('/').at(-2)} on 127.0.0.1:${port} (${dir})`);
		return postgres;
	}

	private clientEnv(): NodeJS.ProcessEnv {
		return { ...process.env, PGPASSWORD: this.connection.password, PGCONNECT_TIMEOUT: '5' };
	}

	private clientArgs(database: string): string[] {
		return [
			'-h',
			this.connection.host,
			'-p',
			String(this.connection.port),
			'-U',
			this.connection.user,
			'-d',
			database,
		];
	}

	private answers(): boolean {
		try {
			return this.psql('postgres', 'SELECT 1').trim() === '1';
		} catch {
			return false;
		}
	}

	private psql(database: string, sql: string): string {
		return runCommand(
			join(this.bin, 'psql'),
			[
				...this.clientArgs(database),
				'-X',
				'-A',
				'-t',
				'-F',
				'\t',
				'-v',
				'ON_ERROR_STOP=1',
				'-c',
				sql,
			],
			{ env: this.clientEnv() },
		);
	}

	/** Rows of a query on the database, each a list of column texts. */
	query(sql: string): string[][] {
		return this.psql(this.connection.database, sql)
			.split('\n')
			.filter((line) => line !== '')
			.map((line) => line.split('\t'));
	}

	/** The whole database as pg_dump's plain SQL. */
	dump(): string {
		return runCommand(join(this.bin, 'pg_dump'), this.clientArgs(this.connection.database), {
			env: this.clientEnv(),
		});
	}

	logs(): string {
		return this.server.logs();
	}

	async stop(): Promise<void> {
		await this.server.stop();
		rmSync(this.dir, { recursive: true, force: true });
	}
}
