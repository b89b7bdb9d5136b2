/**
 * n8n in queue mode with this package, end to end: a throwaway PostgreSQL and Redis; the packed
 * package served by a registry on 127.0.0.1, fetched from it and laid out in the fleet's shared
 * user folder as n8n's Community Nodes installer does, and every process started with the
 * environment-variable install naming that registry (which n8n refuses without a license for
 * custom registries: docs/scaling.md); a 1Flow credential and the bulk-delete workflow imported
 * and published, a main instance and workers, and the 1Flow emulator with a rate limit.
 * `burst()` (./burst) fires executions at it; `secretChecks()` says where the secrets could have
 * ended up. With webhook processes, also a callback signing credential and the 1Flow Trigger
 * workflow (./trigger).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

import { OneFlowEmulator, type FaultConfig } from '../emulator';
import { ensureN8n, installCommunityPackage, packFromRegistry, type CliResult } from '../n8n';
import { QueueFleet } from '../n8n/queue';
import { PackageRegistry } from '../registry';
import { Postgres, Redis } from '../services';
import { triggerWorkflow } from './trigger';
import { bulkDeleteWorkflow } from './workflow';

export interface DeploymentOptions {
	/** The packed package (npm pack of the built repository). */
	tarball: string;
	/** Folder for the fleet's user folder and logs; emptied first. */
	workDir: string;
	workers: number;
	/** `n8n worker --concurrency`. */
	workerConcurrency: number;
	/** The emulator's limit and latency. */
	faults: Pick<FaultConfig, 'rateLimitPerSecond' | 'latencyMs'>;
	/** The 1Flow node's options by variant name: one workflow (and webhook path) each; a burst names its variant. */
	variants: Record<string, Record<string, unknown>>;
	/** `n8n webhook` processes, each serving the 1Flow Trigger workflow; default none (and no trigger). */
	webhookProcesses?: number;
}

export const WEBHOOK_ID = 'wh_queue';

/** One place the secrets must not be: `leaked` must be false, `marker` (something that belongs there) true. */
export interface SecretCheck {
	place: string;
	leaked: boolean;
	/** The place holds what the check expects it to hold (so that it cannot pass by reading nothing). */
	marker: boolean;
}

export class QueueDeployment {
	readonly cliOutputs: CliResult[] = [];

	private constructor(
		readonly options: DeploymentOptions,
		readonly secret: string,
		/** The 1Flow Trigger's Webhook Signing Secret. */
		readonly signingSecret: string,
		readonly postgres: Postgres,
		readonly redis: Redis,
		readonly fleet: QueueFleet,
		readonly emulator: OneFlowEmulator,
		readonly userFolder: string,
		/** The registry serving the packed package; its requests since the install by hand. */
		readonly registry: PackageRegistry,
	) {}

	static async start(options: DeploymentOptions): Promise<QueueDeployment> {
		const app = ensureN8n(2);
		rmSync(options.workDir, { recursive: true, force: true });
		const userFolder = join(options.workDir, 'n8n');
		mkdirSync(userFolder, { recursive: true, mode: 0o700 });
		const secret = `queue-secret-${randomBytes(12).toString('hex')}`;
		const signingSecret = `queue-signing-${randomBytes(12).toString('hex')}`;
		const withTrigger = (options.webhookProcesses ?? 0) > 0;
		const emulator = new OneFlowEmulator({
			webhooks: [{ id: WEBHOOK_ID, secret, documents: [] }],
			faults: options.faults,
		});
		const registry = new PackageRegistry(options.tarball);
		const started: Array<{ stop(): Promise<void> }> = [];
		try {
			const registryUrl = await registry.start();
			started.push(registry);
			const { name, version } = registry;
			const fetched = join(options.workDir, 'fetched');
			mkdirSync(fetched);
			const spec = `${name}@${version}`;
			installCommunityPackage(
				userFolder,
				await packFromRegistry(registryUrl, spec, fetched, join(options.workDir, 'npm-cache')),
			);
			// From here on the log holds what n8n asks the registry.
			registry.requests.length = 0;
			const baseUrl = await emulator.start();
			started.push(emulator);
			const postgres = await Postgres.start('n8n');
			started.push(postgres);
			const redis = await Redis.start();
			started.push(redis);
			const fleet = await QueueFleet.prepare({
				app,
				userFolder,
				postgres: postgres.connection,
				redisPort: redis.port,
				workers: options.workers,
				concurrency: options.workerConcurrency,
				webhookProcesses: options.webhookProcesses,
				communityPackages: { registry: registryUrl, packages: [{ name, version }] },
			});
			started.push(fleet);
			const deployment = new QueueDeployment(
				options,
				secret,
				signingSecret,
				postgres,
				redis,
				fleet,
				emulator,
				userFolder,
				registry,
			);
			const credential = { id: 'queueOneFlowCred', name: '1Flow (queue mode)' };
			const signing = { id: 'queueSigningCred', name: '1Flow callback signing (queue mode)' };
			await deployment.import('credentials', [
				{
					...credential,
					type: 'oneFlowApi',
					data: { baseUrl, webhookId: WEBHOOK_ID, webhookSecret: secret },
				},
				...(withTrigger
					? [{ ...signing, type: 'oneFlowCallbackApi', data: { signingSecret } }]
					: []),
			]);
			const workflows = Object.entries(options.variants).map(([variant, nodeOptions], index) =>
				bulkDeleteWorkflow(credential, variant, index, nodeOptions),
			);
			if (withTrigger) workflows.push(triggerWorkflow(signing, credential));
			await deployment.import('workflow', workflows);
			for (const workflow of workflows)
				await deployment.cliOrThrow(['publish:workflow', `--id=${String(workflow.id)}`]);
			await fleet.start();
			return deployment;
		} catch (error) {
			await Promise.all(started.reverse().map((service) => service.stop().catch(() => undefined)));
			throw error;
		}
	}

