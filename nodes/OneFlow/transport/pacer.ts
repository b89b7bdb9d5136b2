import { sleep } from 'n8n-workflow';

/**
 * Paces one run's requests so that many runs sharing 1Flow's rate limit (several executions,
 * several n8n workers) settle on their share of it without talking to each other: unlimited
 * until a 429, then a token bucket that backs off and grows back along a cubic curve (as TCP
 * CUBIC does), so runs that hit the limit back off together and share it fairly.
 */
const BACKOFF = 0.7;
/** Steepness of the cubic curve (requests per second, per second cubed). */
const CUBIC_SCALE = 1.5;
const MIN_RATE = 0.5;
/** Sends counted for the measured rate. */
const MEASURE_WINDOW_MS = 1000;
/** Shortest stretch of sending a rate is measured over (just after a pause). */
const MIN_MEASURE_MS = 200;
/** Waits are slept in slices so a cancelled execution stops waiting promptly. */
const WAIT_SLICE_MS = 100;
/** Without a send time, 429s this close together count as one. */
const SAME_THROTTLE_MS = 100;

/** Sleeps `ms`, or less once `shouldStop` says so. */
export async function pause(ms: number, shouldStop: () => boolean): Promise<void> {
	const end = Date.now() + ms;
	for (let left = ms; left > 0 && !shouldStop(); left = end - Date.now()) {
		await sleep(Math.min(left, WAIT_SLICE_MS));
	}
}

export class Pacer {
	/** Requests per second the bucket refills at; undefined while unlimited. */
	private rate: number | undefined;
	private tokens = 1;
	private refilledAt = 0;
	private pausedUntil = 0;
	/** The rate at the last 429, and when it came. */
	private rateAtThrottle = 0;
	private throttledAt = 0;
	/** When the last Retry-After pause ended: the measured rate does not count paused time. */
	private resumedAt = 0;
	private readonly sent: number[] = [];

	constructor(private readonly maxPerSecond?: number) {
		if (maxPerSecond !== undefined) this.rate = maxPerSecond;
	}

	/** Requests per second the run is allowed now; undefined when unlimited. */
	get currentRate(): number | undefined {
		return this.rate;
	}

	/**
	 * Waits until the run may send one more request (or `shouldStop` says so); returns when it
	 * may, to hand to `throttled` if that request is refused.
	 */
	async acquire(shouldStop: () => boolean): Promise<number> {
		for (;;) {
			if (shouldStop()) return Date.now();
			const now = Date.now();
			let waitMs = this.pausedUntil - now;
			if (waitMs <= 0 && this.rate !== undefined) {
				this.refill(now);
				waitMs = this.tokens >= 1 ? 0 : ((1 - this.tokens) / this.rate) * 1000;
			}
			if (waitMs <= 0) break;
			await sleep(Math.min(Math.ceil(waitMs), WAIT_SLICE_MS));
		}
		if (this.rate !== undefined) this.tokens -= 1;
		const now = Date.now();
		if (this.pausedUntil > this.resumedAt && this.pausedUntil <= now)
			this.resumedAt = this.pausedUntil;
		this.record(now);
		return now;
	}

	/**
	 * 1Flow answered 429 to a request sent at `sentAt` (what `acquire` returned): slow down, and
	 * pause everything for as long as it asked.
	 */
	throttled(retryAfterMs: number | undefined, now = Date.now(), sentAt?: number): void {
		if (retryAfterMs !== undefined)
			this.pausedUntil = Math.max(this.pausedUntil, now + retryAfterMs);
		// A request sent before the last slow-down was too fast for the old rate, not the new one:
		// the requests in flight when 1Flow starts refusing slow the run down once.
		if (
			sentAt === undefined ? now - this.throttledAt < SAME_THROTTLE_MS : sentAt <= this.throttledAt
		)
			return;
		const sending = this.measuredRate(now);
		const rate = this.rate === undefined ? sending : Math.min(sending, this.rate);
		this.rateAtThrottle = Math.max(rate, MIN_RATE);
		this.throttledAt = now;
		this.setRate(rate * BACKOFF, now);
	}

	/** Any answer but 429: recover toward (and past) the rate of the last 429. */
	answered(now = Date.now()): void {
		if (this.rate === undefined || this.throttledAt === 0) return;
		const seconds = (now - this.throttledAt) / 1000;
		const plateau = Math.cbrt((this.rateAtThrottle * (1 - BACKOFF)) / CUBIC_SCALE);
		const cubic = CUBIC_SCALE * (seconds - plateau) ** 3 + this.rateAtThrottle;
		// Never more than twice what the run manages to send: growth follows real traffic.
		this.setRate(Math.min(cubic, 2 * Math.max(this.measuredRate(now), MIN_RATE)), now);
	}

	private setRate(rate: number, now: number): void {
		this.refill(now);
		// The user's cap bounds the rate even below the floor a 429 may back off to.
		const floored = Math.max(MIN_RATE, rate);
		this.rate = this.maxPerSecond === undefined ? floored : Math.min(floored, this.maxPerSecond);
		this.tokens = Math.min(this.tokens, this.capacity());
	}

	/** A small burst only: a paced run sends evenly. */
	private capacity(): number {
		return Math.max(1, (this.rate ?? 1) / 10);
	}

	private refill(now: number): void {
		if (this.rate !== undefined && this.refilledAt > 0) {
			this.tokens = Math.min(
				this.capacity(),
				this.tokens + ((now - this.refilledAt) / 1000) * this.rate,
			);
		}
		this.refilledAt = now;
	}

	private record(now: number): void {
		this.sent.push(now);
		while (this.sent.length > 0 && this.sent[0] <= now - MEASURE_WINDOW_MS) this.sent.shift();
	}

	/**
	 * Requests per second over the last second, not counting a Retry-After pause in it: right after
	 * a pause the run has hardly sent anything, and taking that for its rate would throttle it to
	 * a crawl.
	 */
	private measuredRate(now: number): number {
		while (this.sent.length > 0 && this.sent[0] <= now - MEASURE_WINDOW_MS) this.sent.shift();
		const count = this.sent.filter((time) => time >= this.resumedAt).length;
		return (
			(count * 1000) / Math.max(Math.min(now - this.resumedAt, MEASURE_WINDOW_MS), MIN_MEASURE_MS)
		);
	}
}
