/**
 * The one retry and pacing loop: every request of a run (each item's attempts, the webhook
 * check, an upload's polls) goes through it, paced by the run's Pacer.
 */
import { withNote, type Failure } from '../shared/failure';
import type { StopReason } from '../texts/run';
import type { Session } from '../transport';
import { pause, type Pacer } from '../transport/pacer';
import type { RequestOptions } from './options';

/** What became of one request, and, once the loop is through, of one item. */
export type Outcome<T> =
	| { status: 'succeeded'; value: T }
	| {
			status: 'failed';
			failure: Failure;
			/** Set when another attempt is worth making; the loop decides whether it is made. */
			retry?: {
				/** fault: timeout, 5xx, lost connection; rateLimited: 429, 1Flow did nothing; notReady: a poll. */
				why: 'fault' | 'rateLimited' | 'notReady';
				/** The request may have been carried out, its answer lost. */
				answerLost?: boolean;
				retryAfter?: string;
				/** The wait before the next attempt when the attempt sets it (a poll's own schedule). */
				afterMs?: number;
			};
	  }
	/** Left unfinished by a cancel or a stop at another item's failure: never the run's error. */
	| { status: 'cutShort'; failure: Failure };

export interface LoopSettings {
	/** Most keys in progress at once. */
	concurrency: number;
	/** Further attempts per key after faults; 429s do not count. */
	maxRetries: number;
	/** How long one key keeps trying while 1Flow answers 429. */
	maxRateLimitWaitMs: number;
	/** Stop starting new keys after the first failure (the node will throw it). */
	stopOnFailure: boolean;
	signal?: AbortSignal;
	pacer: Pacer;
	/** Backoff before fault retry n: base × 2^(n-1), half of it random, capped. */
	backoffBaseMs?: number;
	backoffCapMs?: number;
	/** Longest wait a Retry-After may ask for. */
	retryAfterCapMs?: number;
}

/** The loop's settings for a run, from the node's options. */
export function loopSettings(
	session: Session,
	request: RequestOptions,
	overrides: Partial<LoopSettings> = {},
): LoopSettings {
	const { context } = session;
	return {
		concurrency: request.concurrency,
		maxRetries: request.maxRetries,
		maxRateLimitWaitMs: request.maxRateLimitWaitMs,
		stopOnFailure: !context.continueOnFail(),
		signal: context.getExecutionCancelSignal(),
		pacer: session.pacer,
		...overrides,
	};
}

/** Retry-After as milliseconds from `now`: delta-seconds or an HTTP date; undefined if unreadable. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
	if (value === undefined) return undefined;
	const trimmed = value.trim();
	if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
	// An HTTP date names its weekday or month; Date.parse would also take "-1" as a year.
	if (!/[a-z]{3}/i.test(trimmed)) return undefined;
	const date = Date.parse(trimmed);
	if (Number.isNaN(date)) return undefined;
	return Math.max(0, date - now);
}

type Backoff = Pick<LoopSettings, 'backoffBaseMs' | 'backoffCapMs' | 'retryAfterCapMs'>;

const BACKOFF_BASE_MS = 500;
const BACKOFF_CAP_MS = 30_000;
const RETRY_AFTER_CAP_MS = 60_000;

function retryAfterMs(value: string | undefined, now: number, settings: Backoff) {
	const asked = parseRetryAfter(value, now);
	const cap = settings.retryAfterCapMs ?? RETRY_AFTER_CAP_MS;
	return asked === undefined ? undefined : Math.min(cap, asked);
}

/**
 * Delay before fault retry number `retry` (1-based): exponential with "equal jitter" (half
 * fixed, half random), so items failing together do not retry in lockstep. Retry-After wins.
 */
