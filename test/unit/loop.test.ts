import {
	parseRetryAfter,
	retryDelayMs,
	settleAll,
	type LoopSettings,
	type Outcome,
} from '../../nodes/OneFlow/helpers/loop';
import type { Failure } from '../../nodes/OneFlow/shared/failure';
import { Pacer } from '../../nodes/OneFlow/transport/pacer';

const failure = (httpCode: number | null): Failure => ({
	message: `failed ${httpCode}`,
	description: 'why',
	httpCode,
});
const done = (key: string): Outcome<string> => ({ status: 'succeeded', value: key });
const fail = (httpCode: number): Outcome<string> => ({
	status: 'failed',
	failure: failure(httpCode),
});
const retry = (
	overrides: {
		failure?: Failure;
		rateLimited?: boolean;
		answerLost?: boolean;
		retryAfter?: string;
	} = {},
): Outcome<string> => ({
	status: 'failed',
	failure: overrides.failure ?? failure(503),
	retry: {
		why: overrides.rateLimited ? 'rateLimited' : 'fault',
		answerLost: overrides.answerLost ?? false,
		retryAfter: overrides.retryAfter,
	},
});
const settings = (overrides: Partial<LoopSettings> = {}): LoopSettings => ({
	concurrency: 5,
	maxRetries: 3,
	maxRateLimitWaitMs: 300_000,
	stopOnFailure: false,
	pacer: new Pacer(),
	backoffBaseMs: 1,
	backoffCapMs: 5,
	...overrides,
});
/** How the loop words a key left unfinished: here, everything it was told, to compare. */
const unfinished = (
	key: string,
	reason: string,
	lastTry?: { failure: Failure; answerLost: boolean },
): Failure => ({ message: key, description: reason, httpCode: null, apiBody: { lastTry } });
const cutShort = (...args: Parameters<typeof unfinished>) => ({
	status: 'cutShort',
	failure: unfinished(...args),
});
const run = async (
	keys: string[],
	attempt: (key: string, answerLost: boolean) => Promise<Outcome<string>>,
	loop: LoopSettings,
) => await settleAll(keys, attempt, loop, unfinished);
const delay = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

describe('parseRetryAfter', () => {
	const now = Date.parse('2026-11-29T12:00:00Z');
	it('reads seconds and HTTP dates', () => {
		expect(parseRetryAfter('3', now)).toBe(3000);
		expect(parseRetryAfter('0.5', now)).toBe(500);
		expect(parseRetryAfter('Sun, 29 Nov 2026 12:00:07 GMT', now)).toBe(7000);
		expect(parseRetryAfter('Sun, 29 Nov 2026 11:00:00 GMT', now)).toBe(0);
	});
	it('ignores what it cannot read', () => {
		expect(parseRetryAfter(undefined, now)).toBeUndefined();
		expect(parseRetryAfter('soon', now)).toBeUndefined();
		expect(parseRetryAfter('-1', now)).toBeUndefined();
	});
});

describe('retryDelayMs', () => {
	it('grows exponentially with jitter between half and all of the step, up to the cap', () => {
		const base = { backoffBaseMs: 100, backoffCapMs: 1000 };
		expect(retryDelayMs(1, undefined, 0, base, () => 0)).toBe(50);
		expect(retryDelayMs(1, undefined, 0, base, () => 1)).toBe(100);
		expect(retryDelayMs(3, undefined, 0, base, () => 1)).toBe(400);
		expect(retryDelayMs(10, undefined, 0, base, () => 1)).toBe(1000);
	});
	it('honours Retry-After up to its cap', () => {
		expect(retryDelayMs(1, '2', 0, { backoffBaseMs: 100 }, () => 0)).toBe(2000);
		expect(retryDelayMs(1, '600', 0, { retryAfterCapMs: 60000 }, () => 0)).toBe(60000);
	});
});

