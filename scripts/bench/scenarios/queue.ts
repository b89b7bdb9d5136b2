/**
 * Queue mode: n8n 2.x with PostgreSQL, Redis, a main instance and 2 workers (--concurrency 5),
 * the package installed in their user folder; bursts of executions fired at once at a webhook
 * workflow, each deleting its own documents, against one 1Flow limited to 100 requests/s
 * (testkit/queue-mode). Needs n8n installed (npm run n8n:install) and, as root, installs
 * PostgreSQL and Redis from Debian's packages when missing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { packPackage } from '../../../testkit/n8n';
import { burst, describeBurst, type BurstResult } from '../../../testkit/queue-mode/burst';
import { QueueDeployment } from '../../../testkit/queue-mode/deployment';
import { median } from '../measure';
import { fixed, seconds, times, verdict, type Table } from '../table';
import { log, type Scenario } from './scenario';

const RATE_PER_SECOND = 100;
const LATENCY_MS = 20;
const WORKERS = 2;
const WORKER_CONCURRENCY = 5;
const NODE_CONCURRENCY = 10;
const TARGET_RATIO = 1.2;
const TARGET_429_SHARE = 0.1;
/** The node's options per workflow: adaptive pacing alone, and capped at the limit ÷ 10 executions. */
const ADAPTIVE = 'adaptive';
const VARIANTS: Record<string, Record<string, unknown>> = {
	[ADAPTIVE]: { concurrency: NODE_CONCURRENCY },
	'capped 10/s': { concurrency: NODE_CONCURRENCY, maxRequestsPerSecond: RATE_PER_SECOND / 10 },
};

const ratioOf = (run: BurstResult) => run.wallMs / run.limitMs;
const shareOf = (run: BurstResult) => run.rateLimited / run.requests;

export const queue: Scenario = async ({ options }) => {
	const { executions: sizes, perExecution } = options.sizes.queue;
	const cases = Object.keys(VARIANTS).flatMap((variant) =>
		sizes.map((executions) => ({ variant, executions })),
	);
	const workDir = mkdtempSync(join(tmpdir(), 'n8n-nodes-1flow-queue-'));
	const results: BurstResult[] = [];
	try {
		const tarball = packPackage(workDir, options.packageDir);
		log(
			`queue: starting PostgreSQL, Redis, n8n main and ${WORKERS} workers (--concurrency ${WORKER_CONCURRENCY})`,
		);
		const deployment = await QueueDeployment.start({
			tarball,
			workDir: join(workDir, 'deployment'),
			workers: WORKERS,
			workerConcurrency: WORKER_CONCURRENCY,
			faults: { rateLimitPerSecond: RATE_PER_SECOND, latencyMs: LATENCY_MS },
			variants: VARIANTS,
		});
		try {
			for (let repetition = 1; repetition <= options.sizes.repeat; repetition++) {
				for (const { variant, executions } of cases) {
					log(
						`queue: ${variant}, ${executions} executions × ${perExecution} deletes (repetition ${repetition} of ${options.sizes.repeat})`,
					);
					const result = await burst(deployment, variant, executions, perExecution);
					log(`queue: ${describeBurst(result)}`);
					results.push(result);
				}
			}
		} finally {
			await deployment.stop();
		}
	} finally {
		rmSync(workDir, { recursive: true, force: true });
	}

	const rows = cases.map(({ variant, executions }) => {
		const runs = results.filter(
			(result) => result.variant === variant && result.executions === executions,
		);
		const failed = Math.max(...runs.map((run) => run.failedItems));
		const notDeleted = Math.max(...runs.map((run) => run.notDeleted));
		const twice = Math.max(...runs.map((run) => run.deletedTwice));
		const typical = median(runs, ratioOf);
		const ratio = ratioOf(typical);
		const share = shareOf(median(runs, shareOf));
		// The targets are for adaptive pacing; a cap trades speed for no 429s at all.
		const judged = variant === ADAPTIVE;
		const pass = judged
			? failed === 0 &&
				notDeleted === 0 &&
				twice === 0 &&
				ratio <= TARGET_RATIO &&
				share < TARGET_429_SHARE
			: undefined;
		return {
			variant,
			executions,
			runs,
			typical,
			ratio,
			share,
			failed,
			notDeleted,
			twice,
			judged,
			pass,
		};
	});
	const table: Table = {
		title: `7. Queue mode: n8n 2.x, ${WORKERS} workers × --concurrency ${WORKER_CONCURRENCY}, node Concurrency ${NODE_CONCURRENCY} (capped: also Max Requests per Second ${RATE_PER_SECOND / 10}); executions fired at once, ${perExecution} deletes each; emulator ${RATE_PER_SECOND} requests/s, ${LATENCY_MS} ms (median of ${options.sizes.repeat}: wall and requests of the median run)`,
		headers: [
			'node options',
			'executions',
			'deletes',
			'wall s',
			'N/rate s',
			'ratio',
			'each run',
			'requests',
			'429 share',
			'each run',
			'failed',
			'not deleted',
			'twice',
			'per worker',
			'target',
			'result',
		],
		rows: rows.map(
			({
				variant,
				executions,
				runs,
				typical,
				ratio,
				share,
				failed,
				notDeleted,
				twice,
				judged,
				pass,
			}) => [
				variant,
				executions,
				executions * perExecution,
				seconds(typical.wallMs, 1),
				seconds(runs[0].limitMs, 1),
				times(ratio),
				runs.map((run) => fixed(ratioOf(run))).join(' '),
				typical.requests,
				`${(share * 100).toFixed(1)}%`,
				runs.map((run) => (shareOf(run) * 100).toFixed(1)).join(' '),
				failed,
				notDeleted,
				twice,
				runs.map((run) => run.byWorker.join('/')).join(' '),
				judged ? `0 failed, ≤ ${TARGET_RATIO}×, 429 < ${TARGET_429_SHARE * 100}%` : '—',
				verdict(pass),
			],
		),
		notes: [
			"wall = first webhook call to the last execution's end (stoppedAt in PostgreSQL); N/rate = deletes ÷ the limit. The emulator's bucket starts full (burst 100).",
			"failed = items on the 1Flow node's error output; not deleted, twice = documents deleted never, more than once; each the worst run.",
			"The whole fleet (main, 2 workers and their task runners, PostgreSQL, Redis, the emulator) shares the machine's cores.",
		],
	};
	return { tables: [table], data: { rows } };
};
