/**
 * The benchmark's 1Flow emulator, in this process or in a child process.
 *
 * Both placements expose the same asynchronous handle. In a child process the emulator's
 * CPU (HTTP parsing, JSON, timers) runs on its own event loop and core instead of competing
 * with the node under test, and its memory (documents, request records) stays out of the
 * benchmark's RSS figures.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { DEMO_WEBHOOK, OneFlowEmulator, type FaultConfig } from '../../testkit/emulator';
import { DelayProxy } from './delay-proxy';

export type Placement = 'child' | 'in-process';

/** HTTPS with this key and certificate, behind a proxy that makes every packet pay half a round trip. */
export interface TlsNetwork {
	keyFile: string;
	certFile: string;
	roundTripMs: number;
}

/** Serialisable part of FaultConfig (no script function). */
export type BenchFaults = Pick<FaultConfig, 'latencyMs' | 'rateLimitPerSecond' | 'retryAfter'>;

interface PrepareRequest {
	faults: BenchFaults;
	/** Documents `${prefix}${i}`, i = 0 .. count-1, are added to the demo webhook. */
	prefix: string;
	count: number;
	/** Keep request records (statuses, first/last time); cheap in a child process. */
	record: boolean;
	/** Line items of each prepared document's extraction (default: the emulator's). */
	lineItems?: number;
}

export interface EmulatorStats {
	requests: number;
	maxInFlight: number;
	/** TCP connections accepted since prepare(). */
	connections: number;
	/** Documents of the prepared set that are gone. */
	deleted: number;
	/** Documents deleted more than once (should be 0). */
	deletedTwice: number;
	/** Files uploaded since prepare(): size and SHA-256 of each, as the emulator received them. */
	uploads: Array<{ size: number; sha256: string }>;
	/** Status histogram (only when recording). */
	statuses?: Record<string, number>;
	/** Date.now() of the first request's arrival and the last answer (only when recording). */
	firstStartedAt?: number;
	lastEndedAt?: number;
	/** CPU time of the emulator process since prepare() (child placement only), µs. */
	cpuUserMicros?: number;
	cpuSystemMicros?: number;
}

export interface EmulatorHandle {
	readonly placement: Placement;
	readonly baseUrl: string;
	prepare(request: PrepareRequest): Promise<void>;
	stats(): Promise<EmulatorStats>;
	stop(): Promise<void>;
}

export const WEBHOOK = DEMO_WEBHOOK;

export function docIdsFor(prefix: string, count: number): string[] {
	const ids = new Array<string>(count);
	for (let i = 0; i < count; i++) ids[i] = `${prefix}${i}`;
	return ids;
}

/** The emulator logic shared by both placements; runs where the emulator lives. */
export class EmulatorCore {
	readonly emulator: OneFlowEmulator;
	private proxy: DelayProxy | undefined;
	private prefix = '';
	private count = 0;
	private connectionsAtPrepare = 0;
	private cpuAtPrepare: NodeJS.CpuUsage | undefined;

	constructor(
		private readonly measureCpu: boolean,
		private readonly network?: TlsNetwork,
	) {
		const tls = network && {
			key: readFileSync(network.keyFile, 'utf8'),
			cert: readFileSync(network.certFile, 'utf8'),
		};
		this.emulator = new OneFlowEmulator({
			webhooks: [{ ...DEMO_WEBHOOK, documents: [] }],
			record: false,
			tls,
		});
	}

	/** The address clients use: the emulator's own, or the delaying proxy's in front of it. */
	async start(): Promise<string> {
		const url = await this.emulator.start();
		if (!this.network) return url;
		const { hostname, port } = new URL(url);
		this.proxy = new DelayProxy({ host: hostname, port: Number(port) }, this.network.roundTripMs);
		return `https://127.0.0.1:${await this.proxy.start()}`;
	}

	async stop(): Promise<void> {
		await this.proxy?.stop();
		await this.emulator.stop();
	}

	prepare(request: PrepareRequest): void {
		const { emulator } = this;
		emulator.setFaults({ ...request.faults });
		emulator.addDocuments(DEMO_WEBHOOK.id, docIdsFor(request.prefix, request.count), {
			lineItems: request.lineItems,
		});
		emulator.setRecording(request.record);
		emulator.resetRecord();
		this.prefix = request.prefix;
		this.count = request.count;
		this.connectionsAtPrepare = emulator.connectionCount;
		this.cpuAtPrepare = this.measureCpu ? process.cpuUsage() : undefined;
	}

