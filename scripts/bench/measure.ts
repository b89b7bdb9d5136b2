/**
 * Running the node under test (inside n8n's engine) and the reference clients against the
 * benchmark emulator, with wall time, CPU time of this process, memory (./memory) and the
 * emulator's own counters.
 */
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

import type { INodeExecutionData } from 'n8n-workflow';

import { runNode as runInEngine, type InputItem } from '../../testkit/engine';
import type { ClientRun, Target } from './clients';
import {
	WEBHOOK,
	docIdsFor,
	type BenchFaults,
	type EmulatorHandle,
	type EmulatorStats,
} from './emulator';
import { MemorySampler, gcIfAvailable, type MemoryMeasurement } from './memory';

export interface RunMeasurement {
	count: number;
	wallMs: number;
	/** CPU time of this (the client's) process during the run. */
	cpuMicros: number;
	ok: number;
	failed: number;
	status?: string;
	error?: string;
	emulator: EmulatorStats;
	/** First request's arrival to the last answer, as the emulator saw it (when recorded). */
	requestSpanMs?: number;
	memory?: MemoryMeasurement;
}

let runCounter = 0;
/** Folder of the built package under test (default: this repository). */
let packageDir: string | undefined;

export function setPackageDir(dir: string | undefined): void {
	packageDir = dir;
}

function targetOf(emulator: EmulatorHandle): Target {
	return { baseUrl: emulator.baseUrl, webhookId: WEBHOOK.id, secret: WEBHOOK.secret };
}

interface Prepared {
	docIds: string[];
}

/** Fresh documents for one run, with the faults the emulator plays during it. */
export async function prepare(
	emulator: EmulatorHandle,
	count: number,
	faults: BenchFaults,
	record: boolean,
): Promise<Prepared> {
	const prefix = `b${++runCounter}_`;
	await emulator.prepare({ faults, prefix, count, record });
	return { docIds: docIdsFor(prefix, count) };
}

function spanOf(stats: EmulatorStats): number | undefined {
	if (stats.firstStartedAt === undefined || stats.lastEndedAt === undefined) return undefined;
	return stats.lastEndedAt - stats.firstStartedAt;
}

interface NodeRunOptions {
	count: number;
	/** Unset: the node's default (5). */
	concurrency?: number;
	faults: BenchFaults;
	record: boolean;
	memory?: boolean;
}

function countDeleted(items: INodeExecutionData[]): number {
	let ok = 0;
	for (const item of items) if (item.json.deleted === true) ok++;
	return ok;
}

interface NodeExecution {
	wallMs: number;
	cpuMicros: number;
	ok: number;
	failed: number;
	status: string;
	error?: string;
	memory?: MemoryMeasurement;
}

/**
 * Runs the oneFlow node in n8n's WorkflowExecute over the given (already prepared) documents.
 * With `memory`, gc() runs first, RSS and heap are sampled during the run, and RSS is read
 * again after the result was dropped and gc() ran.
 */
export async function executeNode(
	baseUrl: string,
	docIds: string[],
	concurrency: number | undefined,
	memory = false,
	/** More of the node's options, e.g. `{ reuseConnections: true }`. */
	nodeOptions: Record<string, unknown> = {},
): Promise<NodeExecution> {
	let items: InputItem[] | undefined = docIds.map((docId) => ({ json: { docId } }));
	const parameters = {
		resource: 'document',
		operation: 'delete',
		options: { ...(concurrency === undefined ? {} : { concurrency }), ...nodeOptions },
	};
	let sampler: MemorySampler | undefined;
	let baseline: NodeJS.MemoryUsage | undefined;
	if (memory) {
		gcIfAvailable();
		baseline = process.memoryUsage();
		sampler = new MemorySampler();
		sampler.start(20);
	}
	const cpuBefore = process.cpuUsage();
	const started = performance.now();
	let result: Awaited<ReturnType<typeof runInEngine>> | undefined = await runInEngine({
		node: 'oneFlow',
		packageDir,
		credentials: { oneFlowApi: { baseUrl, webhookId: WEBHOOK.id, webhookSecret: WEBHOOK.secret } },
		parameters,
		items,
		onError: 'continueErrorOutput',
	});
	const wallMs = performance.now() - started;
	const cpu = process.cpuUsage(cpuBefore);
	sampler?.stop();

	const ok = countDeleted(result.main);
	const execution: NodeExecution = {
		wallMs,
		cpuMicros: cpu.user + cpu.system,
		ok,
		failed: result.status === 'success' ? result.errorOutput.length : docIds.length - ok,
		status: result.status,
		error: result.error?.message,
	};
	if (sampler && baseline) {
		result = undefined;
		items = undefined;
		gcIfAvailable();
		const after = process.memoryUsage();
		execution.memory = {
			baselineRss: baseline.rss,
			peakRss: sampler.peakRss,
			baselineHeapUsed: baseline.heapUsed,
			peakHeapUsed: sampler.peakHeapUsed,
			afterGcRss: after.rss,
			afterGcHeapUsed: after.heapUsed,
			samples: sampler.samples,
		};
	}
	return execution;
}

