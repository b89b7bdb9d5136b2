/**
 * A small in-process emulator of 1Flow's "delete document" webhook endpoint:
 *
 *   POST {base}/api/webhook/{webhookId}/document/delete
 *   Authorization: {secret}            (only checked when the webhook has a secret)
 *   {"docId": "..."}
 *
 * It is test code (engine tests, the demo, the benchmark) and only uses node builtins.
 * Faults (latency, rate limiting, error statuses, dropped/hung/lost responses, non-JSON
 * gateway pages, redirects, per-request scripts) can be injected deterministically.
 *
 * The Authorization header value is only ever compared, never stored or printed.
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, STATUS_CODES } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { clearTimeout, setTimeout } from 'node:timers';

export interface WebhookConfig {
	id: string;
	secret?: string;
	documents?: Iterable<string>;
}

export type FaultAction =
	| { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
	| { kind: 'drop' }
	| { kind: 'hang' }
	| { kind: 'nonJson' }
	| { kind: 'lostResponse' }
	| { kind: 'delay'; ms: number }
	| { kind: 'redirect'; location: string };

export interface FaultConfig {
	/**
	 * Added before answering every delete request (not before 429s or hangs). The delete is
	 * performed when the latency is over, even if the client gave up meanwhile (then recorded
	 * with status 'lost').
	 */
	latencyMs?: number;
	/** Token bucket (burst = max(1, rate)) over all requests; excess -> 429 with Retry-After. */
	rateLimitPerSecond?: number;
	/** Form of Retry-After on 429 (default 'seconds'). */
	retryAfter?: 'seconds' | 'http-date';
	/** Share 0..1 of delete requests answered with one of errorStatuses, nothing done. */
	errorRate?: number;
	/** Default [500, 502, 503]. */
	errorStatuses?: number[];
	/** Share: the socket is destroyed without any response, nothing deleted. */
	dropRate?: number;
	/** Share: never answered (until stop()), nothing deleted. */
	hangRate?: number;
	/** Share: 200 text/html "<html>gateway</html>", nothing deleted. */
	nonJsonRate?: number;
	/** Share: the delete IS performed, then the socket is destroyed without response. */
	lostResponseRate?: number;
	/** When set: every delete request is answered 302 Location: redirectTo + original path. */
	redirectTo?: string;
	/** Seed of the deterministic PRNG used for the rates (default 1). */
	seed?: number;
	/**
	 * Per-request override, consulted before redirectTo and the rates. When it returns an
	 * action, that action replaces them ('delay' replaces latencyMs and then processes the
	 * request normally). attempt = 1-based count of delete requests seen for that docId since
	 * construction / the last setFaults() / resetRecord().
	 */
	script?: (request: { webhookId: string; docId: unknown; attempt: number }) => FaultAction | undefined;
}

export interface RecordedRequest {
	method: string;
	path: string;
	webhookId?: string;
	hadAuthorization: boolean;
	/** The webhook exists and its secret (if any) matched; the header value itself is never kept. */
	authorized: boolean;
	docId?: unknown;
	/** 0 while the request is still being handled. */
	status: number | 'dropped' | 'hung' | 'lost';
	deleted: boolean;
	/** Date.now() at arrival. */
	startedAt: number;
	/** Date.now() when answered / dropped; 0 while pending (hung requests: when stop() runs). */
	endedAt: number;
}

export interface EmulatorOptions {
	webhooks?: WebhookConfig[];
	faults?: FaultConfig;
	host?: string;
	port?: number;
	/** Keep full RecordedRequest objects in `requests` (default true). */
	record?: boolean;
}

export const DEMO_WEBHOOK: { id: string; secret: string } = Object.freeze({
	id: 'wh_demo',
	secret: 'demo-secret-change-me',
});

/** doc_001 .. doc_NNN (at least three digits). */
export function demoDocIds(count: number): string[] {
	const width = Math.max(3, String(count).length);
	const ids: string[] = [];
	for (let i = 1; i <= count; i++) ids.push(`doc_${String(i).padStart(width, '0')}`);
	return ids;
}

