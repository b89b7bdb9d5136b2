/**
 * The 1Flow Trigger in queue mode: the workflow "1Flow Trigger -> 1Flow Delete of the callback's
 * document", where its production webhook answers on any webhook process, and its executions
 * read back from n8n's database by the document each one was started for.
 */
import { storedNodeOutputs } from '../n8n/stored-execution';
import type { Postgres } from '../services';
import type { CredentialRef } from './workflow';

const TRIGGER_WORKFLOW_ID = 'queueTrigger0001';
const TRIGGER_NODE = '1Flow document ready';
/** The trigger node's webhookId: n8n serves it at /webhook/<webhookId>/callback. */
const TRIGGER_WEBHOOK_ID = '7d3e1b52-0000-4000-8000-00000000c0b1';

/** The trigger's production URL on the n8n process at `baseUrl`. */
export function callbackUrl(baseUrl: string): string {
	return `${baseUrl}/webhook/${TRIGGER_WEBHOOK_ID}/callback`;
}

/** 1Flow Trigger (signed callbacks) -> 1Flow Delete of `documentId`. */
export function triggerWorkflow(
	signing: CredentialRef,
	api: CredentialRef,
): Record<string, unknown> {
	return {
		id: TRIGGER_WORKFLOW_ID,
		name: '1Flow Trigger (queue mode)',
		settings: { executionOrder: 'v1' },
		nodes: [
			{
				id: '7d3e1b52-0000-4000-8000-000000000001',
				name: TRIGGER_NODE,
				type: 'n8n-nodes-1flow.oneFlowTrigger',
				typeVersion: 1,
				position: [0, 0],
				webhookId: TRIGGER_WEBHOOK_ID,
				credentials: { oneFlowCallbackApi: signing },
				parameters: { events: ['document.ready'], options: {} },
			},
			{
				id: '7d3e1b52-0000-4000-8000-000000000002',
				name: 'Delete document',
				type: 'n8n-nodes-1flow.oneFlow',
				typeVersion: 1,
				position: [260, 0],
				credentials: { oneFlowApi: api },
				parameters: {
					resource: 'document',
					operation: 'delete',
					docId: '={{ $json.documentId }}',
					options: {},
				},
			},
		],
		connections: {
			[TRIGGER_NODE]: { main: [[{ node: 'Delete document', type: 'main', index: 0 }]] },
		},
	};
}

export interface TriggerRuns {
	/** Executions not finished yet (their document is not known until they are). */
	unfinished: number;
	/** The final status of each finished execution, by the documentId its trigger output named. */
	byDocument: Record<string, string[]>;
}

const FINISHED = ['success', 'error', 'crashed', 'canceled'];

/** The trigger workflow's executions as n8n stored them. */
export function triggerRuns(postgres: Postgres): TriggerRuns {
	const rows = postgres.query(
		`SELECT e.status, coalesce(d.data, '') FROM execution_entity e LEFT JOIN execution_data d ON d."executionId" = e.id WHERE e."workflowId" = '${TRIGGER_WORKFLOW_ID}' ORDER BY e.id`,
	);
	const runs: TriggerRuns = { unfinished: 0, byDocument: {} };
	for (const [status, data] of rows) {
		if (!FINISHED.includes(status) || data === '') {
			runs.unfinished++;
			continue;
		}
		const [items = []] = storedNodeOutputs(data, TRIGGER_NODE);
		const docId = String(items[0]?.json.documentId ?? '(no trigger output)');
		(runs.byDocument[docId] ??= []).push(status);
	}
	return runs;
}
