/**
 * n8n in queue mode: a main instance (`n8n start`: editor, webhooks, the queue), workers
 * (`n8n worker --concurrency N`) that run the executions and, optionally, webhook processes
 * (`n8n webhook`: production webhooks only, each on its own port), sharing PostgreSQL, Redis,
 * the encryption key and one user folder (where community packages are installed, as a shared
 * volume would hold them). The main instance keeps serving production webhooks too.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

import { freePorts } from '../free-port';
import type { PostgresConnection } from '../services';
import { n8nEnv } from './env';
import type { N8nApp } from './install';
import {
	n8nCli,
	startN8n,
	startN8nWebhook,
	startN8nWorker,
	type CliResult,
	type N8nServer,
} from './process';

export interface QueueFleetOptions {
	app: N8nApp;
	/** N8N_USER_FOLDER of every process: the package must be installed there. */
	userFolder: string;
	postgres: PostgresConnection;
	redisPort: number;
	workers: number;
	/** Executions each worker runs at once. */
	concurrency: number;
	/** `n8n webhook` processes; default none. */
	webhookProcesses?: number;
	/** The environment-variable install (n8n 2.21+), set on every process as a deployment would. */
	communityPackages?: { registry: string; packages: Array<{ name: string; version: string }> };
}

/** The settings every process of the fleet shares. */
function sharedEnv(
	{ postgres, redisPort, communityPackages }: QueueFleetOptions,
	encryptionKey: string,
): NodeJS.ProcessEnv {
	return {
		...(communityPackages && {
			N8N_COMMUNITY_PACKAGES_MANAGED_BY_ENV: 'true',
			N8N_COMMUNITY_PACKAGES: JSON.stringify(communityPackages.packages),
			N8N_COMMUNITY_PACKAGES_REGISTRY: communityPackages.registry,
		}),
		EXECUTIONS_MODE: 'queue',
		N8N_ENCRYPTION_KEY: encryptionKey,
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: postgres.host,
		DB_POSTGRESDB_PORT: String(postgres.port),
		DB_POSTGRESDB_DATABASE: postgres.database,
		DB_POSTGRESDB_USER: postgres.user,
		DB_POSTGRESDB_PASSWORD: postgres.password,
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: String(redisPort),
	};
}

export class QueueFleet {
	private main: N8nServer | undefined;
	private workers: N8nServer[] = [];
	private webhooks: N8nServer[] = [];

	private constructor(
		private readonly options: QueueFleetOptions,
		private readonly mainEnv: NodeJS.ProcessEnv,
		private readonly workerEnvs: NodeJS.ProcessEnv[],
		private readonly webhookEnvs: NodeJS.ProcessEnv[],
	) {}

	/** The fleet's settings; nothing runs yet (the CLI works, e.g. to import before starting). */
	static async prepare(options: QueueFleetOptions): Promise<QueueFleet> {
		const { app, userFolder, workers, webhookProcesses = 0 } = options;
		const shared = sharedEnv(options, randomBytes(24).toString('hex'));
		const ports = await freePorts(2 * (1 + workers + webhookProcesses));
		const envOf = (index: number) => ({
			...n8nEnv({
				major: app.major,
				userFolder,
				port: ports[2 * index],
				brokerPort: ports[2 * index + 1],
			}),
			...shared,
		});
		// Each process but the main one its own event log; in one folder they would write the same file.
		const withEventLog = (env: NodeJS.ProcessEnv, name: string) => ({
			...env,
			N8N_EVENTBUS_LOGWRITER_LOGFULLPATH: join(userFolder, '.n8n', `n8nEventLog-${name}.log`),
		});
		const workerEnvs = Array.from({ length: workers }, (_, index) =>
			withEventLog(envOf(1 + index), `worker-${index + 1}`),
		);
		const webhookEnvs = Array.from({ length: webhookProcesses }, (_, index) =>
			withEventLog(envOf(1 + workers + index), `webhook-${index + 1}`),
		);
		return new QueueFleet(options, envOf(0), workerEnvs, webhookEnvs);
	}

	get baseUrl(): string {
		return `http://127.0.0.1:${this.mainEnv.N8N_PORT}`;
	}

	/** The base URL of each webhook process, in order (production webhooks under `/webhook/`). */
	get webhookBaseUrls(): string[] {
		return this.webhookEnvs.map((env) => `http://127.0.0.1:${env.N8N_PORT}`);
	}

	/** One n8n CLI command with the main instance's settings. */
	async cli(args: string[]): Promise<CliResult> {
		return await n8nCli(this.options.app, args, this.mainEnv);
	}

	/**
	 * The main instance first (it migrates the database and registers the published workflows'
	 * webhooks), then the workers and webhook processes together.
	 */
	async start(): Promise<void> {
		this.main = await startN8n(this.options.app, { env: this.mainEnv });
		const { app, concurrency } = this.options;
		const [workers, webhooks] = await Promise.all([
			Promise.allSettled(this.workerEnvs.map((env) => startN8nWorker(app, { env, concurrency }))),
			Promise.allSettled(this.webhookEnvs.map((env) => startN8nWebhook(app, { env }))),
		]);
		const fulfilled = (results: Array<PromiseSettledResult<N8nServer>>) =>
			results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
		this.workers = fulfilled(workers);
		this.webhooks = fulfilled(webhooks);
		const failed = [...workers, ...webhooks].find((result) => result.status === 'rejected');
		if (failed) throw (failed as PromiseRejectedResult).reason;
	}

	/** What the main instance, each worker and each webhook process printed, by name. */
	logs(): Record<string, string> {
		const logs: Record<string, string> = { main: this.main?.logs() ?? '' };
		this.workers.forEach((worker, index) => (logs[`worker ${index + 1}`] = worker.logs()));
		this.webhooks.forEach((webhook, index) => (logs[`webhook ${index + 1}`] = webhook.logs()));
		return logs;
	}

	/** The ids of the executions each worker started, in worker order. */
	executionsByWorker(): string[][] {
		return this.workers.map((worker) =>
			[...worker.logs().matchAll(/Worker started execution (\d+)/g)].map((match) => match[1]),
		);
	}

	async stop(): Promise<void> {
		await Promise.all([...this.webhooks, ...this.workers].map((server) => server.stop()));
		await this.main?.stop();
	}
}
