import { Pacer } from '../transport/pacer';
import type { Failure } from '../shared/failure';
import { withNote } from '../shared/failure';
import { pause, retryAfterMs, retryDelayMs, type BackoffSettings } from './retry';

/** How the node reads one attempt at one item. */
export type Step<T> =
	| { type: 'done'; value: T }
	| { type: 'fail'; failure: Failure }
	/** Cut short because the run was cancelled or stopped at another item's failure; `failure` says what was done. */
	| { type: 'interrupted'; failure: Failure }
	| {
			type: 'retry';
			failure: Failure;
			/** The request may have reached 1Flow and been carried out, but its answer was lost. */
			maybeCarriedOut: boolean;
			/** 429: 1Flow refused without doing anything; the whole run slows down. */
			rateLimited: boolean;
			retryAfter?: string;
	  };

/** An attempt that failed before the run stopped, and whether 1Flow may have carried it out. */
export interface LastTry {
	failure: Failure;
	answerLost: boolean;
}

/**
 * What became of one item after all its attempts. `notSent`: left unfinished by a cancel or a
 * stop, a consequence and never the run's error; `lastTry` when it had been tried, `failure`
 * to say instead when an earlier step took effect (an upload whose wait was cut short).
 */
export type Settled<T> =
	| { status: 'done'; value: T }
	| { status: 'failed'; failure: Failure }
	| { status: 'notSent'; reason: 'cancelled' | 'stopped'; lastTry?: LastTry; failure?: Failure };

/**
 * One attempt. `answerLost`: an earlier attempt may have been carried out, its answer lost.
 * `shouldStop`: whether the run was cancelled or stopped, for attempts that wait.
 */
export type Attempt<K, T> = (
	key: K,
	answerLost: boolean,
	shouldStop: () => boolean,
) => Promise<Step<T>>;

export interface BulkSettings extends BackoffSettings {
	/** Most requests in flight at once. */
	concurrency: number;
	/** Further attempts per item after faults (5xx, timeouts, dropped connections); 429s do not count. */
	maxRetries: number;
	/** How long one item keeps trying while 1Flow answers 429 (default 5 minutes). */
	maxRateLimitWaitMs?: number;
	/** Stop starting new items after the first failure (the node will throw it). */
	stopOnFailure: boolean;
	signal?: AbortSignal;
	/** The run's pacing, shared by every request of the run (see transport/pacer). */
	pacer?: Pacer;
}

export const DEFAULT_RATE_LIMIT_WAIT_MS = 300_000;

/**
 * Runs `attempt` for each key, at most `concurrency` at a time, retrying what is worth
 * retrying. Results come back in the order of `keys`.
 */
export async function runBulk<K, T>(
	keys: K[],
	attempt: Attempt<K, T>,
	settings: BulkSettings,
): Promise<Array<Settled<T>>> {
	const results: Array<Settled<T>> = new Array(keys.length);
	const pacer = settings.pacer ?? new Pacer();
	const rateLimitWaitMs = settings.maxRateLimitWaitMs ?? DEFAULT_RATE_LIMIT_WAIT_MS;
	const { signal } = settings;
	let next = 0;
	let stopped = false;
	const shouldStop = () => stopped || signal?.aborted === true;
	const reason = () => (signal?.aborted ? 'cancelled' : 'stopped');
	const notSent = (): Settled<T> => ({ status: 'notSent', reason: reason() });

	async function settle(key: K): Promise<Settled<T>> {
		let answerLost = false;
		let attempts = 0;
		let faults = 0;
		let rateLimitedSince: number | undefined;
		let lastFailure: Failure | undefined;
		const giveUp = (failure: Failure): Settled<T> => ({
			status: 'failed',
			failure: withAttempts(failure, attempts),
		});
		const cutShort = (failure: Failure): Settled<T> => ({
			status: 'notSent',
			reason: reason(),
			lastTry: { failure, answerLost },
		});
		for (;;) {
			const sentAt = await pacer.acquire(shouldStop);
			// Nothing starts once the run stops; an item tried before says how its last try ended.
			if (shouldStop()) return lastFailure ? cutShort(lastFailure) : notSent();
			attempts++;
			const step = await attempt(key, answerLost, shouldStop);
			const now = Date.now();
			if (step.type !== 'retry' || !step.rateLimited) pacer.answered(now);
			if (step.type === 'done') return { status: 'done', value: step.value };
			if (step.type === 'fail') return { status: 'failed', failure: step.failure };
			// A consequence of the stop, not a failure of its own: never the error the node throws.
			if (step.type === 'interrupted')
				return { status: 'notSent', reason: reason(), failure: step.failure };
			lastFailure = step.failure;
			if (step.rateLimited) {
				// 1Flow did nothing: sending again is always safe, so only time bounds it.
				pacer.throttled(retryAfterMs(step.retryAfter, now, settings), now, sentAt);
				rateLimitedSince ??= now;
				if (now - rateLimitedSince >= rateLimitWaitMs) return giveUp(step.failure);
				continue;
			}
			answerLost ||= step.maybeCarriedOut;
			if (faults >= settings.maxRetries) return giveUp(step.failure);
			faults++;
			await pause(retryDelayMs(faults, step.retryAfter, now, settings), shouldStop);
		}
	}

	async function worker(): Promise<void> {
		while (next < keys.length) {
			const index = next++;
			// A cancel also fails the requests in flight; it is the reason, not those failures.
			const result = shouldStop() ? notSent() : await settle(keys[index]);
			results[index] = result;
			if (settings.stopOnFailure && result.status === 'failed') stopped = true;
		}
	}

	const workers = Math.max(1, Math.min(settings.concurrency, keys.length));
	await Promise.all(Array.from({ length: workers }, worker));
	return results;
}

function withAttempts(failure: Failure, attempts: number): Failure {
	return attempts < 2 ? failure : withNote(failure, `(${attempts} attempts were made.)`);
}
