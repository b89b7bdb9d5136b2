/**
 * A fresh n8n 2.x for one row of the Trigger scenario: its own user folder and ports, the
 * packed package installed as n8n's Community Nodes installer lays it out, credentials and one
 * workflow imported and published, on SQLite (n8n's default) or a throwaway PostgreSQL in
 * regular execution mode. Its executions are read from its database.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { executionRowsSql, type ExecutionRow } from '../../testkit/callback-load/ledger';
import type { ExecutionCount } from '../../testkit/callback-load/settle';
import { freePorts } from '../../testkit/free-port';
import {
	ensureN8n,
	installCommunityPackage,
	n8nCli,
	n8nEnv,
	startN8n,
	type N8nServer,
} from '../../testkit/n8n';
import { querySqlite } from '../../testkit/n8n-sqlite';
import { Postgres } from '../../testkit/services';
import { groupCpuSeconds, processGroupIn } from './process-cpu';

export type Database = 'sqlite' | 'postgres';

interface FreshOptions {
	tarball: string;
	/** Emptied first; removed by stop(). */
	workDir: string;
	database: Database;
	credentials: unknown[];
	workflow: Record<string, unknown>;
	/** Settings on top of the test kit's. */
	env?: Record<string, string>;
}

const UNFINISHED = "('new', 'running', 'waiting')";

export class FreshN8n {
	private constructor(
		readonly version: string,
		private readonly workDir: string,
		private readonly userFolder: string,
		readonly baseUrl: string,
		private readonly server: N8nServer,
		private readonly postgres: Postgres | undefined,
		private readonly group: number | undefined,
	) {}

	static async start({
		tarball,
		workDir,
		database,
		credentials,
		workflow,
		env: rowEnv,
	}: FreshOptions): Promise<FreshN8n> {
		const app = ensureN8n(2);
		rmSync(workDir, { recursive: true, force: true });
		const userFolder = join(workDir, 'n8n');
		mkdirSync(userFolder, { recursive: true, mode: 0o700 });
		installCommunityPackage(userFolder, tarball);
		const postgres = database === 'postgres' ? await Postgres.start('n8n') : undefined;
		try {
			const [port, brokerPort] = await freePorts(2);
			const env = {
				...n8nEnv({ major: 2, userFolder, port, brokerPort }),
				// Every execution must stay readable until the row is judged.
				EXECUTIONS_DATA_PRUNE: 'false',
				...(postgres ? postgresEnv(postgres) : {}),
				...rowEnv,
			};
			const cli = async (args: string[]) => {
				const result = await n8nCli(app, args, env);
				if (result.code !== 0 || /An error occurred/.test(result.output))
					throw new Error(`n8n ${args[0]} failed (${result.code}):\n${result.output.slice(-3000)}`);
			};
			for (const [kind, entries] of [
				['credentials', credentials],
				['workflow', [workflow]],
			] as const) {
				const file = join(workDir, `${kind}.json`);
				writeFileSync(file, JSON.stringify(entries));
				await cli([`import:${kind}`, `--input=${file}`]);
				// The credential file holds the signing secret in plain text.
				rmSync(file, { force: true });
			}
			await cli(['publish:workflow', `--id=${String(workflow.id)}`]);
			const server = await startN8n(app, { env });
			const group = processGroupIn(userFolder, app.binPath);
			const baseUrl = `http://127.0.0.1:${port}`;
			return new FreshN8n(app.version, workDir, userFolder, baseUrl, server, postgres, group);
		} catch (error) {
			await postgres?.stop();
			throw error;
		}
	}

	url(path: string): string {
		return `${this.baseUrl}/webhook/${path}`;
	}

	/** CPU seconds n8n and its task runner have used since they started. */
	cpuSeconds(): number | undefined {
		return this.group === undefined ? undefined : groupCpuSeconds(this.group);
	}

	logs(): string {
		return this.server.logs();
	}

	private query<Row extends Record<string, unknown>>(sql: string, columns: string[]): Row[] {
		if (this.postgres)
			return this.postgres
				.query(sql)
				.map((cells) => Object.fromEntries(columns.map((name, at) => [name, cells[at]])) as Row);
		return querySqlite<Row>(this.userFolder, sql);
	}

	executionCount(): ExecutionCount {
		const [row] = this.query<{ total: unknown; unfinished: unknown }>(
			`SELECT count(*) AS total, count(CASE WHEN status IN ${UNFINISHED} THEN 1 END) AS unfinished FROM execution_entity`,
			['total', 'unfinished'],
		);
		return { total: Number(row.total), unfinished: Number(row.unfinished) };
	}

	executions(workflowId: string): ExecutionRow[] {
		return this.query<Record<string, unknown>>(executionRowsSql(workflowId), [
			'id',
			'status',
			'data',
		]).map((row) => ({ id: String(row.id), status: String(row.status), data: String(row.data) }));
	}

	async stop(): Promise<void> {
		await this.server.stop();
		await this.postgres?.stop();
		rmSync(this.workDir, { recursive: true, force: true });
	}
}

function postgresEnv({ connection }: Postgres): NodeJS.ProcessEnv {
	return {
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: connection.host,
		DB_POSTGRESDB_PORT: String(connection.port),
		DB_POSTGRESDB_DATABASE: connection.database,
		DB_POSTGRESDB_USER: connection.user,
		DB_POSTGRESDB_PASSWORD: connection.password,
	};
}
