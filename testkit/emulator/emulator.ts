/**
 * A small in-process emulator of 1Flow's webhook API on a real HTTP server, for engine tests,
 * the end-to-end suite, the demo, `npm run dev` and the benchmark. Node builtins only.
 *
 *   POST {base}/api/webhook/{webhookId}/document/upload   multipart (field "file"), {url} or base64 JSON
 *   GET  {base}/api/webhook/{webhookId}/document/get?docId=...&includeSchema=true|false
 *   POST {base}/api/webhook/{webhookId}/document/get      {"docId": "..."}
 *   POST {base}/api/webhook/{webhookId}/document/delete   {"docId": "..."}
 *   Authorization: {secret}            (only checked when the webhook has a secret)
 *
 * The endpoints live in ./routes, the account in ./store, documents and their processing in
 * ./documents, faults in ./faults, the HTTP plumbing and request log in ./exchange, and 1Flow's
 * signed callbacks in ./callbacks (driven through `callbacks` or the admin API under /_emulator/,
 * which faults never touch; a document reaching INDEXED sends document.ready).
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

import { DEMO_WEBHOOK, demoDocIds } from './demo';
import { CallbackSender, type CallbackConfig } from './callbacks';
import type { DocumentView } from './callback-body';
import { stateAt, type ExtractionStatus, type ProcessingConfig } from './documents';
import { EMPTY, RequestLog, readBody, type Exchange, type RecordedRequest } from './exchange';
import { Faults, type FaultConfig } from './faults';
import { ROUTES } from './routes';
import type { Route } from './routes/route';
import {
	AccountStore,
	type IndexedEvent,
	type SeedOptions,
	type UploadRecord,
	type WebhookConfig,
} from './store';

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
	/** Where 1Flow's callbacks go and how they are signed (default: nowhere). */
	callbacks?: CallbackConfig;
	/** How uploaded documents move through PENDING → PARTIAL → EXTRACTED → INDEXED (see ./documents). */
	processing?: Partial<ProcessingConfig>;
}

export class OneFlowEmulator {
	private readonly store = new AccountStore();
	private readonly faults = new Faults();
	/** 1Flow's outbound callbacks: configure, send on demand, see what was sent. */
	readonly callbacks: CallbackSender;
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
		this.callbacks = new CallbackSender(options.callbacks);
		if (options.processing) this.store.setProcessing(options.processing);
		// 1Flow calls back when a document it processed is INDEXED; without a URL this sends nothing.
		this.store.onIndexed(
			({ documentId, answer }) =>
				void this.callbacks.documentReady(documentId, answer as DocumentView),
		);
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
		this.store.stop();
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

	/** Documents by ID: INDEXED with an extraction unless `options` say otherwise; their state never changes. */
	addDocuments(webhookId: string, docIds: Iterable<string>, options?: SeedOptions): void {
		this.store.addDocuments(webhookId, docIds, options);
	}

	/** The document's extraction status now; undefined when the webhook does not hold it. */
	documentStatus(webhookId: string, docId: string): ExtractionStatus | undefined {
		const document = this.store.findDocument(webhookId, docId);
		return document && stateAt(document, Date.now()).status;
	}

	/** Every upload 1Flow accepted (a document created) since construction / resetRecord(). */
	get uploads(): readonly UploadRecord[] {
		return this.store.uploads;
	}

	/** How documents uploaded from now on are processed. */
	setProcessing(processing: Partial<ProcessingConfig>): void {
		this.store.setProcessing(processing);
	}

	/** Calls `listener` whenever an uploaded document reaches INDEXED; returns the unsubscribe. */
	onIndexed(listener: (event: IndexedEvent) => void): () => void {
		return this.store.onIndexed(listener);
	}

	/** Replaces all faults; resets the PRNG, the token bucket and the attempt counters. */
	setFaults(faults: FaultConfig | undefined): void {
		this.faults.set(faults);
	}

	/** Turn keeping full request objects on or off (deletes, counts and in-flight are always kept). */
	setRecording(on: boolean): void {
		this.log.recording = on;
	}

	/** Clears requests, delete counts, uploads, attempt counters, request count and maxInFlight. */
	resetRecord(): void {
		this.log.reset();
		this.store.resetRecords();
		this.faults.resetAttempts();
	}

	private onRequest(req: IncomingMessage, res: ServerResponse): void {
		const exchange = this.log.open(req, res, (done) => this.faults.release(done));
		const found = this.findRoute(exchange.record.path);
		const receive = found?.route.receive;
		if (receive && found.route.methods.includes(exchange.record.method)) {
			void receive(req).then((received) => this.route(exchange, found, EMPTY, received));
			return;
		}
		readBody(req, (body) => {
			if (body === undefined) exchange.sendJson(413, { error: 'Request body too large' });
			else this.route(exchange, found, body);
		});
	}

	private findRoute(path: string): { route: Route; params: string[] } | undefined {
		for (const route of ROUTES) {
			const match = route.path.exec(path);
			if (match) return { route, params: match.slice(1) };
		}
		return undefined;
	}

	/** Rate limit, then the route; the whole body was read first, as a server reads it before answering. */
	private route(
		exchange: Exchange,
		found: { route: Route; params: string[] } | undefined,
		body: Buffer,
		received?: unknown,
	): void {
		if (!exchange.record.path.startsWith('/_emulator/') && this.faults.limited(exchange)) return;
		if (!found) {
			exchange.sendJson(404, { error: 'Not found' });
			return;
		}
		const { route, params } = found;
		if (!route.methods.includes(exchange.record.method)) {
			exchange.sendJson(405, { error: 'Method not allowed' }, { Allow: route.methods.join(', ') });
			return;
		}
		route.handle({
			exchange,
			body,
			received,
			params,
			store: this.store,
			faults: this.faults,
			callbacks: this.callbacks,
		});
	}
}
