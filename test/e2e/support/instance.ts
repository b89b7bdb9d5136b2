/**
 * One n8n instance of the end-to-end suite: a user folder with the package installed, its CLI,
 * its database and its server. Every CLI output and the server's log are kept (`outputs`) for
 * the secret checks, and written next to the user folder for a look after a failure.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

import type { IRun } from 'n8n-workflow';

import {
	ensureN8n,
	n8nCli,
	n8nEnv,
	startN8n,
	type CliResult,
	type N8nMajor,
	type N8nServer,
} from '../../../testkit/n8n';
import { freePort } from '../../../testkit/free-port';
import { querySqlite } from '../../../testkit/n8n-sqlite';
import { parseRun } from './run-data';

export interface Execution extends CliResult {
	run?: IRun;
}

export function tail(text: string, chars = 3000): string {
	return text.length > chars ? `...${text.slice(-chars)}` : text;
}

export class N8nInstance {
	readonly outputs: Array<{ args: string[]; output: string }> = [];
	private server: N8nServer | undefined;

	private constructor(
		readonly major: N8nMajor,
		readonly userFolder: string,
		readonly port: number,
		private readonly env: NodeJS.ProcessEnv,
	) {}

	/** An instance on an existing user folder, with ports of its own. */
	static async open(major: N8nMajor, userFolder: string): Promise<N8nInstance> {
		const port = await freePort();
		let brokerPort = await freePort();
		while (brokerPort === port) brokerPort = await freePort();
		return new N8nInstance(
			major,
			userFolder,
			port,
			n8nEnv({ major, userFolder, port, brokerPort }),
		);
	}

	get baseUrl(): string {
		return `http://127.0.0.1:${this.port}`;
	}

	private keep(args: string[], output: string, header = ''): void {
		this.outputs.push({ args, output });
		const logs = join(this.userFolder, '..', `${basename(this.userFolder)}-logs`);
		mkdirSync(logs, { recursive: true });
		const name = `${String(this.outputs.length).padStart(2, '0')}-${args[0].replace(/[^a-z0-9]+/gi, '-')}.log`;
		writeFileSync(join(logs, name), `$ n8n ${args.join(' ')}\n${header}${output}`);
	}

	/** Runs an n8n command; `env` adds to (or overrides) the instance's environment for this command. */
	async cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
		const result = await n8nCli(ensureN8n(this.major), args, { ...this.env, ...env });
		this.keep(
			args,
			result.output,
			`# exit ${result.code} signal ${result.signal} after ${result.ms} ms\n`,
		);
		return result;
	}

	/** Imports credentials or workflows from a JSON file written into the user folder. */
	async import(kind: 'credentials' | 'workflow', entries: unknown[]): Promise<void> {
		const file = join(this.userFolder, 'e2e-input', `${kind}.json`);
		mkdirSync(join(this.userFolder, 'e2e-input'), { recursive: true });
		writeFileSync(file, JSON.stringify(entries, null, 2));
		const result = await this.cli([`import:${kind}`, `--input=${file}`]);
		if (result.code !== 0 || /An error occurred/.test(result.output)) {
			throw new Error(`import:${kind} failed (${result.code}):\n${tail(result.output)}`);
		}
	}

	/** Runs a stored workflow and reads the run n8n printed. */
	async execute(workflowId: string, env?: NodeJS.ProcessEnv): Promise<Execution> {
		const result = await this.cli(['execute', `--id=${workflowId}`, '--rawOutput'], env);
		return { ...result, run: parseRun(result.stdout) ?? parseRun(result.output) };
	}

	/** Makes a workflow active so `n8n start` registers its webhooks (2.x: publish, 1.x: active flag). */
	async activate(workflowId: string): Promise<void> {
		const args =
			this.major >= 2
				? ['publish:workflow', `--id=${workflowId}`]
				: ['update:workflow', `--id=${workflowId}`, '--active=true'];
		const result = await this.cli(args);
		if (result.code !== 0)
			throw new Error(`${args[0]} failed (${result.code}):\n${tail(result.output)}`);
	}

	async startServer(): Promise<N8nServer> {
		this.server = await startN8n(ensureN8n(this.major), { env: this.env });
		return this.server;
	}

	async stopServer(): Promise<void> {
		const server = this.server;
		if (!server) return;
		this.server = undefined;
		await server.stop();
		this.keep(['start'], server.logs());
	}

	/** Reads rows from n8n's SQLite database (on n8n 1.x, while n8n is not writing to it). */
	query<Row>(sql: string): Row[] {
		return querySqlite<Row>(this.userFolder, sql);
	}

	/** Every file n8n keeps its database in (main file plus WAL/journal, if any). */
	databaseFiles(): string[] {
		const dir = join(this.userFolder, '.n8n');
		return readdirSync(dir)
			.filter((name) => name.startsWith('database.sqlite'))
			.map((name) => join(dir, name));
	}
}