export const MAX_BODY_BYTES = 1024 * 1024;

const DELETE_PATH = /^\/api\/webhook\/([^/?#]+)\/document\/delete\/?$/;
const DEFAULT_ERROR_STATUSES = [500, 502, 503];

function jsonBuffer(value: unknown): Buffer {
	return Buffer.from(JSON.stringify(value));
}

const BODY_WEBHOOK_NOT_FOUND = jsonBuffer({ error: 'Webhook not found' });
const BODY_UNAUTHORIZED = jsonBuffer({ error: 'Invalid or missing webhook secret' });
const BODY_BAD_DOC_ID = jsonBuffer({ error: 'Missing or invalid docId in request body' });
const BODY_DOC_NOT_FOUND = jsonBuffer({ error: 'Document not found' });
const BODY_NOT_FOUND = jsonBuffer({ error: 'Not found' });
const BODY_METHOD_NOT_ALLOWED = jsonBuffer({ error: 'Method not allowed' });
const BODY_TOO_LARGE = jsonBuffer({ error: 'Request body too large' });
const BODY_TOO_MANY = jsonBuffer({ error: 'Too many requests' });
const BODY_GATEWAY_HTML = Buffer.from('<html>gateway</html>');
const EMPTY = Buffer.alloc(0);

/** Small seeded PRNG, so faults (and test plans built on them) repeat run after run. */
export function mulberry32(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

function decodePathSegment(segment: string): string {
	try {
		return decodeURIComponent(segment);
	} catch {
		return segment;
	}
}

interface WebhookState {
	secret?: Buffer;
	documents: Set<string>;
}

/** Per-request state; `record` is the object pushed to `requests` (or a throwaway one). */
interface Exchange {
	req: IncomingMessage;
	res: ServerResponse;
	record: RecordedRequest;
	done: boolean;
}

type Outcome = { status: number; body: Buffer };

export class OneFlowEmulator {
	readonly requests: RecordedRequest[] = [];

	private readonly webhooks = new Map<string, WebhookState>();
	private readonly deleteCounts = new Map<string, number>();
	private readonly attempts = new Map<string, number>();
	private readonly sockets = new Set<Socket>();
	private readonly timers = new Set<NodeJS.Timeout>();
	private readonly hung = new Set<Exchange>();
	private readonly host: string;
	private readonly port: number;
	private faults: FaultConfig = {};
	private random: () => number = mulberry32(1);
	private tokens = 0;
	private lastRefill = 0;
	private server: Server | undefined;
	private url = '';
	private recording: boolean;
	private current = 0;
	private peak = 0;
	private total = 0;
	private connections = 0;

	constructor(options: EmulatorOptions = {}) {
		this.host = options.host ?? '127.0.0.1';
		this.port = options.port ?? 0;
		this.recording = options.record ?? true;
		const webhooks = options.webhooks ?? [
			{ id: DEMO_WEBHOOK.id, secret: DEMO_WEBHOOK.secret, documents: demoDocIds(10) },
		];
		for (const webhook of webhooks) this.addWebhook(webhook);
		this.setFaults(options.faults);
	}

	get baseUrl(): string {
		return this.url;
	}

	/** Most requests handled at once since construction / resetRecord(). */
	get maxInFlight(): number {
		return this.peak;
	}

	get inFlight(): number {
		return this.current;
	}

	/** TCP connections accepted since start() (keep-alive reuse keeps this low). */
	get connectionCount(): number {
		return this.connections;
	}

	/** Requests received since construction / resetRecord(), also counted when not recording. */
	get requestCount(): number {
		return this.total;
	}

	async start(): Promise<string> {
		if (this.server) throw new Error('OneFlowEmulator already started');
		const server = createServer((req, res) => this.onRequest(req, res));
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
		this.url = `http://${host}:${address.port}`;
		return this.url;
	}

	async stop(): Promise<void> {
		const server = this.server;
		if (!server) return;
		this.server = undefined;
		for (const timer of this.timers) clearTimeout(timer);
		this.timers.clear();
		const closed = new Promise<void>((resolve) => server.close(() => resolve()));
		for (const socket of this.sockets) socket.destroy();
		this.sockets.clear();
		const now = Date.now();
		for (const exchange of this.hung) {
			if (exchange.record.endedAt === 0) exchange.record.endedAt = now;
		}
		this.hung.clear();
		await closed;
	}

	/** How many times this document was actually deleted (any webhook). */
	deleteCount(docId: string): number {
		return this.deleteCounts.get(docId) ?? 0;
	}

	hasDocument(webhookId: string, docId: string): boolean {
		return this.webhooks.get(webhookId)?.documents.has(docId) ?? false;
	}

	addWebhook(config: WebhookConfig): void {
		this.webhooks.set(config.id, {
			secret: config.secret === undefined ? undefined : Buffer.from(config.secret),
			documents: new Set(config.documents ?? []),
		});
	}

	addDocuments(webhookId: string, docIds: Iterable<string>): void {
		const webhook = this.webhooks.get(webhookId);
		if (!webhook) throw new Error(`Unknown webhook: ${webhookId}`);
		for (const docId of docIds) webhook.documents.add(docId);
	}

	/** Replaces all faults; resets the PRNG, the token bucket and the attempt counters. */
	setFaults(faults: FaultConfig | undefined): void {
		this.faults = { ...(faults ?? {}) };
		this.random = mulberry32(this.faults.seed ?? 1);
		this.tokens = this.bucketSize();
		this.lastRefill = performance.now();
		this.attempts.clear();
	}

	/** Turn keeping full request objects on or off (deletes, counts and in-flight are always kept). */
	setRecording(on: boolean): void {
		this.recording = on;
	}

	/** Clears requests, delete counts, attempt counters, request count and maxInFlight. */
	resetRecord(): void {
		this.requests.length = 0;
		this.deleteCounts.clear();
		this.attempts.clear();
		this.total = 0;
		this.peak = this.current;
	}

	// ---------------------------------------------------------------- request handling

	private onRequest(req: IncomingMessage, res: ServerResponse): void {
		this.total++;
		this.current++;
		if (this.current > this.peak) this.peak = this.current;
		const url = req.url ?? '/';
		const queryAt = url.indexOf('?');
		const record: RecordedRequest = {
			method: req.method ?? 'GET',
			path: queryAt === -1 ? url : url.slice(0, queryAt),
			hadAuthorization: req.headers.authorization !== undefined,
			authorized: false,
			status: 0,
			deleted: false,
			startedAt: Date.now(),
			endedAt: 0,
		};
		if (this.recording) this.requests.push(record);
		const exchange: Exchange = { req, res, record, done: false };
		const finished = () => {
			if (exchange.done) return;
			exchange.done = true;
			this.current--;
			this.hung.delete(exchange);
			if (record.endedAt === 0) record.endedAt = Date.now();
			if (record.status === 0) record.status = 'lost';
		};
		res.once('finish', finished);
		res.once('close', finished);

		const chunks: Buffer[] = [];
		let size = 0;
		let tooLarge = false;
		req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size > MAX_BODY_BYTES) {
				tooLarge = true;
				chunks.length = 0;
				return;
			}
			chunks.push(chunk);
		});
		req.on('error', () => {
			// Client went away while sending; `finished` records it as lost.
		});
		req.on('end', () => {
			if (tooLarge) {
				this.send(exchange, 413, BODY_TOO_LARGE);
				return;
			}
			const body = chunks.length === 1 ? chunks[0] : chunks.length === 0 ? EMPTY : Buffer.concat(chunks);
			this.handle(exchange, body);
		});
	}

	private handle(exchange: Exchange, body: Buffer): void {
		const { record } = exchange;

		const rate = this.faults.rateLimitPerSecond ?? 0;
		if (rate > 0 && !this.takeToken(rate)) {
			this.sendTooMany(exchange);
			return;
		}

		const match = DELETE_PATH.exec(record.path);
		if (!match) {
			this.send(exchange, 404, BODY_NOT_FOUND);
			return;
		}
		if (record.method !== 'POST') {
			this.send(exchange, 405, BODY_METHOD_NOT_ALLOWED, { Allow: 'POST' });
			return;
		}

		const webhookId = decodePathSegment(match[1]);
		record.webhookId = webhookId;
		const webhook = this.webhooks.get(webhookId);
		record.authorized =
			webhook !== undefined &&
			(webhook.secret === undefined || secretMatches(webhook.secret, exchange.req.headers.authorization));
		const docId = parseDocId(body);
		if (docId !== undefined) record.docId = docId;

		const faults = this.faults;
		let action: FaultAction | undefined;
		if (faults.script) {
			const key = typeof docId === 'string' ? docId : `\u0000${JSON.stringify(docId) ?? 'undefined'}`;
			const attempt = (this.attempts.get(key) ?? 0) + 1;
			this.attempts.set(key, attempt);
			action = faults.script({ webhookId, docId, attempt });
		}
		if (action === undefined) action = this.pickFault(exchange.req.url ?? record.path);

		let latency = faults.latencyMs ?? 0;
		if (action?.kind === 'delay') {
			latency = action.ms;
			action = undefined;
		}
		if (action?.kind === 'hang') {
			record.status = 'hung';
			this.hung.add(exchange);
			return;
		}
		if (latency > 0) {
			const timer = setTimeout(() => {
				this.timers.delete(timer);
				this.act(exchange, action, webhookId, docId);
			}, latency);
			this.timers.add(timer);
		} else {
			this.act(exchange, action, webhookId, docId);
		}
	}

	private act(exchange: Exchange, action: FaultAction | undefined, webhookId: string, docId: unknown): void {
		const { record } = exchange;
		if (action === undefined) {
			const outcome = this.deleteDocument(record, webhookId, docId);
			this.send(exchange, outcome.status, outcome.body);
			return;
		}
		switch (action.kind) {
			case 'status': {
				let payload: Buffer;
				const headers: Record<string, string> = {};
				if (action.body === undefined) {
					payload = jsonBuffer({ error: STATUS_CODES[action.status] ?? 'Error' });
				} else if (typeof action.body === 'string') {
					payload = Buffer.from(action.body);
					headers['Content-Type'] = 'text/plain; charset=utf-8';
				} else {
					payload = jsonBuffer(action.body);
				}
				Object.assign(headers, action.headers);
				this.send(exchange, action.status, payload, headers);
				return;
			}
			case 'drop':
				record.status = 'dropped';
				this.destroy(exchange);
				return;
			case 'nonJson':
				this.send(exchange, 200, BODY_GATEWAY_HTML, { 'Content-Type': 'text/html; charset=utf-8' });
				return;
			case 'lostResponse': {
				this.deleteDocument(record, webhookId, docId);
				record.status = 'lost';
				this.destroy(exchange);
				return;
			}
			case 'redirect':
				this.send(exchange, 302, EMPTY, { Location: action.location, 'Content-Type': 'text/plain' });
				return;
			case 'hang':
			case 'delay':
				// handled in handle()
				return;
		}
	}

	/** The real endpoint: webhook, secret, body, document. */
	private deleteDocument(record: RecordedRequest, webhookId: string, docId: unknown): Outcome {
		const webhook = this.webhooks.get(webhookId);
		if (!webhook) return { status: 404, body: BODY_WEBHOOK_NOT_FOUND };
		if (!record.authorized) return { status: 401, body: BODY_UNAUTHORIZED };
		if (typeof docId !== 'string' || docId.trim() === '') return { status: 400, body: BODY_BAD_DOC_ID };
		if (!webhook.documents.delete(docId)) return { status: 404, body: BODY_DOC_NOT_FOUND };
		this.deleteCounts.set(docId, (this.deleteCounts.get(docId) ?? 0) + 1);
		record.deleted = true;
		return {
			status: 200,
			body: jsonBuffer({ success: true, message: 'Document deleted successfully', documentId: docId }),
		};
	}

	private pickFault(originalPath: string): FaultAction | undefined {
		const faults = this.faults;
		if (faults.redirectTo !== undefined) {
			return { kind: 'redirect', location: faults.redirectTo.replace(/\/+$/, '') + originalPath };
		}
		const errorRate = faults.errorRate ?? 0;
		const dropRate = faults.dropRate ?? 0;
		const hangRate = faults.hangRate ?? 0;
		const nonJsonRate = faults.nonJsonRate ?? 0;
		const lostRate = faults.lostResponseRate ?? 0;
		if (errorRate + dropRate + hangRate + nonJsonRate + lostRate <= 0) return undefined;
		const r = this.random();
		let edge = errorRate;
		if (r < edge) {
			const statuses = faults.errorStatuses?.length ? faults.errorStatuses : DEFAULT_ERROR_STATUSES;
			const status = statuses[Math.floor(this.random() * statuses.length)];
			return { kind: 'status', status };
		}
		if (r < (edge += dropRate)) return { kind: 'drop' };
		if (r < (edge += hangRate)) return { kind: 'hang' };
		if (r < (edge += nonJsonRate)) return { kind: 'nonJson' };
		if (r < (edge += lostRate)) return { kind: 'lostResponse' };
		return undefined;
	}

	// ---------------------------------------------------------------- rate limiting

	private bucketSize(): number {
		const rate = this.faults.rateLimitPerSecond ?? 0;
		return Math.max(1, rate);
	}

	private takeToken(rate: number): boolean {
		const now = performance.now();
		this.tokens = Math.min(this.bucketSize(), this.tokens + ((now - this.lastRefill) / 1000) * rate);
		this.lastRefill = now;
		if (this.tokens >= 1) {
			this.tokens -= 1;
			return true;
		}
		return false;
	}

	private sendTooMany(exchange: Exchange): void {
		const rate = this.faults.rateLimitPerSecond ?? 0;
		const waitMs = rate > 0 ? ((1 - this.tokens) / rate) * 1000 : 60_000;
		const retryAfter =
			this.faults.retryAfter === 'http-date'
				? new Date(Math.ceil((Date.now() + waitMs) / 1000) * 1000).toUTCString()
				: String(Math.max(1, Math.ceil(waitMs / 1000)));
		this.send(exchange, 429, BODY_TOO_MANY, { 'Retry-After': retryAfter });
	}

	// ---------------------------------------------------------------- output

	private send(exchange: Exchange, status: number, body: Buffer, headers?: Record<string, string>): void {
		const { res, record } = exchange;
		if (exchange.done || res.destroyed) {
			if (record.status === 0) record.status = 'lost';
			return;
		}
		record.status = status;
		record.endedAt = Date.now();
		res.statusCode = status;
		res.setHeader('Content-Type', 'application/json; charset=utf-8');
		if (headers) {
			for (const name of Object.keys(headers)) res.setHeader(name, headers[name]);
		}
		res.setHeader('Content-Length', body.length);
		res.end(body);
	}

	private destroy(exchange: Exchange): void {
		exchange.record.endedAt = Date.now();
		exchange.req.socket.destroy();
	}
}

function parseDocId(body: Buffer): unknown {
	if (body.length === 0) return undefined;
	let parsed: unknown;
	try {
		parsed = JSON.parse(body.toString('utf8'));
	} catch {
		return undefined;
	}
	if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
	return (parsed as { docId?: unknown }).docId;
}

function secretMatches(expected: Buffer, given: string | undefined): boolean {
	if (given === undefined) return false;
	const actual = Buffer.from(given);
	if (actual.length !== expected.length) return false;
	return timingSafeEqual(actual, expected);
}
