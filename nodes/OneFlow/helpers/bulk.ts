import { sleep } from 'n8n-workflow';

import type { AttemptOutcome } from '../transport';
import type { Failure, Verdict } from '../transport/errors';

export interface BulkSettings {
	/** Most requests in flight at once. */
	concurrency: number;
	/** Further attempts per document after the first, for answers worth retrying. */
	maxRetries: number;
	/** Stop starting new deletes after the first failure (the node will throw it). */
	stopOnFailure: boolean;
	/** A 404 is a success ("already deleted"), so it does not stop the run. */
	treatNotFoundAsDeleted: boolean;
	/**
	 * Confirms the webhook ID and secret (undefined) or says why not. Asked before a 404 after a
	 * lost answer is read as "deleted by the lost attempt", since 1Flow also answers 404 for an
	 * unknown webhook.
	 */
	checkWebhook: () => Promise<Failure | undefined>;
	signal?: AbortSignal;
	/** Backoff before retry n (1-based): base * 2^(n-1), with jitter, capped. */
	backoffBaseMs?: number;
	backoffCapMs?: number;
	/** Longest wait a Retry-After may ask for. */
	retryAfterCapMs?: number;
}

export type DocumentResult =
	| {
			status: 'deleted';
			documentId: string;
			message: string;
			/** The answer to an earlier attempt was lost and a retry found the document gone. */
			confirmedByRetry: boolean;
	  }
	| { status: 'notFound'; failure: Failure }
	| { status: 'failed'; failure: Failure }
	| { status: 'notSent'; reason: 'cancelled' | 'stopped' };

export const DEFAULT_BACKOFF_BASE_MS = 500;
export const DEFAULT_BACKOFF_CAP_MS = 30_000;
export const DEFAULT_RETRY_AFTER_CAP_MS = 60_000;
/** Waits are slept in slices so a cancelled execution stops waiting promptly. */
const WAIT_SLICE_MS = 100;

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

/**
 * Delay before retry number `retry` (1-based). Exponential with "equal jitter" (half fixed, half
 * random) so that many items failing together do not retry in lockstep. A Retry-After from
 * 1Flow is honoured as asked, up to a cap.
 */
export function retryDelayMs(
	retry: number,
	retryAfter: string | undefined,
	now: number,
	settings: Pick<BulkSettings, 'backoffBaseMs' | 'backoffCapMs' | 'retryAfterCapMs'>,
	random: () => number = Math.random,
): number {
	const base = settings.backoffBaseMs ?? DEFAULT_BACKOFF_BASE_MS;
	const cap = settings.backoffCapMs ?? DEFAULT_BACKOFF_CAP_MS;
	const exponential = Math.min(cap, base * 2 ** (retry - 1));
	const backoff = exponential / 2 + random() * (exponential / 2);
	const asked = parseRetryAfter(retryAfter, now);
	if (asked === undefined) return Math.round(backoff);
	return Math.min(settings.retryAfterCapMs ?? DEFAULT_RETRY_AFTER_CAP_MS, asked);
}

/** A pause shared by every worker of a run: one 429 slows the whole run down, not one item. */
class SharedPause {
	private until = 0;

	extendTo(time: number): void {
		this.until = Math.max(this.until, time);
	}

	remainingMs(now: number): number {
		return this.until - now;
	}
}

/** Sleeps `ms`, or less once `shouldStop` says so. */
export async function pause(ms: number, shouldStop: () => boolean): Promise<void> {
	const end = Date.now() + ms;
	for (let left = ms; left > 0 && !shouldStop(); left = end - Date.now()) {
		await sleep(Math.min(left, WAIT_SLICE_MS));
	}
}

export type SendAttempt = (docId: string) => Promise<AttemptOutcome>;
export type ReadAttempt = (docId: string, outcome: AttemptOutcome) => Verdict;

/**
 * Deletes each document once, at most `concurrency` at a time, retrying what is worth
 * retrying. Results come back in the order of `docIds`.
 */
export async function deleteDocuments(
	docIds: string[],
	send: SendAttempt,
	read: ReadAttempt,
	settings: BulkSettings,
): Promise<DocumentResult[]> {
	const results: DocumentResult[] = new Array(docIds.length);
	const sharedPause = new SharedPause();
	const { signal } = settings;
	let next = 0;
	let stopped = false;
	const shouldStop = () => stopped || signal?.aborted === true;

	async function deleteOne(docId: string): Promise<DocumentResult> {
		let maybeCarriedOut = false;
		for (let retry = 0; ; retry++) {
			const paused = sharedPause.remainingMs(Date.now());
			if (paused > 0) await pause(paused, shouldStop);
			// A retry already counts as sent; only a first attempt can be left out.
			if (retry === 0 && shouldStop()) return { status: 'notSent', reason: signal?.aborted ? 'cancelled' : 'stopped' };

			const verdict = read(docId, await send(docId));
			switch (verdict.type) {
				case 'deleted':
					return { status: 'deleted', documentId: verdict.documentId, message: verdict.message, confirmedByRetry: false };
				case 'notFound':
					if (maybeCarriedOut) {
						const webhookFailure = await settings.checkWebhook();
						if (webhookFailure) return { status: 'failed', failure: webhookFailure };
						return {
							status: 'deleted',
							documentId: docId,
							message: 'Document deleted (the answer to an earlier attempt was lost; the retry found it gone)',
							confirmedByRetry: true,
						};
					}
					return { status: 'notFound', failure: verdict.failure };
				case 'fail':
					return { status: 'failed', failure: verdict.failure };
				case 'retry': {
					maybeCarriedOut ||= verdict.maybeCarriedOut;
					if (retry >= settings.maxRetries || shouldStop()) {
						return { status: 'failed', failure: withAttempts(verdict.failure, retry + 1) };
					}
					const now = Date.now();
					const delay = retryDelayMs(retry + 1, verdict.retryAfter, now, settings);
					if (verdict.rateLimited) sharedPause.extendTo(now + delay);
					await pause(delay, shouldStop);
					if (shouldStop()) return { status: 'failed', failure: withAttempts(verdict.failure, retry + 1) };
				}
			}
		}
	}

	async function worker(): Promise<void> {
		while (next < docIds.length) {
			const index = next++;
			if (shouldStop()) {
				// A cancel also fails the requests in flight; it is the reason, not those failures.
				results[index] = { status: 'notSent', reason: signal?.aborted ? 'cancelled' : 'stopped' };
				continue;
			}
			const result = await deleteOne(docIds[index]);
			results[index] = result;
			const isFailure =
				result.status === 'failed' || (result.status === 'notFound' && !settings.treatNotFoundAsDeleted);
			if (settings.stopOnFailure && isFailure) {
				stopped = true;
			}
		}
	}

	const workers = Math.max(1, Math.min(settings.concurrency, docIds.length));
	await Promise.all(Array.from({ length: workers }, worker));
	return results;
}

function withAttempts(failure: Failure, attempts: number): Failure {
	if (attempts < 2) return failure;
	return { ...failure, description: `${failure.description} (${attempts} attempts were made.)` };
}
