/**
 * What bounds one attempt, under both transports: its timeout (no bytes moved for Timeout), its
 * deadline (the whole attempt), and the size of the answer read. Each figure's reason:
 * docs/performance.md.
 */
import { networkFailureOf, type NetworkFailure } from './network';

/** The largest answer the node reads: n8n's own limit on a request's body (N8N_PAYLOAD_SIZE_MAX). */
export const MAX_ANSWER_BYTES = 16 * 1024 * 1024;
/** An attempt may take this many Timeouts in all, plus the time to send its file... */
const DEADLINE_TIMEOUTS = 4;
/** ...at 1 Mbit/s. */
const SLOWEST_UPLOAD_BYTES_PER_SECOND = 128 * 1024;

/** The most one attempt may take, sending `requestBytes` with the node's Timeout set to `timeoutMs`. */
export function attemptDeadlineMs(timeoutMs: number, requestBytes: number): number {
	const sending = Math.ceil((requestBytes / SLOWEST_UPLOAD_BYTES_PER_SECOND) * 1000);
	return DEADLINE_TIMEOUTS * timeoutMs + sending;
}

/** Which limit ended an attempt. */
export type LimitHit = Extract<NetworkFailure, 'timeout' | 'deadline' | 'tooLarge'>;

/**
 * One attempt's limits. The timeout counts from the last byte that moved (connecting, sending,
 * answering), so a large upload that keeps flowing is never cut off while a silent server is;
 * the deadline bounds the whole attempt, so a server dripping its answer cannot keep it alive.
 * `signal` aborts at the first limit hit: the transport then closes the connection.
 */
export class AttemptLimits {
	private readonly controller = new AbortController();
	private lastActivity = Date.now();
	private ended: LimitHit | undefined;
	private idle: AbortSignal | undefined;
	private readonly deadline: AbortSignal;
	private readonly onIdle = () => this.idleExpired();
	private readonly onDeadline = () => this.stop('deadline');

	constructor(
		private readonly timeoutMs: number,
		deadlineMs: number,
	) {
		this.armIdle(timeoutMs);
		// AbortSignal.timeout's timers do not keep n8n's process alive after the run.
		this.deadline = AbortSignal.timeout(Math.max(1, deadlineMs));
		this.deadline.addEventListener('abort', this.onDeadline, { once: true });
	}

	/** Aborts at the first limit hit, or when `cancel` (the execution's) does. */
	signal(cancel?: AbortSignal): AbortSignal {
		return cancel ? AbortSignal.any([cancel, this.controller.signal]) : this.controller.signal;
	}

	/** Bytes moved: the timeout starts again. */
	touch(): void {
		this.lastActivity = Date.now();
	}

	/** Ends the attempt for `hit` (the first limit hit stays); the error to throw where reading stops. */
	stop(hit: LimitHit): Error {
		if (this.ended === undefined) {
			this.ended = hit;
			this.controller.abort(new Error(`The attempt ended: ${hit}`));
		}
		return this.controller.signal.reason as Error;
	}

	/** The limit that ended the attempt, if one did. */
	get hit(): LimitHit | undefined {
		return this.ended;
	}

	/** The attempt is over: its timers are let go (Node then drops them with their signals). */
	finish(): void {
		this.idle?.removeEventListener('abort', this.onIdle);
		this.idle = undefined;
		this.deadline.removeEventListener('abort', this.onDeadline);
	}

	private armIdle(delay: number): void {
		this.idle = AbortSignal.timeout(Math.max(1, delay));
		this.idle.addEventListener('abort', this.onIdle, { once: true });
	}

	/** One timer at a time, re-armed only when it fires after some activity: touching costs nothing. */
	private idleExpired(): void {
		if (this.idle === undefined) return;
		const idle = Date.now() - this.lastActivity;
		if (idle >= this.timeoutMs) this.stop('timeout');
		else this.armIdle(this.timeoutMs - idle);
	}
}

/** A request body's chunks, each one counted as activity. */
export async function* flowing(
	chunks: AsyncIterable<Uint8Array>,
	limits: AttemptLimits,
): AsyncIterable<Uint8Array> {
	for await (const chunk of chunks) {
		limits.touch();
		yield chunk;
	}
}

/**
 * The answer's body read to its end (so a kept-alive connection can be reused), at most
 * MAX_ANSWER_BYTES: a larger one, announced or not, ends the attempt. Parsed as n8n's helper
 * does: JSON without a leading byte-order mark, else the text.
 */
export async function readAnswerBody(
	body: AsyncIterable<Uint8Array> | null | undefined,
	announcedLength: string | null | undefined,
	limits: AttemptLimits,
): Promise<unknown> {
	if (Number(announcedLength) > MAX_ANSWER_BYTES) throw limits.stop('tooLarge');
	const chunks: Uint8Array[] = [];
	let size = 0;
	for await (const chunk of body ?? []) {
		limits.touch();
		size += chunk.byteLength;
		if (size > MAX_ANSWER_BYTES) throw limits.stop('tooLarge');
		chunks.push(chunk);
	}
	const text = Buffer.concat(chunks)
		.toString('utf8')
		.replace(/^\uFEFF/, '');
	if (text === '') return text;
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return text;
	}
}

/** Why an attempt got no answer: the execution's cancel, a limit of its own, or the network. */
export function noAnswerReason(
	error: unknown,
	cancel: AbortSignal | undefined,
	limits: AttemptLimits,
): NetworkFailure {
	if (cancel?.aborted) return 'cancelled';
	return limits.hit ?? networkFailureOf(error);
}
