/**
 * Waiting until n8n has finished what a load started. Executions can still be created after
 * the last answer (a node that answers before n8n stores the run), so "finished" means none
 * new or running and the count unchanged for a while; the wait is bounded either way.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export interface ExecutionCount {
	total: number;
	/** New, running or waiting. */
	unfinished: number;
}

export interface Settled extends ExecutionCount {
	/** False when the bound was reached first. */
	settled: boolean;
	waitedMs: number;
}

export async function settle(
	count: () => Promise<ExecutionCount> | ExecutionCount,
	{
		quietMs,
		timeoutMs,
		intervalMs = 1000,
	}: { quietMs: number; timeoutMs: number; intervalMs?: number },
): Promise<Settled> {
	const started = Date.now();
	let last = await count();
	let stableSince = Date.now();
	for (;;) {
		if (last.unfinished === 0 && Date.now() - stableSince >= quietMs)
			return { ...last, settled: true, waitedMs: Date.now() - started };
		if (Date.now() - started >= timeoutMs)
			return { ...last, settled: false, waitedMs: Date.now() - started };
		await sleep(intervalMs);
		const now = await count();
		if (now.total !== last.total || now.unfinished !== last.unfinished) stableSince = Date.now();
		last = now;
	}
}
