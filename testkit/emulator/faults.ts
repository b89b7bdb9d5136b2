/**
 * Faults the emulator can inject, deterministically: latency, rate limiting (a token bucket
 * over all requests), error statuses, dropped/hung/lost responses, non-JSON gateway pages,
 * redirects, answers dripped a byte at a time or hundreds of MB long, and per-request scripts. An endpoint hands its real work to `Faults.run`, which
 * decides whether that work is done and answered, done and not answered, or not done.
 */
import { STATUS_CODES } from 'node:http';
import { performance } from 'node:perf_hooks';
import { clearTimeout, setTimeout } from 'node:timers';

import { EMPTY, jsonBuffer, type Exchange } from './exchange';

export type FaultAction =
	| { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
	| { kind: 'drop' }
	| { kind: 'hang' }
	| { kind: 'nonJson' }
	| { kind: 'lostResponse' }
	/** The work IS done and the answer's headers sent, then the socket is destroyed mid-body. */
	| { kind: 'cutAnswer' }
	| { kind: 'delay'; ms: number }
	| { kind: 'redirect'; location: string }
	/** The work IS done; its answer (length announced) sent one byte every `everyMs` (default 100). */
	| { kind: 'drip'; everyMs?: number }
	/**
	 * The work IS done; its answer, padded to `bytes` of valid JSON, streamed as fast as the
	 * client reads (never held whole), its length announced only when `announced`.
	 */
	| { kind: 'huge'; bytes: number; announced?: boolean };

export interface FaultConfig {
	/**
	 * Added before answering every endpoint request (not before 429s or hangs). The work is
	 * done when the latency is over, even if the client gave up meanwhile (then recorded
	 * with status 'lost').
	 */
	latencyMs?: number;
	/** Token bucket (burst = max(1, rate)) over all requests; excess -> 429 with Retry-After. */
	rateLimitPerSecond?: number;
	/** Form of Retry-After on 429 (default 'seconds'). */
	retryAfter?: 'seconds' | 'http-date';
	/** Share 0..1 of endpoint requests answered with one of errorStatuses, nothing done. */
	errorRate?: number;
	/** Default [500, 502, 503]. */
	errorStatuses?: number[];
	/** Share: the socket is destroyed without any response, nothing done. */
	dropRate?: number;
	/** Share: never answered (until stop()), nothing done. */
	hangRate?: number;
	/** Share: 200 text/html "<html>gateway</html>", nothing done. */
	nonJsonRate?: number;
	/** Share: the work IS done, then the socket is destroyed without response. */
	lostResponseRate?: number;
	/** When set: every endpoint request is answered 302 Location: redirectTo + original path. */
	redirectTo?: string;
	/** Seed of the deterministic PRNG used for the rates (default 1). */
	seed?: number;
	/**
	 * Per-request override, consulted before redirectTo and the rates. When it returns an
	 * action, that action replaces them ('delay' replaces latencyMs and then processes the
	 * request normally). attempt = 1-based count of requests seen at that endpoint for that
	 * docId (uploads: that file name) since construction / the last setFaults() / resetRecord().
	 */
	script?: (request: ScriptedRequest) => FaultAction | undefined;
}

type Endpoint = 'upload' | 'get' | 'delete';

/** What a fault script is told about a request. */
interface ScriptedRequest {
	endpoint: Endpoint;
	webhookId: string;
	/** The docId asked for (get, delete); undefined for uploads. */
	docId: unknown;
	/** The uploaded file's name (uploads only; undefined when the upload carries none). */
	fileName?: string;
	attempt: number;
}

type FaultRequest = Omit<ScriptedRequest, 'attempt'>;

/** What an endpoint answers when no fault interferes. */
export interface Answer {
	status: number;
	body: unknown;
}

const DEFAULT_ERROR_STATUSES = [500, 502, 503];
const BODY_GATEWAY_HTML = Buffer.from('<html>gateway</html>');

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

class TokenBucket {
	private tokens: number;
	private lastRefill = performance.now();

	constructor(private readonly rate: number) {
		this.tokens = this.size();
	}

	private size(): number {
		return Math.max(1, this.rate);
	}

	take(): boolean {
		const now = performance.now();
		this.tokens = Math.min(this.size(), this.tokens + ((now - this.lastRefill) / 1000) * this.rate);
		this.lastRefill = now;
		if (this.tokens < 1) return false;
		this.tokens -= 1;
		return true;
	}

	/** Milliseconds until the next token. */
	waitMs(): number {
		return ((1 - this.tokens) / this.rate) * 1000;
	}
}

export class Faults {
	private config: FaultConfig = {};
	private random = mulberry32(1);
	private bucket: TokenBucket | undefined;
	private readonly attempts = new Map<string, number>();
	private readonly timers = new Set<NodeJS.Timeout>();
	private readonly hung = new Set<Exchange>();

	/** Replaces all faults; resets the PRNG, the token bucket and the attempt counters. */
	set(config: FaultConfig | undefined): void {
		this.config = { ...(config ?? {}) };
		this.random = mulberry32(this.config.seed ?? 1);
		const rate = this.config.rateLimitPerSecond ?? 0;
		this.bucket = rate > 0 ? new TokenBucket(rate) : undefined;
		this.attempts.clear();
	}

	resetAttempts(): void {
		this.attempts.clear();
	}

	/** Rate limiting, before any routing: answers 429 and returns true when over the rate. */
	limited(exchange: Exchange): boolean {
		if (this.bucket === undefined || this.bucket.take()) return false;
		const waitMs = this.bucket.waitMs();
		const retryAfter =
			this.config.retryAfter === 'http-date'
				? new Date(Math.ceil((Date.now() + waitMs) / 1000) * 1000).toUTCString()
				: String(Math.max(1, Math.ceil(waitMs / 1000)));
		exchange.sendJson(429, { error: 'Too many requests' }, { 'Retry-After': retryAfter });
		return true;
	}

	/** Runs an endpoint's work (which may change the store) behind the configured faults. */
	run(exchange: Exchange, request: FaultRequest, work: () => Answer): void {
		let action = this.scripted(request);
		if (action === undefined) action = this.pick(exchange.req.url ?? exchange.record.path);
		let latency = this.config.latencyMs ?? 0;
		if (action?.kind === 'delay') {
			latency = action.ms;
			action = undefined;
		}
		if (action?.kind === 'hang') {
			exchange.record.status = 'hung';
			this.hung.add(exchange);
			return;
		}
		if (latency <= 0) {
			act(exchange, action, work, this.later);
			return;
		}
		this.later(latency, () => act(exchange, action, work, this.later));
	}

	/** Runs `then` after `ms`, unless stop() comes first. */
	private readonly later = (ms: number, then: () => void): void => {
		const timer = setTimeout(() => {
			this.timers.delete(timer);
			then();
		}, ms);
		this.timers.add(timer);
	};

	/** An exchange ended (answered, dropped or given up by the client). */
	release(exchange: Exchange): void {
		this.hung.delete(exchange);
	}

	/** Cancels pending latency timers and marks hung requests as ended now. */
	stop(): void {
		for (const timer of this.timers) clearTimeout(timer);
		this.timers.clear();
		const now = Date.now();
		for (const exchange of this.hung) {
			if (exchange.record.endedAt === 0) exchange.record.endedAt = now;
		}
		this.hung.clear();
	}

	private scripted(request: FaultRequest): FaultAction | undefined {
		const { script } = this.config;
		if (!script) return undefined;
		const { endpoint, docId, fileName } = request;
		const subject = endpoint === 'upload' ? fileName : docId;
		const key = `${endpoint} ${typeof subject === 'string' ? subject : `\u0000${JSON.stringify(subject) ?? 'undefined'}`}`;
		const attempt = (this.attempts.get(key) ?? 0) + 1;
		this.attempts.set(key, attempt);
		return script({ ...request, attempt });
	}

	private pick(originalPath: string): FaultAction | undefined {
		const faults = this.config;
		if (faults.redirectTo !== undefined) {
			return { kind: 'redirect', location: faults.redirectTo.replace(/\/+$/, '') + originalPath };
		}
		const shares: Array<[number, () => FaultAction]> = [
			[faults.errorRate ?? 0, () => ({ kind: 'status', status: this.errorStatus() })],
			[faults.dropRate ?? 0, () => ({ kind: 'drop' })],
			[faults.hangRate ?? 0, () => ({ kind: 'hang' })],
			[faults.nonJsonRate ?? 0, () => ({ kind: 'nonJson' })],
			[faults.lostResponseRate ?? 0, () => ({ kind: 'lostResponse' })],
		];
		if (shares.reduce((sum, [share]) => sum + share, 0) <= 0) return undefined;
		const r = this.random();
		let edge = 0;
		for (const [share, action] of shares) {
			edge += share;
			if (r < edge) return action();
		}
		return undefined;
	}

	private errorStatus(): number {
		const statuses = this.config.errorStatuses?.length
			? this.config.errorStatuses
			: DEFAULT_ERROR_STATUSES;
		return statuses[Math.floor(this.random() * statuses.length)];
	}
}

function act(
	exchange: Exchange,
	action: FaultAction | undefined,
	work: () => Answer,
	later: (ms: number, then: () => void) => void,
): void {
	if (action === undefined) {
		const answer = work();
		exchange.sendJson(answer.status, answer.body);
		return;
	}
	switch (action.kind) {
		case 'status':
			sendStatus(exchange, action);
			return;
		case 'drop':
			exchange.record.status = 'dropped';
			exchange.destroy();
			return;
		case 'nonJson':
			exchange.send(200, BODY_GATEWAY_HTML, { 'Content-Type': 'text/html; charset=utf-8' });
			return;
		case 'lostResponse':
			work();
			exchange.record.status = 'lost';
			exchange.destroy();
			return;
		case 'cutAnswer': {
			const answer = work();
			exchange.sendCut(answer.status, jsonBuffer(answer.body));
			return;
		}
		case 'redirect':
			exchange.send(302, EMPTY, { Location: action.location, 'Content-Type': 'text/plain' });
			return;
		case 'drip': {
			const answer = work();
			const body = jsonBuffer(answer.body);
			const bytes = (function* () {
				for (let at = 0; at < body.length; at++) yield body.subarray(at, at + 1);
			})();
			const headers = { 'Content-Length': String(body.length) };
			exchange.sendStream(answer.status, headers, bytes, action.everyMs ?? 100, later);
			return;
		}
		case 'huge': {
			const answer = work();
			const headers: Record<string, string> = action.announced
				? { 'Content-Length': String(action.bytes) }
				: {};
			exchange.sendStream(answer.status, headers, padded(answer.body, action.bytes), 0, later);
			return;
		}
		case 'hang':
		case 'delay':
			// handled in Faults.run
			return;
	}
}

function sendStatus(exchange: Exchange, action: Extract<FaultAction, { kind: 'status' }>): void {
	const headers: Record<string, string> = {};
	let payload: Buffer;
	if (action.body === undefined) {
		payload = jsonBuffer({ error: STATUS_CODES[action.status] ?? 'Error' });
	} else if (typeof action.body === 'string') {
		payload = Buffer.from(action.body);
		headers['Content-Type'] = 'text/plain; charset=utf-8';
	} else {
		payload = jsonBuffer(action.body);
	}
	exchange.send(action.status, payload, { ...headers, ...action.headers });
}

/** `body` (a JSON object) with a "padding" string that makes it `bytes` long, 64 KiB at a time. */
function* padded(body: unknown, bytes: number): Iterator<Buffer> {
	const open = jsonBuffer(body).subarray(0, -1);
	const head = Buffer.concat([open, Buffer.from(open.length > 1 ? ',"padding":"' : '"padding":"')]);
	const tail = Buffer.from('"}');
	const piece = Buffer.alloc(64 * 1024, 'x');
	yield head;
	for (let left = bytes - head.length - tail.length; left > 0; left -= piece.length)
		yield left >= piece.length ? piece : piece.subarray(0, left);
	yield tail;
}