	private async cliOrThrow(args: string[]): Promise<void> {
		const result = await this.fleet.cli(args);
		this.cliOutputs.push(result);
		if (result.code !== 0 || /An error occurred/.test(result.output))
			throw new Error(`n8n ${args[0]} failed (${result.code}):\n${result.output.slice(-3000)}`);
	}

	private async import(kind: 'credentials' | 'workflow', entries: unknown[]): Promise<void> {
		const file = join(this.options.workDir, `${kind}.json`);
		writeFileSync(file, JSON.stringify(entries, null, 2));
		try {
			await this.cliOrThrow([`import:${kind}`, `--input=${file}`]);
		} finally {
			// The credential file holds the secret in plain text: it must not outlive the import.
			rmSync(file, { force: true });
		}
	}

	/** Everything the fleet stored and printed, searched for the 1Flow secret and the signing secret. */
	secretChecks(): SecretCheck[] {
		const has = (text: string | Buffer, needle: string) => text.includes(needle);
		const checks: SecretCheck[] = [];
		const check = (place: string, content: string | Buffer, marker: string) =>
			checks.push({
				place,
				leaked: has(content, this.secret) || has(content, this.signingSecret),
				marker: has(content, marker),
			});
		// The stored executions name the deleted documents; Bull keeps its queue under "bull:".
		check('PostgreSQL (pg_dump of the n8n database)', this.postgres.dump(), 'doc_q');
		check('Redis (snapshot of every key)', this.redis.snapshot(), 'bull:');
		for (const [name, logs] of Object.entries(this.fleet.logs()))
			check(`n8n ${name} output`, logs, 'n8n');
		this.cliOutputs.forEach((result, index) =>
			check(`n8n CLI command ${index + 1} output`, result.output, 'n8n'),
		);
		check('PostgreSQL server log', this.postgres.logs(), '');
		check('Redis server log', this.redis.logs(), '');
		const n8nFolder = join(this.userFolder, '.n8n');
		for (const file of filesUnder(n8nFolder, ['nodes']))
			check(`file ${relative(this.userFolder, file)}`, readFileSync(file), '');
		return checks;
	}

	/** Main, workers and webhook processes, then the services. */
	async stop(): Promise<void> {
		await this.fleet.stop();
		await Promise.all([
			this.postgres.stop(),
			this.redis.stop(),
			this.emulator.stop(),
			this.registry.stop(),
		]);
	}
}

/** Every file under `dir`, skipping the top-level folders named in `skip`. */
function filesUnder(dir: string, skip: string[]): string[] {
	return readdirSync(dir, { recursive: true, encoding: 'utf8' })
		.filter((path) => !skip.some((folder) => path === folder || path.startsWith(`${folder}/`)))
		.map((path) => join(dir, path))
		.filter((path) => statSync(path).isFile());
}