describe('settleAll', () => {
	it('keeps input order and never has more than `concurrency` attempts in flight', async () => {
		let inFlight = 0;
		let most = 0;
		const keys = Array.from({ length: 40 }, (_, i) => `doc_${i}`);
		const results = await run(
			keys,
			async (key) => {
				inFlight++;
				most = Math.max(most, inFlight);
				await delay(Number(key.split('_')[1]) % 3);
				inFlight--;
				return done(key);
			},
			settings({ concurrency: 4 }),
		);
		expect(most).toBe(4);
		expect(results.map((result) => result.status === 'succeeded' && result.value)).toEqual(keys);
	});

	it('retries until done, and gives up after maxRetries saying how many attempts were made', async () => {
		const attempts = new Map<string, number>();
		const attempt = async (key: string) => {
			const count = (attempts.get(key) ?? 0) + 1;
			attempts.set(key, count);
			return key === 'flaky' && count >= 3 ? done(key) : retry();
		};
		const [flaky, broken] = await run(['flaky', 'broken'], attempt, settings({ maxRetries: 2 }));
		expect(flaky).toEqual({ status: 'succeeded', value: 'flaky' });
		expect(broken).toMatchObject({ status: 'failed', failure: { httpCode: 503 } });
		expect(broken.status === 'failed' && broken.failure.description).toBe(
			'why (3 attempts were made.)',
		);
		expect([attempts.get('flaky'), attempts.get('broken')]).toEqual([3, 3]);
	});

	it('never retries a failure', async () => {
		let sent = 0;
		const [result] = await run(['doc'], async () => (sent++, fail(400)), settings());
		expect(sent).toBe(1);
		expect(result).toEqual({ status: 'failed', failure: failure(400) });
	});

	it.each([
		['a timeout', true],
		['a reset', true],
		['a refused connection', false],
		['a 502 from a gateway', false],
	])('tells the next attempt whether an answer was lost after %s', async (_, lost) => {
		const seen: boolean[] = [];
		await run(
			['doc'],
			async (_key, answerLost) => (
				seen.push(answerLost),
				seen.length === 1 ? retry({ answerLost: lost }) : done('doc')
			),
			settings(),
		);
		expect(seen).toEqual([false, lost]);
	});

	it('gives up a retry wait once another item failed and the run stops: a consequence, not a failure of its own', async () => {
		// 'slow' waits out a 600 s Retry-After unless the stop reaches its wait: jest's timeout guards.
		const results = await run(
			['slow', 'bad'],
			async (key) =>
				key === 'slow'
					? retry({ retryAfter: '600', answerLost: true })
					: (await delay(50), fail(400)),
			settings({ concurrency: 2, stopOnFailure: true }),
		);
		expect(results).toEqual([
			cutShort('slow', 'stopped', { failure: failure(503), answerLost: true }),
			{ status: 'failed', failure: failure(400) },
		]);
	});

	it('sends no further attempt once another item failed and the run stops, even after a 429', async () => {
		const sent: string[] = [];
		const results = await run(
			['limited', 'bad'],
			async (key) => (
				sent.push(key),
				key === 'limited'
					? retry({ rateLimited: true, retryAfter: '600', failure: failure(429) })
					: (await delay(50), fail(400))
			),
			settings({ concurrency: 2, stopOnFailure: true }),
		);
		expect(sent).toEqual(['limited', 'bad']);
		expect(results).toEqual([
			cutShort('limited', 'stopped', { failure: failure(429), answerLost: false }),
			{ status: 'failed', failure: failure(400) },
		]);
	});

	it('pauses every worker after a 429, not only the one that got it', async () => {
		const sentAt: Array<{ key: string; at: number }> = [];
		let limited = false;
		const start = Date.now();
		await run(
			['a', 'b', 'c', 'd'],
			async (key) => {
				sentAt.push({ key, at: Date.now() - start });
				if (key === 'a' && !limited) {
					limited = true;
					return retry({ rateLimited: true, retryAfter: '0.3' });
				}
				await delay(20);
				return done(key);
			},
			settings({ concurrency: 2 }),
		);
		// 'b' was already in flight; 'c' and 'd' start only after the shared pause.
		const late = sentAt.filter((entry) => entry.key === 'c' || entry.key === 'd');
		expect(late).toHaveLength(2);
		for (const entry of late) expect(entry.at).toBeGreaterThanOrEqual(280);
	});

	it('stops starting new items after a failure when asked to', async () => {
		const sent: string[] = [];
		const results = await run(
			['a', 'bad', 'c', 'd', 'e'],
			async (key) => (sent.push(key), key === 'bad' ? fail(400) : done(key)),
			settings({ concurrency: 1, stopOnFailure: true }),
		);
		expect(sent).toEqual(['a', 'bad']);
		expect(results.map((result) => result.status)).toEqual([
			'succeeded',
			'failed',
			'cutShort',
			'cutShort',
			'cutShort',
		]);
		expect(results[2]).toEqual(cutShort('c', 'stopped'));
	});

	it('sends nothing more once the execution is cancelled', async () => {
		const controller = new AbortController();
		const sent: string[] = [];
		const results = await run(
			['a', 'b', 'c', 'd'],
			async (key) => {
				sent.push(key);
				if (key === 'b') controller.abort();
				return done(key);
			},
			settings({ concurrency: 1, signal: controller.signal }),
		);
		expect(sent).toEqual(['a', 'b']);
		expect(results.map((result) => result.status)).toEqual([
			'succeeded',
			'succeeded',
			'cutShort',
			'cutShort',
		]);
		expect(results[3]).toEqual(cutShort('d', 'cancelled'));
	});

	it('stops waiting for a retry when cancelled', async () => {
		// Retry-After asks for 600 s, capped at 60 s, past jest's 30 s test timeout: only a prompt stop passes.
		const controller = new AbortController();
		const promise = run(
			['a'],
			async () => retry({ retryAfter: '600' }),
			settings({ signal: controller.signal }),
		);
		await delay(50);
		controller.abort();
		const [result] = await promise;
		expect(result).toEqual(
			cutShort('a', 'cancelled', { failure: failure(503), answerLost: false }),
		);
	});
});
