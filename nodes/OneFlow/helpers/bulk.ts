import type { Failure } from './failure';
import { withNote } from './failure';
import { pause, retryDelayMs, SharedPause, type BackoffSettings } from './retry';

/** How the node reads one attempt at one item. */
export type Step<T> =
	| { type: 'done'; value: T }
	| { type: 'fail'; failure: Failure }
	| {
			type: 'retry';
			failure: Failure;
			/** The request may have reached 1Flow and been carried out, but its answer was lost. */
			maybeCarriedOut: boolean;
			/** 429: every request of the run should pause, not only this one. */
			rateLimited: boolean;
			retryAfter?: string;
	  };

/** What became of one item after all its attempts. */
export type Settled<T> =
	| { status: 'done'; value: T }
	| { status: 'failed'; failure: Failure }
	| { status: 'notSent'; reason: 'cancelled' | 'stopped' };

/** One attempt. `answerLost`: an earlier attempt may have been carried out, its answer lost. */
export type Attempt<K, T> = (key: K, answerLost: boolean) => Promise<Step<T>>;

export interface BulkSettings extends BackoffSettings {
	/** Most requests in flight at once. */
	concurrency: number;
	/** Further attempts per item after the first, for answers worth retrying. */
	maxRetries: number;
	/** Stop starting new items after the first failure (the node will throw it). */
	stopOnFailure: boolean;
	signal?: AbortSignal;
}

/**
 * Runs `attempt` for each key, at most `concurrency` at a time, retrying what is worth
 * retrying. Results come back in the order of `keys`.
 */
export async function runBulk<K, T>(keys: K[], attempt: Attempt<K, T>, settings: BulkSettings): Promise<Array<Settled<T>>> {
	const results: Array<Settled<T>> = new Array(keys.length);
	const sharedPause = new SharedPause();
	const { signal } = settings;
	let next = 0;
	let stopped = false;
	const shouldStop = () => stopped || signal?.aborted === true;
	const notSent = (): Settled<T> => ({ status: 'notSent', reason: signal?.aborted ? 'cancelled' : 'stopped' });

	async function settle(key: K): Promise<Settled<T>> {
		let answerLost = false;
		for (let retry = 0; ; retry++) {
			const paused = sharedPause.remainingMs(Date.now());
			if (paused > 0) await pause(paused, shouldStop);
			// A retry already counts as sent; only a first attempt can be left out.
			if (retry === 0 && shouldStop()) return notSent();

			const step = await attempt(key, answerLost);
			if (step.type === 'done') return { status: 'done', value: step.value };
			if (step.type === 'fail') return { status: 'failed', failure: step.failure };
			answerLost ||= step.maybeCarriedOut;
			const giveUp = () => ({ status: 'failed' as const, failure: withAttempts(step.failure, retry + 1) });
			if (retry >= settings.maxRetries || shouldStop()) return giveUp();
			const now = Date.now();
			const delay = retryDelayMs(retry + 1, step.retryAfter, now, settings);
			if (step.rateLimited) sharedPause.extendTo(now + delay);
			await pause(delay, shouldStop);
			if (shouldStop()) return giveUp();
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
