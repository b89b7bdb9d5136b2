/**
 * A small in-process emulator of 1Flow's webhook API on a real HTTP server, for engine tests,
 * the end-to-end suite, the demo, `npm run dev` and the benchmark. Node builtins only.
 *
 *   POST {base}/api/webhook/{webhookId}/document/delete
 *   Authorization: {secret}            (only checked when the webhook has a secret)
 *   {"docId": "..."}
 *
 * The endpoints live in ./routes, the account in ./store, faults in ./faults and the HTTP
 * plumbing and request log in ./exchange.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

import { DEMO_WEBHOOK, demoDocIds } from './demo';
import { RequestLog, readBody, type Exchange, type RecordedRequest } from './exchange';
import { Faults, type FaultConfig } from './faults';
import { ROUTES } from './routes';
import { AccountStore, type WebhookConfig } from './store';

export interface EmulatorOptions {
	/** Default: the demo webhook with doc_001 .. doc_010. */
	webhooks?: WebhookConfig[];
	faults?: FaultConfig;
	/** Serve HTTPS with this key and certificate (PEM), as 1Flow does; default plain HTTP. */
	tls?: { key: string; cert: string };
	host?: string;
	port?: number;
	/** Keep full RecordedRequest objects in `requests` (default true). */
	record?: boolean;
}

export class OneFlowEmulator {
	private readonly store = new AccountStore();
	private readonly faults = new Faults();
	private readonly log: RequestLog;
	private readonly sockets = new Set<Socket>();
	private readonly host: string;
	private readonly port: number;
	private readonly tls: EmulatorOptions['tls'];
	private server: Server | undefined;
	private url = '';
	private connections = 0;

	constructor(options: EmulatorOptions = {}) {
		this.host = options.host ?? '127.0.0.1';
		this.port = options.port ?? 0;
		this.tls = options.tls;
		this.log = new RequestLog(options.record ?? true);
		const webhooks = options.webhooks ?? [{ ...DEMO_WEBHOOK, documents: demoDocIds(10) }];
		for (const webhook of webhooks) this.store.addWebhook(webhook);
		this.faults.set(options.faults);
	}

	get baseUrl(): string {
		return this.url;
	}

	/** Every request since construction / resetRecord(), in arrival order (when recording). */
	get requests(): RecordedRequest[] {
		return this.log.requests;
	}

	/** Most requests handled at once since construction / resetRecord(). */
	get maxInFlight(): number {
		return this.log.peak;
	}

	get inFlight(): number {
		return this.log.current;
	}

	/** TCP connections accepted since start() (keep-alive reuse keeps this low; with TLS, one handshake each). */
	get connectionCount(): number {
		return this.connections;
	}

	/** Requests received since construction / resetRecord(), also counted when not recording. */
	get requestCount(): number {
		return this.log.total;
	}

	async start(): Promise<string> {
		if (this.server) throw new Error('OneFlowEmulator already started');
		const handler = (req: IncomingMessage, res: ServerResponse) => this.onRequest(req, res);
		const server = this.tls ? createTlsServer(this.tls, handler) : createServer(handler);
		server.keepAliveTimeout = 65_000;
		server.headersTimeout = 66_000;
		server.on('connection', (socket: Socket) => {
			socket.setNoDelay(true);
			this.connections++;
			this.sockets.add(socket);
			socket.once('close', () => this.sockets.delete(socket));
		});
		this.server = server;
		this.connections = 0;
		await new Promise<void>((resolve, reject) => {
			server.once('error', reject);
			server.listen(this.port, this.host, () => {
				server.off('error', reject);
				resolve();
			});
		});
		const address = server.address() as AddressInfo;
		const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
		this.url = `${this.tls ? 'https' : 'http'}://${host}:${address.port}`;
		return this.url;
	}

	/** Closes the server and every connection; requests left hung end now. */
	async stop(): Promise<void> {
		const server = this.server;
		if (!server) return;
		this.server = undefined;
		this.faults.stop();
		const closed = new Promise<void>((resolve) => server.close(() => resolve()));
		for (const socket of this.sockets) socket.destroy();
		this.sockets.clear();
		await closed;
	}

	/** How many times this document was actually deleted (any webhook). */
	deleteCount(docId: string): number {
		return this.store.deleteCount(docId);
	}

	hasDocument(webhookId: string, docId: string): boolean {
		return this.store.hasDocument(webhookId, docId);
	}

	addDocuments(webhookId: string, docIds: Iterable<string>): void {
		this.store.addDocuments(webhookId, docIds);
	}

	/** Replaces all faults; resets the PRNG, the token bucket and the attempt counters. */
	setFaults(faults: FaultConfig | undefined): void {
		this.faults.set(faults);
	}

	/** Turn keeping full request objects on or off (deletes, counts and in-flight are always kept). */
	setRecording(on: boolean): void {
		this.log.recording = on;
	}

	/** Clears requests, delete counts, attempt counters, request count and maxInFlight. */
	resetRecord(): void {
		this.log.reset();
		this.store.resetDeleteCounts();
		this.faults.resetAttempts();
	}

	private onRequest(req: IncomingMessage, res: ServerResponse): void {
		const exchange = this.log.open(req, res, (done) => this.faults.release(done));
		readBody(req, (body) => {
			if (body === undefined) exchange.sendJson(413, { error: 'Request body too large' });
			else this.route(exchange, body);
		});
	}

	private route(exchange: Exchange, body: Buffer): void {
		if (this.faults.limited(exchange)) return;
		const { path, method } = exchange.record;
		for (const route of ROUTES) {
			const match = route.path.exec(path);
			if (!match) continue;
			if (!route.methods.includes(method)) {
				exchange.sendJson(405, { error: 'Method not allowed' }, { Allow: route.methods.join(', ') });
				return;
			}
			route.handle({ exchange, body, params: match.slice(1), store: this.store, faults: this.faults });
			return;
		}
		exchange.sendJson(404, { error: 'Not found' });
	}
}
