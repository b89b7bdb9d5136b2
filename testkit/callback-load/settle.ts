/**
 * Waiting until n8n has finished what a load started. Executions can still be created after
 * the last answer (a node that answers before n8n stores the run), so "finished" means none
 * new or running and the count unchanged for a while. What has not moved for as long as n8n's
 * SQLite lock timeout (60 s) will not move: those executions are stuck, and the wait ends.
 * The wait is bounded either way.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export interface ExecutionCount {
	total: number;
	/** New, running or waiting. */
	unfinished: number;
}

export interface Settled extends ExecutionCount {
	/** False when executions were left unfinished (stuck) or the bound was reached. */
	settled: boolean;
	waitedMs: number;
}

interface SettleOptions {
	/** Nothing unfinished, and the counts unchanged this long: finished. */
	quietMs: number;
	/** The counts unchanged this long with executions unfinished: stuck. */
	stuckMs?: number;
	timeoutMs: number;
	intervalMs?: number;
}

export async function settle(
	count: () => Promise<ExecutionCount> | ExecutionCount,
	{ quietMs, stuckMs = 60_000, timeoutMs, intervalMs = 1000 }: SettleOptions,
): Promise<Settled> {
	const started = Date.now();
	let last = await count();
	let stableSince = Date.now();
	for (;;) {
		const stable = Date.now() - stableSince;
		const waitedMs = Date.now() - started;
		if (last.unfinished === 0 && stable >= quietMs) return { ...last, settled: true, waitedMs };
		if (stable >= stuckMs || waitedMs >= timeoutMs) return { ...last, settled: false, waitedMs };
		await sleep(intervalMs);
		const now = await count();
		if (now.total !== last.total || now.unfinished !== last.unfinished) stableSince = Date.now();
		last = now;
	}
}
