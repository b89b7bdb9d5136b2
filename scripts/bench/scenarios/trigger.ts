/**
 * The 1Flow Trigger under a bulk upload's callbacks, against n8n's own Webhook node: each row
 * a fresh n8n 2.x (SQLite, or PostgreSQL as queue mode uses it, one main in regular mode) with
 * "start node → No Operation" published; a burst at once, a stream at a fixed rate (open loop),
 * a surge at a fixed number in flight (closed loop), then a bounded wait until n8n has finished
 * (./callback-row). Needs n8n installed (npm run n8n:install); the PostgreSQL rows install
 * PostgreSQL from Debian's packages when missing (as root).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { AnswerTimes } from '../../../testkit/callback-load/phases';
import { packPackage } from '../../../testkit/n8n';
import { TRIGGER_ROWS, runRow, type RowResult } from '../callback-row';
import { verdict, type Table } from '../table';
import { log, type Scenario } from './scenario';

/** The goal: the Trigger's p50 and p99 within this factor of the Webhook node's, in every phase. */
const TARGET_RATIO = 1.2;
const PHASES = ['burst', 'stream', 'surge'] as const;

type Row = RowResult & { name: string; label: string };

function answerTime({ p50Ms, p99Ms }: AnswerTimes): string | undefined {
	if (p50Ms === undefined || p99Ms === undefined) return undefined;
	if (p99Ms < 1000) return `${Math.round(p50Ms)} / ${Math.round(p99Ms)} ms`;
	const s = (ms: number) => (ms / 1000).toFixed(ms < 10_000 ? 2 : 1);
	return `${s(p50Ms)} / ${s(p99Ms)} s`;
}

/** 0 lost and 0 stuck, and (when the Webhook node ran on the same database) its times within the target. */
function meetsGoal(row: Row, webhook: Row | undefined): boolean {
	const clean = row.ledger.lost === 0 && row.ledger.stuck === 0 && row.ledger.unfinished === 0;
	if (webhook === undefined) return clean;
	return (
		clean &&
		PHASES.every((phase) =>
			(['p50Ms', 'p99Ms'] as const).every(
				(key) =>
					(row.phases[phase][key] ?? Infinity) <=
					TARGET_RATIO * (webhook.phases[phase][key] ?? Infinity),
			),
		)
	);
}

const others = (statuses: Record<string, number>) =>
	Object.entries(statuses)
		.filter(([status]) => status !== '200')
		.map(([status, count]) => `${count}× ${status === '0' ? 'none' : status}`)
		.join(', ') || '0';

export const trigger: Scenario = async ({ options }) => {
	const sizes = options.sizes.trigger;
	const workDir = mkdtempSync(join(tmpdir(), 'n8n-nodes-1flow-trigger-'));
	const rows: Row[] = [];
	try {
		const tarball = packPackage(workDir, options.packageDir);
		for (const name of options.triggerRows) {
			const { label, atCap, ...spec } = TRIGGER_ROWS[name];
			log(`trigger: ${name} (${label}, ${spec.database}) in a fresh n8n`);
			const result = await runRow(
				{ ...spec, fill: atCap ? sizes.memoryFill : 0 },
				sizes,
				tarball,
				join(workDir, name),
			);
			log(
				`trigger: ${name}: ${result.ledger.answered200} answered 200, ${result.ledger.finished} finished, ${result.ledger.stuck} stuck, ${result.ledger.lost} lost, ${result.lockTimeouts} lock timeouts`,
			);
			rows.push({ ...result, name, label });
		}
	} finally {
		rmSync(workDir, { recursive: true, force: true });
	}

	const webhookOn = (database: string) =>
		rows.find((row) => row.start === 'webhook' && row.database === database);
	const stream = `${sizes.streamPerSecond}/s for ${sizes.streamSeconds} s`;
	const table: Table = {
		title: `8. 1Flow Trigger against n8n's Webhook node (n8n ${rows[0]?.n8n ?? '2.x'}, each row a fresh n8n, start node → No Operation): a burst of ${sizes.burst} at once, a stream of ${stream}, a surge of ${sizes.surge} at ${sizes.surgeInFlight} in flight, then a wait until n8n has finished`,
		headers: [
			'start node',
			'database',
			'answered 200',
			'other answers',
			'finished',
			'stuck',
			'lost',
			'lock timeouts',
			'burst p50 / p99',
			'stream p50 / p99',
			'surge p50 / p99',
			'n8n CPU s',
			'load avg',
			'target',
		],
		rows: rows.map((row) => [
			row.label,
			row.database === 'postgres' ? 'PostgreSQL' : 'SQLite',
			row.ledger.answered200,
			others(row.ledger.statuses),
			row.ledger.finished,
			row.ledger.stuck,
			row.ledger.lost,
			row.database === 'sqlite' ? row.lockTimeouts : undefined,
			answerTime(row.phases.burst),
			answerTime(row.phases.stream),
			answerTime(row.phases.surge),
			row.cpuSeconds,
			`${row.loadAverage.start} → ${row.loadAverage.end}`,
			row.start === 'trigger' ? verdict(meetsGoal(row, webhookOn(row.database))) : '—',
		]),
		notes: [
			`finished = executions with a final status whose stored data names a sent document; stuck = executions of the workflow still new, running or waiting after the wait (it ends 10 s after the last change, or once nothing moved for 60 s, n8n's lock timeout; at most 300 s; the cap row's count includes any its fill left, see fillSettled in the JSON); lost = answered 200, and no execution names the document.`,
			"lock timeouts = LockAcquireTimeoutError or SQLITE_BUSY in n8n's log. Times: from sending to the whole answer, over the callbacks answered. n8n CPU: user + system of n8n and its task runner (/proc) from the burst to the end of the wait.",
			`target (Trigger rows): 0 lost, 0 stuck, and every phase's p50 and p99 within ${TARGET_RATIO}× the Webhook node's on the same database (only lost and stuck when that row did not run). Memory at its cap: ${sizes.memoryFill} accepted callbacks sent and finished first.`,
		],
	};
	return { tables: [table], data: { sizes, rows } };
};
