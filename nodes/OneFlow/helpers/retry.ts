import { sleep } from 'n8n-workflow';

/** How long to wait between attempts; the defaults suit 1Flow's API. */
export interface BackoffSettings {
	/** Backoff before retry n (1-based): base * 2^(n-1), with jitter, capped. */
	backoffBaseMs?: number;
	backoffCapMs?: number;
	/** Longest wait a Retry-After may ask for. */
	retryAfterCapMs?: number;
}

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

/** How long a Retry-After asks to wait, up to the cap; undefined when it asks nothing readable. */
export function retryAfterMs(
	value: string | undefined,
	now: number,
	settings: BackoffSettings,
): number | undefined {
	const asked = parseRetryAfter(value, now);
	return asked === undefined
		? undefined
		: Math.min(settings.retryAfterCapMs ?? DEFAULT_RETRY_AFTER_CAP_MS, asked);
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
	settings: BackoffSettings,
	random: () => number = Math.random,
): number {
	const base = settings.backoffBaseMs ?? DEFAULT_BACKOFF_BASE_MS;
	const cap = settings.backoffCapMs ?? DEFAULT_BACKOFF_CAP_MS;
	const exponential = Math.min(cap, base * 2 ** (retry - 1));
	const backoff = exponential / 2 + random() * (exponential / 2);
	return retryAfterMs(retryAfter, now, settings) ?? Math.round(backoff);
}

/** Sleeps `ms`, or less once `shouldStop` says so. */
export async function pause(ms: number, shouldStop: () => boolean): Promise<void> {
	const end = Date.now() + ms;
	for (let left = ms; left > 0 && !shouldStop(); left = end - Date.now()) {
		await sleep(Math.min(left, WAIT_SLICE_MS));
	}
}
