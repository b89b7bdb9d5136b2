/**
 * One row of the Trigger scenario: a fresh n8n with "start node → No Operation" published,
 * warmed up (and, for "memory at its cap", sent that many accepted callbacks first), then a
 * burst, a stream and a surge of distinct callbacks, a bounded wait until n8n has finished, and
 * every answer matched to the executions n8n stored.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

import { ledgerOf, type Ledger } from '../../testkit/callback-load/ledger';
import {
	answerTimes,
	burst,
	documentIds,
	statusCounts,
	stream,
	surge,
	type AnswerTimes,
} from '../../testkit/callback-load/phases';
import { settle, type Settled } from '../../testkit/callback-load/settle';
import { triggerWorkflow, webhookNodeWorkflow } from '../../testkit/callback-load/workflows';
import { CallbackSender, type SentCallback } from '../../testkit/emulator';
import { FreshN8n, type Database } from './fresh-n8n';
import { log } from './scenarios/scenario';

export interface RowSpec {
	start: 'webhook' | 'trigger';
	database: Database;
	/** Accepted callbacks sent (and finished) before the measured load: fills the Trigger's memory. */
	fill: number;
	/** n8n settings of this row only. */
	env?: Record<string, string>;
}

/** The scenario's rows by --trigger-rows name, in the order they run. */
export const TRIGGER_ROWS: Record<
	string,
	{ label: string; atCap: boolean } & Omit<RowSpec, 'fill'>
> = {
	'webhook-sqlite': { label: 'Webhook node', start: 'webhook', database: 'sqlite', atCap: false },
	'trigger-sqlite': {
		label: '1Flow Trigger, memory empty',
		start: 'trigger',
		database: 'sqlite',
		atCap: false,
	},
	'trigger-cap-sqlite': {
		label: '1Flow Trigger, memory at its cap',
		start: 'trigger',
		database: 'sqlite',
		atCap: true,
	},
	'webhook-postgres': {
		label: 'Webhook node',
		start: 'webhook',
		database: 'postgres',
		atCap: false,
	},
	'trigger-postgres': {
		label: '1Flow Trigger, memory empty',
		start: 'trigger',
		database: 'postgres',
		atCap: false,
	},
	// n8n 2.x holds an expression isolate (a pool of 1) through every webhook request of a node
	// other than its own Webhook node; its legacy engine takes none: this row shows that cost.
	'trigger-legacy-sqlite': {
		label: "1Flow Trigger, memory empty, n8n's legacy expression engine",
		start: 'trigger',
		database: 'sqlite',
		atCap: false,
		env: { N8N_EXPRESSION_ENGINE: 'legacy' },
	},
};

export interface LoadSizes {
	burst: number;
	streamPerSecond: number;
	streamSeconds: number;
	surge: number;
	surgeInFlight: number;
}

const WORKFLOW_ID = 'benchCallbacks01';
const SIGNING = { id: 'benchSigningCred', name: '1Flow callback signing (bench)' };
/** n8n on a busy 2-core machine took over 20 s to answer a burst; the sender waits this long. */
const ANSWER_TIMEOUT_MS = 120_000;
const WARMUP = 20;
/** Gentle, so that the fill itself leaves nothing stuck that the measured load would be blamed for. */
const FILL_IN_FLIGHT = 5;
const SETTLE = { quietMs: 10_000, timeoutMs: 300_000, intervalMs: 1000 };
const LOCK_TIMEOUT = /LockAcquireTimeoutError|SQLITE_BUSY/g;

interface PhaseFigures extends AnswerTimes {
	sent: number;
	statuses: Record<string, number>;
	wallMs: number;
}

export interface RowResult extends RowSpec {
	n8n: string;
	phases: Record<'burst' | 'stream' | 'surge', PhaseFigures> & { streamMaxLateMs: number };
	ledger: LedgerCounts;
	settled: Settled;
	fillSettled?: Settled;
	lockTimeouts: number;
	/** Distinct error lines of n8n's log (digits blanked), the most frequent first, with counts. */
	logErrors: Array<[string, number]>;
	cpuSeconds?: number;
	loadAverage: { start: number; end: number };
	wallMs: number;
}

/** The ledger's lists as counts, and a few of the lost documents for a look into n8n's log. */
type LedgerCounts = Omit<Ledger, 'lost' | 'unfinished' | 'repeated' | 'ranWithout200' | 'once'> &
	Record<'lost' | 'unfinished' | 'repeated' | 'ranWithout200', number> & { lostExamples: string[] };

function countsOf({ lost, unfinished, repeated, ranWithout200, ...rest }: Ledger): LedgerCounts {
	return {
		sent: rest.sent,
		statuses: rest.statuses,
		answered200: rest.answered200,
		finished: rest.finished,
		failed: rest.failed,
		stuck: rest.stuck,
		other: rest.other,
		lost: lost.length,
		unfinished: unfinished.length,
		repeated: repeated.length,
		ranWithout200: ranWithout200.length,
		lostExamples: lost.slice(0, 10),
	};
}

