/**
 * One burst against a queue-mode deployment: `executions` webhook calls fired at once, each
 * asking to delete its own `perExecution` documents, then everything there is to know once
 * every execution has finished: time, requests and 429s as 1Flow saw them, what became of
 * each document and item, and which worker ran which execution.
 */
import { setTimeout as sleep } from 'node:timers/promises';

import { httpRequest } from '../http';
import { storedNodeOutputs } from '../n8n/stored-execution';
import { WEBHOOK_ID, type QueueDeployment } from './deployment';
import { DELETE_NODE, webhookPathOf } from './workflow';

export interface BurstResult {
	/** Which workflow (set of node options) ran. */
	variant: string;
	executions: number;
	perExecution: number;
	documents: number;
	/** First webhook call to the last execution's end. */
	wallMs: number;
	/** First request 1Flow received to its last answer. */
	requestSpanMs: number;
	/** documents ÷ the emulator's rate. */
	limitMs: number;
	requests: number;
	rateLimited: number;
	/** Documents deleted exactly once, not at all, more than once. */
	deletedOnce: number;
	notDeleted: number;
	deletedTwice: number;
	/** Items on the 1Flow node's success and error outputs, over all executions. */
	succeededItems: number;
	failedItems: number;
	/** The first few error texts of failed items. */
	failures: string[];
	/** Executions by final status (success, error, crashed, ...). */
	statuses: Record<string, number>;
	/** How many of the burst's executions each worker ran. */
	byWorker: number[];
}

const FINISHED = ['success', 'error', 'crashed', 'canceled'];

function docIdsOf(burst: number, execution: number, count: number): string[] {
	return Array.from({ length: count }, (_, index) => `doc_q${burst}_${execution}_${index}`);
}

let burstCount = 0;

export async function burst(
	deployment: QueueDeployment,
	variant: string,
	executions: number,
	perExecution: number,
	timeoutMs = 600_000,
): Promise<BurstResult> {
	const { emulator, postgres, fleet, options } = deployment;
	const number = ++burstCount;
	const lists = Array.from({ length: executions }, (_, execution) =>
		docIdsOf(number, execution, perExecution),
	);
	const documents = lists.flat();
	emulator.addDocuments(WEBHOOK_ID, documents);
	// A fresh, full token bucket and an empty request log for every burst.
	emulator.setFaults(options.faults);
	emulator.resetRecord();
	const lastIdBefore = Number(
		postgres.query('SELECT coalesce(max(id), 0) FROM execution_entity')[0][0],
	);

	const firedAt = Date.now();
	const url = `${fleet.baseUrl}/webhook/${webhookPathOf(variant)}`;
	const answers = await Promise.all(
		lists.map((docIds) =>
			httpRequest(url, { body: { docs: docIds.map((docId) => ({ docId })) }, timeoutMs: 60_000 }),
		),
	);
	const refused = answers.filter((answer) => answer.status !== 200);
	if (refused.length > 0)
		throw new Error(
			`${refused.length} webhook calls were refused: ${refused[0].status} ${refused[0].text.slice(0, 300)}`,
		);

	const finished = () =>
		Number(
			postgres.query(
				`SELECT count(*) FROM execution_entity WHERE id > ${lastIdBefore} AND status IN ('${FINISHED.join("','")}')`,
			)[0][0],
		);
	const deadline = firedAt + timeoutMs;
	while (finished() < executions) {
		if (Date.now() > deadline)
			throw new Error(
				`only ${finished()} of ${executions} executions finished within ${timeoutMs} ms`,
			);
		await sleep(250);
	}

	const rows = postgres.query(
		`SELECT e.id, e.status, (extract(epoch FROM e."stoppedAt") * 1000)::bigint, d.data FROM execution_entity e JOIN execution_data d ON d."executionId" = e.id WHERE e.id > ${lastIdBefore} ORDER BY e.id`,
	);
	const statuses: Record<string, number> = {};
	let succeededItems = 0;
	let failedItems = 0;
	const failures: string[] = [];
	let lastStoppedAt = 0;
	for (const [, status, stoppedAt, data] of rows) {
		statuses[status] = (statuses[status] ?? 0) + 1;
		lastStoppedAt = Math.max(lastStoppedAt, Number(stoppedAt));
		const [succeeded = [], failed = []] = storedNodeOutputs(data, DELETE_NODE);
		succeededItems += succeeded.length;
		failedItems += failed.length;
		for (const item of failed.slice(0, 3 - failures.length)) failures.push(String(item.json.error));
	}
	const ids = new Set(rows.map(([id]) => id));
	const byWorker = fleet
		.executionsByWorker()
		.map((started) => started.filter((id) => ids.has(id)).length);

	const requests = emulator.requests;
	const counts = documents.map((docId) => emulator.deleteCount(docId));
	const rate = options.faults.rateLimitPerSecond ?? Infinity;
	return {
		variant,
		executions,
		perExecution,
		documents: documents.length,
		wallMs: lastStoppedAt - firedAt,
		requestSpanMs:
			Math.max(...requests.map((request) => request.endedAt)) -
			Math.min(...requests.map((request) => request.startedAt)),
		limitMs: (documents.length / rate) * 1000,
		requests: requests.length,
		rateLimited: requests.filter((request) => request.status === 429).length,
		deletedOnce: counts.filter((count) => count === 1).length,
		notDeleted: counts.filter((count) => count === 0).length,
		deletedTwice: counts.filter((count) => count > 1).length,
		succeededItems,
		failedItems,
		failures,
		statuses,
		byWorker,
	};
}

/** One line of figures, for logs. */
export function describeBurst(result: BurstResult): string {
	const share = ((result.rateLimited / result.requests) * 100).toFixed(1);
	return [
		`${result.variant}: ${result.executions} executions × ${result.perExecution} deletes: wall ${(result.wallMs / 1000).toFixed(1)} s`,
		`(N/rate ${(result.limitMs / 1000).toFixed(1)} s, ${(result.wallMs / result.limitMs).toFixed(2)}×; request span ${(result.requestSpanMs / 1000).toFixed(1)} s)`,
		`${result.requests} requests, ${result.rateLimited} answered 429 (${share} %)`,
		`deleted once ${result.deletedOnce}, not deleted ${result.notDeleted}, twice ${result.deletedTwice}`,
		`items ok ${result.succeededItems}, failed ${result.failedItems}; executions ${JSON.stringify(result.statuses)}; per worker ${result.byWorker.join('/')}`,
	].join(', ');
}