/** Runs the oneFlow node in n8n's WorkflowExecute over `count` fresh documents. */
export async function measureNode(
	emulator: EmulatorHandle,
	options: NodeRunOptions,
): Promise<RunMeasurement> {
	const { docIds } = await prepare(emulator, options.count, options.faults, options.record);
	const execution = await executeNode(
		emulator.baseUrl,
		docIds,
		options.concurrency,
		options.memory === true,
	);
	const stats = await emulator.stats();
	return { count: options.count, ...execution, emulator: stats, requestSpanMs: spanOf(stats) };
}

interface FreshProcessRun {
	count: number;
	warmup: number;
	concurrency: number;
	record: boolean;
}

/**
 * Runs the node in a new Node.js process (scripts/bench/scale-worker, with --expose-gc), so that
 * its RSS starts from a clean slate: warm-up run first, then the measured run.
 */
export async function measureNodeInFreshProcess(
	emulator: EmulatorHandle,
	options: FreshProcessRun,
): Promise<RunMeasurement> {
	const prefix = `b${++runCounter}_`;
	await emulator.prepare({
		faults: { latencyMs: 0 },
		prefix,
		count: options.warmup + options.count,
		record: options.record,
	});
	const child = fork(join(__dirname, 'scale-worker.js'), [], {
		execArgv: ['--expose-gc'],
		stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
	});
	const request: ScaleWorkerRequest = {
		baseUrl: emulator.baseUrl,
		prefix,
		warmup: options.warmup,
		count: options.count,
		concurrency: options.concurrency,
		packageDir,
	};
	const execution = await new Promise<NodeExecution>((resolve, reject) => {
		child.once(
			'message',
			(message: { ok: true; execution: NodeExecution } | { ok: false; error: string }) => {
				if (message.ok) resolve(message.execution);
				else reject(new Error(`scale worker: ${message.error}`));
			},
		);
		child.once('exit', (code) =>
			reject(new Error(`scale worker exited (${code}) without a result`)),
		);
		child.send(request);
	});
	await new Promise<void>((resolve) =>
		child.exitCode !== null ? resolve() : child.once('exit', () => resolve()),
	);
	const stats = await emulator.stats();
	return { count: options.count, ...execution, emulator: stats, requestSpanMs: spanOf(stats) };
}

export interface ScaleWorkerRequest {
	baseUrl: string;
	prefix: string;
	warmup: number;
	count: number;
	concurrency: number;
	packageDir?: string;
}

/** Runs a reference client over `count` fresh documents. */
export async function measureClient(
	emulator: EmulatorHandle,
	count: number,
	client: (target: Target, docIds: string[]) => Promise<ClientRun>,
	faults: BenchFaults = { latencyMs: 0 },
): Promise<RunMeasurement> {
	const { docIds } = await prepare(emulator, count, faults, true);
	const cpuBefore = process.cpuUsage();
	const started = performance.now();
	const run = await client(targetOf(emulator), docIds);
	const wallMs = performance.now() - started;
	const cpu = process.cpuUsage(cpuBefore);
	const stats = await emulator.stats();
	return {
		count,
		wallMs,
		cpuMicros: cpu.user + cpu.system,
		ok: run.ok,
		failed: run.failed,
		emulator: stats,
		requestSpanMs: spanOf(stats),
	};
}

export function median<T>(values: T[], key: (value: T) => number): T {
	const sorted = [...values].sort((a, b) => key(a) - key(b));
	return sorted[Math.floor((sorted.length - 1) / 2)];
}
