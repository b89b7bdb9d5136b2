/**
 * The workflow the queue-mode runs import: a webhook receiving `{ docs: [{ docId }, ...] }`,
 * one item per document, and the 1Flow node deleting them with On Error: Continue (using
 * error output), so a document that fails becomes an item on the error output instead of
 * stopping the execution.
 */
export const DELETE_NODE = 'Delete documents';

export interface CredentialRef {
	id: string;
	name: string;
}

/** The webhook path of the workflow for one set of node options (`variant` names it). */
export function webhookPathOf(variant: string): string {
	return `queue-bulk-delete-${variant}`;
}

/** The workflow for one set of the 1Flow node's options; `index` makes its ids unique. */
export function bulkDeleteWorkflow(
	credential: CredentialRef,
	variant: string,
	index: number,
	nodeOptions: Record<string, unknown>,
): Record<string, unknown> {
	const position = (x: number, y = 0) => [x, y];
	return {
		id: `queueDelete${index}`,
		name: `1Flow bulk delete (queue mode, ${variant})`,
		settings: { executionOrder: 'v1' },
		nodes: [
			{
				id: '9a0f3c2e-0000-4000-8000-000000000001',
				name: 'Documents to delete',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2.1,
				position: position(0),
				webhookId: `9a0f3c2e-0000-4000-8000-${String(index).padStart(12, '0')}`,
				parameters: {
					httpMethod: 'POST',
					path: webhookPathOf(variant),
					responseMode: 'onReceived',
					options: {},
				},
			},
			{
				id: '9a0f3c2e-0000-4000-8000-000000000002',
				name: 'One item per document',
				type: 'n8n-nodes-base.splitOut',
				typeVersion: 1,
				position: position(220),
				parameters: { fieldToSplitOut: 'body.docs', options: {} },
			},
			{
				id: '9a0f3c2e-0000-4000-8000-000000000003',
				name: DELETE_NODE,
				type: 'n8n-nodes-1flow.oneFlow',
				typeVersion: 1,
				position: position(440),
				credentials: { oneFlowApi: credential },
				onError: 'continueErrorOutput',
				parameters: {
					resource: 'document',
					operation: 'delete',
					docId: '={{ $json.docId }}',
					options: nodeOptions,
				},
			},
			{
				id: '9a0f3c2e-0000-4000-8000-000000000004',
				name: 'Deleted',
				type: 'n8n-nodes-base.noOp',
				typeVersion: 1,
				position: position(680, -100),
				parameters: {},
			},
			{
				id: '9a0f3c2e-0000-4000-8000-000000000005',
				name: 'Not deleted',
				type: 'n8n-nodes-base.noOp',
				typeVersion: 1,
				position: position(680, 100),
				parameters: {},
			},
		],
		connections: {
			'Documents to delete': {
				main: [[{ node: 'One item per document', type: 'main', index: 0 }]],
			},
			'One item per document': { main: [[{ node: DELETE_NODE, type: 'main', index: 0 }]] },
			[DELETE_NODE]: {
				main: [
					[{ node: 'Deleted', type: 'main', index: 0 }],
					[{ node: 'Not deleted', type: 'main', index: 0 }],
				],
			},
		},
	};
}
