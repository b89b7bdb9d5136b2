/**
 * Child-process entry of the HTTPS benchmark's clients (forked by scenarios/keepalive.ts with
 * NODE_EXTRA_CA_CERTS naming the run's self-signed certificate, which Node reads only at
 * start). Runs one client over the given documents per message and answers with its wall and
 * CPU time: the node in n8n's engine (through n8n's helper, or with Reuse Connections), or raw
 * undici with a keep-alive pool. Nothing else runs here, so the CPU time is the client's.
 */
import '../../testkit/engine/env';

import { performance } from 'node:perf_hooks';

import { undiciPool } from './clients';
import { WEBHOOK } from './emulator';
import { executeNode, setPackageDir } from './measure';

export type TlsClient = 'helper' | 'keepAlive' | 'undici';

export interface TlsClientRequest {
	client: TlsClient;
	baseUrl: string;
	docIds: string[];
	concurrency: number;
	packageDir?: string;
}

export type TlsClientReply =
	| { ok: true; wallMs: number; cpuMicros: number; deleted: number; failed: number }
	| { ok: false; error: string };

const FETCH_POOL = Symbol.for('undici.globalDispatcher.1');

/**
 * Replaces fetch's process-wide pool by an empty one, so a measured run pays its own
 * handshakes, as the first run after n8n starts (or after 4 s without requests) does.
 */
async function emptyFetchPool(): Promise<void> {
	const slots = globalThis as unknown as Record<
		symbol,
		{ constructor: new () => unknown; close(): Promise<void> } | undefined
	>;
	const pool = slots[FETCH_POOL];
	if (pool === undefined) return;
	slots[FETCH_POOL] = new pool.constructor() as typeof pool;
	await pool.close();
}

async function run(request: TlsClientRequest): Promise<TlsClientReply> {
	setPackageDir(request.packageDir);
	const { client, baseUrl, docIds, concurrency } = request;
	if (client === 'keepAlive') await emptyFetchPool();
	const cpuBefore = process.cpuUsage();
	const started = performance.now();
	let counts: { deleted: number; failed: number };
	if (client === 'undici') {
		const { ok, failed } = await undiciPool(
			{ baseUrl, webhookId: WEBHOOK.id, secret: WEBHOOK.secret },
			docIds,
			concurrency,
		);
		counts = { deleted: ok, failed };
	} else {
		const { ok, failed } = await executeNode(baseUrl, docIds, concurrency, false, {
			reuseConnections: client === 'keepAlive',
		});
		counts = { deleted: ok, failed };
	}
	const wallMs = performance.now() - started;
	const cpu = process.cpuUsage(cpuBefore);
	return { ok: true, wallMs, cpuMicros: cpu.user + cpu.system, ...counts };
}

if (!process.send) throw new Error('tls-client must be started with an IPC channel (fork)');
process.on('disconnect', () => process.exit(0));
process.on('message', (request: TlsClientRequest) => {
	run(request).then(
		(reply) => process.send?.(reply),
		(error: unknown) =>
			process.send?.({
				ok: false,
				error: error instanceof Error ? (error.stack ?? error.message) : String(error),
			}),
	);
});