const figures = (sent: SentCallback[], wallMs: number): PhaseFigures => ({
	sent: sent.length,
	statuses: statusCounts(sent),
	wallMs: Math.round(wallMs),
	...answerTimes(sent),
});

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
	const started = performance.now();
	const result = await work();
	return [result, performance.now() - started];
}

/** Sends callbacks one by one until the workflow's webhook answers 200 (it is registered), then the rest. */
async function warmUp(sender: CallbackSender, prefix: string): Promise<void> {
	const deadline = Date.now() + 120_000;
	for (const docId of documentIds(prefix, WARMUP)) {
		for (;;) {
			const sent = await sender.send({ docId });
			if (sent.status === 200) break;
			if (Date.now() > deadline)
				throw new Error(`the workflow's webhook answered ${sent.status}: ${sent.reply}`);
			await sleep(250);
		}
	}
}

function logErrors(logs: string): Array<[string, number]> {
	const counts = new Map<string, number>();
	for (const line of logs.split('\n'))
		if (/error|exception|timed? ?out|not ready|failed/i.test(line)) {
			const key = line.trim().replace(/\d+/g, '#').slice(0, 200);
			counts.set(key, (counts.get(key) ?? 0) + 1);
		}
	return [...counts].sort((a, b) => b[1] - a[1]).slice(0, 12);
}

export async function runRow(
	spec: RowSpec,
	sizes: LoadSizes,
	tarball: string,
	workDir: string,
): Promise<RowResult> {
	const signingSecret = `bench-signing-${randomBytes(12).toString('hex')}`;
	const webhookId = randomUUID();
	const { workflow, path } =
		spec.start === 'trigger'
			? triggerWorkflow(WORKFLOW_ID, webhookId, SIGNING)
			: webhookNodeWorkflow(WORKFLOW_ID, webhookId);
	const credentials = [{ ...SIGNING, type: 'oneFlowCallbackApi', data: { signingSecret } }];
	const n8n = await FreshN8n.start({
		tarball,
		workDir,
		database: spec.database,
		credentials,
		workflow,
		env: spec.env,
	});
	try {
		// The Webhook node takes the same bodies unsigned.
		const sender = new CallbackSender({
			url: n8n.url(path),
			secret: spec.start === 'trigger' ? signingSecret : undefined,
			timeoutMs: ANSWER_TIMEOUT_MS,
		});
		await warmUp(sender, 'warm_');
		let fillSettled: Settled | undefined;
		if (spec.fill > 0) {
			log(`trigger: filling the memory with ${spec.fill} accepted callbacks`);
			await surge(sender, documentIds('fill_', spec.fill), FILL_IN_FLIGHT);
			fillSettled = await settle(() => n8n.executionCount(), SETTLE);
		}
		const streamCount = sizes.streamPerSecond * sizes.streamSeconds + 1;
		const ids = documentIds('load_', sizes.burst + streamCount + sizes.surge);
		const loadStart = os.loadavg()[0];
		const cpuStart = n8n.cpuSeconds();
		const started = performance.now();
		const [burstSent, burstMs] = await timed(() => burst(sender, ids.slice(0, sizes.burst)));
		const streamIds = ids.slice(sizes.burst, sizes.burst + streamCount);
		const [streamed, streamMs] = await timed(() =>
			stream(sender, streamIds, sizes.streamPerSecond),
		);
		const surgeIds = ids.slice(sizes.burst + streamCount);
		const [surgeSent, surgeMs] = await timed(() => surge(sender, surgeIds, sizes.surgeInFlight));
		const settled = await settle(() => n8n.executionCount(), SETTLE);
		const wallMs = performance.now() - started;
		const cpuEnd = n8n.cpuSeconds();
		const loadEnd = os.loadavg()[0];
		const all = [...burstSent, ...streamed.sent, ...surgeSent];
		const ledger = ledgerOf(all, n8n.executions(WORKFLOW_ID), /load_\d+/g);
		const logs = n8n.logs();
		return {
			...spec,
			n8n: n8n.version,
			phases: {
				burst: figures(burstSent, burstMs),
				stream: figures(streamed.sent, streamMs),
				surge: figures(surgeSent, surgeMs),
				streamMaxLateMs: Math.round(streamed.maxLateMs),
			},
			ledger: countsOf(ledger),
			settled,
			fillSettled,
			lockTimeouts: logs.match(LOCK_TIMEOUT)?.length ?? 0,
			logErrors: logErrors(logs),
			cpuSeconds:
				cpuStart === undefined || cpuEnd === undefined
					? undefined
					: Number((cpuEnd - cpuStart).toFixed(1)),
			loadAverage: { start: Number(loadStart.toFixed(2)), end: Number(loadEnd.toFixed(2)) },
			wallMs: Math.round(wallMs),
		};
	} finally {
		await n8n.stop();
	}
}
