/**
 * Keep-alive over TLS with real round trips: the emulator serves HTTPS (a self-signed
 * certificate made for the run) behind a loopback proxy that delays every packet, so each new
 * connection pays its TCP and TLS handshakes in round trips, as against 1Flow on the internet.
 * Deletes through n8n's request helper, through the node's Reuse Connections, and through raw
 * undici with a keep-alive pool, in a client process of their own that trusts the certificate
 * (NODE_EXTRA_CA_CERTS is read at start), against the ideal N × (RTT + server time) / concurrency.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { makeCertificate } from '../certificate';
import { renderLineChart } from '../chart';
import { startEmulator, type EmulatorHandle, type EmulatorStats } from '../emulator';
import { prepare } from '../measure';
import { fixed, seconds, times, verdict, type Table } from '../table';
import type { TlsClient, TlsClientReply, TlsClientRequest } from '../tls-client';
import { log, type Scenario } from './scenario';

const ROUND_TRIP_MS = 20;
const SERVER_MS = 5;
const CONCURRENCIES = [5, 20];
const TARGET_RATIO = 1.15;
const TARGET_CONNECTIONS_PER_REQUEST = 0.05;
const TARGET_CPU_SHARE = 1 / 3;

const CLIENTS: Array<{ client: TlsClient; label: string; color: string }> = [
	{ client: 'helper', label: "node, n8n's helper (default)", color: '#c0392b' },
	{ client: 'keepAlive', label: 'node, Reuse Connections', color: '#2471a3' },
	{ client: 'undici', label: 'raw undici, keep-alive pool', color: '#7d8c8d' },
];

interface Row {
	client: TlsClient | 'ideal';
	concurrency: number;
	wallMs: number;
	/** First request in to last answer out, as the emulator saw it: the wall time without the engine's work before and after. */
	spanMs?: number;
	cpuMicrosPerRequest?: number;
	connectionsPerRequest?: number;
	failed?: number;
	emulator?: EmulatorStats;
}

function ask(
	worker: ChildProcess,
	request: TlsClientRequest,
): Promise<Extract<TlsClientReply, { ok: true }>> {
	return new Promise((resolve, reject) => {
		worker.once('message', (reply: TlsClientReply) =>
			reply.ok ? resolve(reply) : reject(new Error(`TLS client: ${reply.error}`)),
		);
		worker.send(request);
	});
}

async function measure(
	emulator: EmulatorHandle,
	worker: ChildProcess,
	packageDir: string,
	client: TlsClient,
	count: number,
	concurrency: number,
): Promise<Row> {
	const { docIds } = await prepare(emulator, count, { latencyMs: SERVER_MS }, true);
	const reply = await ask(worker, {
		client,
		baseUrl: emulator.baseUrl,
		docIds,
		concurrency,
		packageDir,
	});
	const stats = await emulator.stats();
	return {
		client,
		concurrency,
		wallMs: reply.wallMs,
		spanMs:
			stats.lastEndedAt === undefined || stats.firstStartedAt === undefined
				? undefined
				: stats.lastEndedAt - stats.firstStartedAt,
		cpuMicrosPerRequest: reply.cpuMicros / count,
		connectionsPerRequest: stats.connections / Math.max(1, stats.requests),
		failed: count - reply.deleted,
		emulator: stats,
	};
}

function chartOf(rows: Row[], count: number): string {
	const series = [
		...CLIENTS,
		{ client: 'ideal' as const, label: 'ideal: N × (RTT + server) / conc.', color: '#27ae60' },
	].map((entry) => ({
		name: entry.label,
		color: entry.color,
		dashed: entry.client === 'ideal',
		points: rows
			.filter((row) => row.client === entry.client)
			.map((row): [number, number] => [row.concurrency, row.wallMs / 1000]),
	}));
	return renderLineChart({
		title: `${count} deletes over HTTPS, round trip ${ROUND_TRIP_MS} ms, server ${SERVER_MS} ms`,
		subtitle: 'wall time of the whole run: lower is better',
		xLabel: 'concurrency (requests in flight)',
		yLabel: 'wall time (s)',
		series,
		formatY: (y) => `${y.toFixed(1)} s`,
	});
}

