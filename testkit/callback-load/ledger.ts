/**
 * What became of each callback: its answer against the executions n8n stored, matched by
 * document ID. The ID is found in the text of each execution's stored data (the callback's
 * body is in the trigger's output, or in the start data of a run not begun), so the match
 * does not depend on how n8n lays that data out, nor on how far the execution got.
 */
import type { SentCallback } from '../emulator';
import { statusCounts } from './phases';

/** One stored execution: `data` is execution_data.data, '' when n8n stored none. */
export interface ExecutionRow {
	id: string;
	status: string;
	data: string;
}

/** n8n's final statuses; anything else (new, running, waiting) is not finished. */
const FINISHED = new Set(['success', 'error', 'crashed', 'canceled']);

export interface Ledger {
	sent: number;
	/** Answers by HTTP status ("0": no answer in time). */
	statuses: Record<string, number>;
	answered200: number;
	/** Executions of the sent documents with a final status, and those of them that failed. */
	finished: number;
	failed: number;
	/** Executions (of any document, or none readable) not finished. */
	stuck: number;
	/** Answered 200, and no execution names the document. */
	lost: string[];
	/** Answered 200, and only unfinished executions name it. */
	unfinished: string[];
	/** Documents with more than one execution. */
	repeated: string[];
	/** Not answered 200, and an execution names it all the same. */
	ranWithout200: string[];
	/** Answered 200 with exactly one execution, and that one succeeded. */
	once: string[];
	/** Executions whose data names none of the sent documents (warm-ups, earlier loads). */
	other: number;
}

/** Matches `sent` callbacks to `rows`; `idPattern` (global) finds document IDs in a row's data. */
export function ledgerOf(sent: SentCallback[], rows: ExecutionRow[], idPattern: RegExp): Ledger {
	const answers = new Map(sent.map((one) => [one.documentId, one.status]));
	const runs = new Map<string, string[]>();
	let stuck = 0;
	let other = 0;
	for (const row of rows) {
		if (!FINISHED.has(row.status)) stuck++;
		const docIds = new Set(row.data.match(idPattern) ?? []);
		const known = [...docIds].filter((docId) => answers.has(docId));
		if (known.length === 0) other++;
		for (const docId of known) runs.set(docId, [...(runs.get(docId) ?? []), row.status]);
	}
	const ok = [...answers].filter(([, status]) => status === 200).map(([docId]) => docId);
	const ran = [...runs.values()].flat();
	return {
		sent: sent.length,
		statuses: statusCounts(sent),
		answered200: ok.length,
		finished: ran.filter((status) => FINISHED.has(status)).length,
		failed: ran.filter((status) => FINISHED.has(status) && status !== 'success').length,
		stuck,
		lost: ok.filter((docId) => !runs.has(docId)),
		unfinished: ok.filter((docId) => runs.get(docId)?.every((status) => !FINISHED.has(status))),
		repeated: [...runs].filter(([, list]) => list.length > 1).map(([docId]) => docId),
		ranWithout200: [...runs.keys()].filter((docId) => answers.get(docId) !== 200),
		once: ok.filter((docId) => runs.get(docId)?.join() === 'success'),
		other,
	};
}

/** One workflow's executions with their data, in the SQL both SQLite and PostgreSQL take. */
export function executionRowsSql(workflowId: string): string {
	return `SELECT e.id AS id, e.status AS status, coalesce(d.data, '') AS data FROM execution_entity e LEFT JOIN execution_data d ON d."executionId" = e.id WHERE e."workflowId" = '${workflowId}' ORDER BY e.id`;
}
