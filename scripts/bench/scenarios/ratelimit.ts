/** Rate limit: N deletes against an emulator that allows a fixed rate and answers 429 with Retry-After. */
import { measureNode } from '../measure';
import { seconds, times, verdict, type Table } from '../table';
import { log, type Scenario } from './scenario';

const RATE_PER_SECOND = 100;
const TARGET_RATE = 1.2;

export const rateLimit: Scenario = async ({ emulator, options }) => {
	const count = options.sizes.ratelimit;
	const idealMs = (count / RATE_PER_SECOND) * 1000;
	const rows = [];
	for (const concurrency of [undefined, 10]) {
		log(
			`ratelimit: ${count} deletes, emulator ${RATE_PER_SECOND}/s with 429 + Retry-After, concurrency ${concurrency ?? 'default (5)'}`,
		);
		const run = await measureNode(emulator, {
			count,
			concurrency,
			faults: { rateLimitPerSecond: RATE_PER_SECOND },
			record: true,
		});
		const ratio = run.wallMs / idealMs;
		rows.push({
			concurrency: concurrency ?? 5,
			isDefault: concurrency === undefined,
			run,
			ratio,
			pass: run.failed === 0 && ratio <= TARGET_RATE,
		});
	}
	const table: Table = {
		title: `4. Rate limit: ${count} deletes, emulator allows ${RATE_PER_SECOND} requests/s (token bucket, burst ${RATE_PER_SECOND}), 429 with Retry-After (seconds); node maxRetries 3 (default)`,
		headers: [
			'concurrency',
			'wall s',
			'N/rate s',
			'ratio',
			'requests',
			'429s',
			'deleted',
			'failed',
			'twice',
			'target',
			'result',
		],
		rows: rows.map(({ concurrency, isDefault, run, ratio, pass }) => [
			isDefault ? `${concurrency} (default)` : concurrency,
			seconds(run.wallMs),
			seconds(idealMs),
			times(ratio),
			run.emulator.requests,
			run.emulator.statuses?.['429'] ?? 0,
			run.emulator.deleted,
			run.failed,
			run.emulator.deletedTwice,
			`0 failed, ≤ ${TARGET_RATE}×`,
			verdict(pass),
		]),
		notes: [
			`The bucket starts full, so the first ${RATE_PER_SECOND} requests pass at once: the true minimum is (N − ${RATE_PER_SECOND}) / rate = ${seconds(((count - RATE_PER_SECOND) / RATE_PER_SECOND) * 1000)} s.`,
			"The emulator rounds Retry-After up to whole seconds (minimum 1), as HTTP's delta-seconds form requires.",
		],
	};
	return { tables: [table], data: { count, idealMs, rows } };
};