export const keepalive: Scenario = async ({ options, resultsDir }) => {
	const count = options.sizes.keepalive;
	const dir = mkdtempSync(join(tmpdir(), 'n8n-nodes-1flow-tls-'));
	const rows: Row[] = [];
	let madeWith = '';
	try {
		const certificate = makeCertificate(dir);
		madeWith = certificate.madeWith;
		log(
			`keepalive: certificate made with ${madeWith}; HTTPS emulator behind a ${ROUND_TRIP_MS} ms round-trip proxy`,
		);
		const emulator = await startEmulator('child', {
			keyFile: join(dir, 'key.pem'),
			certFile: certificate.certFile,
			roundTripMs: ROUND_TRIP_MS,
		});
		const env = { ...process.env, NODE_EXTRA_CA_CERTS: certificate.certFile };
		const worker = fork(join(__dirname, '..', 'tls-client.js'), [], {
			execArgv: [],
			env,
			stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
		});
		try {
			// A fresh process: the JIT needs about a thousand requests before CPU per request settles.
			const warm = options.sizes.warmup;
			for (const { client, label } of CLIENTS) {
				log(`keepalive: warm-up, ${warm} deletes through ${label}`);
				await measure(emulator, worker, options.packageDir, client, warm, 20);
			}
			for (const concurrency of CONCURRENCIES) {
				rows.push({
					client: 'ideal',
					concurrency,
					wallMs: (count * (ROUND_TRIP_MS + SERVER_MS)) / concurrency,
				});
				for (const { client, label } of CLIENTS) {
					log(
						`keepalive: ${count} deletes over TLS at concurrency ${concurrency} through ${label}`,
					);
					rows.push(
						await measure(emulator, worker, options.packageDir, client, count, concurrency),
					);
				}
			}
		} finally {
			worker.disconnect();
			await emulator.stop();
		}
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}

	const chartFile = join(resultsDir, 'keepalive.svg');
	writeFileSync(chartFile, chartOf(rows, count));
	const find = (client: Row['client'], concurrency: number) =>
		rows.find((row) => row.client === client && row.concurrency === concurrency) as Row;
	const judged = rows.map((row) => {
		const ideal = find('ideal', row.concurrency).wallMs;
		const helperCpu = find('helper', row.concurrency).cpuMicrosPerRequest ?? Infinity;
		const targeted = row.client === 'keepAlive' && row.concurrency === CONCURRENCIES[0];
		const cpuShare =
			row.cpuMicrosPerRequest === undefined ? undefined : row.cpuMicrosPerRequest / helperCpu;
		const pass =
			row.client !== 'keepAlive'
				? undefined
				: (cpuShare ?? Infinity) <= TARGET_CPU_SHARE &&
					row.failed === 0 &&
					(!targeted ||
						(row.wallMs / ideal <= TARGET_RATIO &&
							(row.connectionsPerRequest ?? Infinity) <= TARGET_CONNECTIONS_PER_REQUEST));
		return { ...row, ratio: row.wallMs / ideal, cpuShare, pass };
	});
	const label = (client: Row['client']) =>
		CLIENTS.find((entry) => entry.client === client)?.label ?? 'ideal';
	const table: Table = {
		title: `Keep-alive over TLS: ${count} deletes, round trip ${ROUND_TRIP_MS} ms (a delaying proxy), server ${SERVER_MS} ms, HTTPS (certificate: ${madeWith})`,
		headers: [
			'client',
			'concurrency',
			'wall s',
			'× ideal',
			'request span s',
			'client CPU µs/req',
			'CPU vs helper',
			'new conn/req',
			'failed',
			'target',
			'result',
		],
		rows: judged.map((row) => [
			label(row.client),
			row.concurrency,
			seconds(row.wallMs),
			times(row.ratio),
			seconds(row.spanMs),
			row.cpuMicrosPerRequest === undefined ? undefined : Math.round(row.cpuMicrosPerRequest),
			row.client === 'ideal' || row.cpuShare === undefined ? undefined : times(row.cpuShare),
			fixed(row.connectionsPerRequest, 3),
			row.failed,
			row.client !== 'keepAlive'
				? ''
				: row.concurrency === CONCURRENCIES[0]
					? `≤ ${TARGET_RATIO}×, ≤ ${TARGET_CONNECTIONS_PER_REQUEST} conn/req, CPU ≤ ⅓`
					: 'CPU ≤ ⅓ of helper',
			verdict(row.pass),
		]),
		notes: [
			'ideal = N × (round trip + server time) / concurrency: every request waits one round trip and the server, nothing else.',
			"wall = the whole run (for the node: n8n's engine reading every item first, then the requests); request span = first request in to last answer out, as the emulator saw it.",
			'client CPU = user+system CPU of the client process per request (n8n engine + node + HTTP client, TLS included); the emulator and proxy run in another process.',
			'new conn/req = TCP (and TLS) connections the emulator accepted per request. Each measured run starts with an empty connection pool and pays its own handshakes.',
			`chart: ${chartFile}`,
		],
	};
	return {
		tables: [table],
		data: {
			count,
			roundTripMs: ROUND_TRIP_MS,
			serverMs: SERVER_MS,
			certificate: madeWith,
			rows: judged,
		},
	};
};