export function retryDelayMs(
	retry: number,
	retryAfter: string | undefined,
	now: number,
	settings: Backoff,
	random: () => number = Math.random,
): number {
	const exponential = Math.min(
		settings.backoffCapMs ?? BACKOFF_CAP_MS,
		(settings.backoffBaseMs ?? BACKOFF_BASE_MS) * 2 ** (retry - 1),
	);
	const backoff = exponential / 2 + random() * (exponential / 2);
	return retryAfterMs(retryAfter, now, settings) ?? Math.round(backoff);
}

/**
 * Runs `attempt` for each key, at most `concurrency` at a time, retrying what is worth
 * retrying; outcomes in the order of `keys`. `unfinished` words a key the run left unfinished,
 * with its last try when it had one.
 */
export async function settleAll<K, T>(
	keys: K[],
	attempt: (key: K, answerLost: boolean, shouldStop: () => boolean) => Promise<Outcome<T>>,
	settings: LoopSettings,
	unfinished: (
		key: K,
		reason: StopReason,
		lastTry?: { failure: Failure; answerLost: boolean },
	) => Failure,
): Promise<Array<Outcome<T>>> {
	const outcomes: Array<Outcome<T>> = new Array(keys.length);
	const { pacer, signal } = settings;
	let next = 0;
	let stopped = false;
	const shouldStop = () => stopped || signal?.aborted === true;
	const reason = (): StopReason => (signal?.aborted ? 'cancelled' : 'stopped');

	async function settle(key: K): Promise<Outcome<T>> {
		let answerLost = false;
		let attempts = 0;
		let faults = 0;
		let rateLimitedSince: number | undefined;
		let lastFailure: Failure | undefined;
		for (;;) {
			const sentAt = await pacer.acquire(shouldStop);
			// Nothing starts once the run stops; a key tried before says how its last try ended.
			if (shouldStop()) {
				const lastTry = lastFailure && { failure: lastFailure, answerLost };
				return { status: 'cutShort', failure: unfinished(key, reason(), lastTry) };
			}
			attempts++;
			const outcome = await attempt(key, answerLost, shouldStop);
			const now = Date.now();
			const retry = outcome.status === 'failed' ? outcome.retry : undefined;
			if (retry?.why === 'rateLimited')
				pacer.throttled(retryAfterMs(retry.retryAfter, now, settings), now, sentAt);
			else pacer.answered(now);
			if (!retry || outcome.status !== 'failed') return outcome;
			lastFailure = outcome.failure;
			// A poll keeps its own count of attempts: only retries the loop schedules are counted.
			const giveUp = (): Outcome<T> => ({
				status: 'failed',
				failure:
					attempts < 2 || retry.afterMs !== undefined
						? outcome.failure
						: withNote(outcome.failure, `(${attempts} attempts were made.)`),
			});
			let waitMs = 0;
			if (retry.why === 'rateLimited') {
				// 1Flow did nothing: sending again is always safe, so only time bounds it.
				rateLimitedSince ??= now;
				if (now - rateLimitedSince >= settings.maxRateLimitWaitMs) return giveUp();
			} else if (retry.why === 'fault') {
				answerLost ||= retry.answerLost === true;
				if (faults >= settings.maxRetries) return giveUp();
				faults++;
				waitMs = retryDelayMs(faults, retry.retryAfter, now, settings);
			} else faults = 0;
			await pause(retry.afterMs ?? waitMs, shouldStop);
		}
	}

	async function worker(): Promise<void> {
		while (next < keys.length) {
			const index = next++;
			const key = keys[index];
			// A cancel also fails the requests in flight; it is the reason, not those failures.
			const outcome: Outcome<T> = shouldStop()
				? { status: 'cutShort', failure: unfinished(key, reason()) }
				: await settle(key);
			outcomes[index] = outcome;
			if (settings.stopOnFailure && outcome.status === 'failed') stopped = true;
		}
	}

	const workers = Math.max(1, Math.min(settings.concurrency, keys.length));
	await Promise.all(Array.from({ length: workers }, worker));
	return outcomes;
}