	stats(): EmulatorStats {
		const { emulator } = this;
		let deleted = 0;
		let deletedTwice = 0;
		for (let i = 0; i < this.count; i++) {
			const docId = `${this.prefix}${i}`;
			if (!emulator.hasDocument(DEMO_WEBHOOK.id, docId)) deleted++;
			if (emulator.deleteCount(docId) > 1) deletedTwice++;
		}
		const stats: EmulatorStats = {
			requests: emulator.requestCount,
			maxInFlight: emulator.maxInFlight,
			connections: emulator.connectionCount - this.connectionsAtPrepare,
			deleted,
			deletedTwice,
			uploads: emulator.uploads.map(({ file }) => ({ size: file.size, sha256: file.sha256 })),
		};
		if (emulator.requests.length > 0) {
			const statuses: Record<string, number> = {};
			let first = Infinity;
			let last = 0;
			for (const request of emulator.requests) {
				const key = String(request.status);
				statuses[key] = (statuses[key] ?? 0) + 1;
				if (request.startedAt < first) first = request.startedAt;
				if (request.endedAt > last) last = request.endedAt;
			}
			stats.statuses = statuses;
			stats.firstStartedAt = first;
			stats.lastEndedAt = last;
		}
		if (this.cpuAtPrepare !== undefined) {
			const cpu = process.cpuUsage(this.cpuAtPrepare);
			stats.cpuUserMicros = cpu.user;
			stats.cpuSystemMicros = cpu.system;
		}
		return stats;
	}
}

class InProcessEmulator implements EmulatorHandle {
	readonly placement = 'in-process' as const;

	constructor(
		private readonly core: EmulatorCore,
		readonly baseUrl: string,
	) {}

	async prepare(request: PrepareRequest): Promise<void> {
		this.core.prepare(request);
	}

	async stats(): Promise<EmulatorStats> {
		return this.core.stats();
	}

	async stop(): Promise<void> {
		await this.core.stop();
	}
}

/** Messages between the benchmark and scripts/bench/emulator-process. */
export type ChildCommand =
	| { id: number; command: 'prepare'; request: PrepareRequest }
	| { id: number; command: 'stats' }
	| { id: number; command: 'stop' };
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
export type ChildReply =
	| { type: 'ready'; baseUrl: string }
	| { type: 'reply'; id: number; ok: true; result?: unknown }
	| { type: 'reply'; id: number; ok: false; error: string };

class ChildEmulator implements EmulatorHandle {
	readonly placement = 'child' as const;
	private nextId = 1;
	private readonly pending = new Map<
		number,
		{ resolve: (value: unknown) => void; reject: (error: Error) => void }
	>();

	constructor(
		private readonly child: ChildProcess,
		readonly baseUrl: string,
	) {
		child.on('message', (message: ChildReply) => {
			if (message.type !== 'reply') return;
			const waiter = this.pending.get(message.id);
			if (!waiter) return;
			this.pending.delete(message.id);
			if (message.ok) waiter.resolve(message.result);
			else waiter.reject(new Error(`emulator process: ${message.error}`));
		});
		child.on('exit', (code) => {
			for (const waiter of this.pending.values())
				waiter.reject(new Error(`emulator process exited (${code})`));
			this.pending.clear();
		});
	}

	private call(command: WithoutId<ChildCommand>): Promise<unknown> {
		const id = this.nextId++;
		return new Promise((resolve, reject) => {
			this.pending.set(id, { resolve, reject });
			this.child.send({ ...command, id });
		});
	}

	async prepare(request: PrepareRequest): Promise<void> {
		await this.call({ command: 'prepare', request });
	}

	async stats(): Promise<EmulatorStats> {
		return (await this.call({ command: 'stats' })) as EmulatorStats;
	}

	async stop(): Promise<void> {
		if (this.child.exitCode !== null) return;
		const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
		await this.call({ command: 'stop' }).catch(() => undefined);
		await exited;
	}
}

export async function startEmulator(
	placement: Placement,
	network?: TlsNetwork,
): Promise<EmulatorHandle> {
	if (placement === 'in-process') {
		const core = new EmulatorCore(false, network);
		return new InProcessEmulator(core, await core.start());
	}
	// Plain child: none of the parent's --expose-gc / --cpu-prof / --inspect flags.
	const args = network ? [JSON.stringify(network)] : [];
	const child = fork(join(__dirname, 'emulator-process.js'), args, {
		execArgv: [],
		stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
	});
	const baseUrl = await new Promise<string>((resolve, reject) => {
		const onExit = (code: number | null) =>
			reject(new Error(`emulator process exited early (${code})`));
		child.once('exit', onExit);
		child.once('error', reject);
		child.once('message', (message: ChildReply) => {
			child.off('exit', onExit);
			if (message.type === 'ready') resolve(message.baseUrl);
			else reject(new Error('emulator process: unexpected first message'));
		});
	});
	return new ChildEmulator(child, baseUrl);
}
