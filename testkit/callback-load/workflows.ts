/**
 * The smallest workflows a callback can start: a start node, then No Operation. The same
 * callbacks reach n8n's own Webhook node or the 1Flow Trigger, so that what differs between
 * their figures is the start node.
 */
interface CredentialRef {
	id: string;
	name: string;
}

export interface LoadWorkflow {
	workflow: Record<string, unknown>;
	/** Under /webhook/ on the n8n that has the workflow published. */
	path: string;
}

function startThenNoOp(
	id: string,
	name: string,
	start: Record<string, unknown> & { name: string },
): Record<string, unknown> {
	return {
		id,
		name,
		settings: { executionOrder: 'v1' },
		nodes: [
			{ id: `${id}-start`, position: [0, 0], ...start },
			{
				id: `${id}-noop`,
				name: 'No Operation',
				type: 'n8n-nodes-base.noOp',
				typeVersion: 1,
				position: [260, 0],
				parameters: {},
			},
		],
		connections: { [start.name]: { main: [[{ node: 'No Operation', type: 'main', index: 0 }]] } },
	};
}

/** n8n's Webhook node (POST, answers as soon as the run is started) → No Operation. */
export function webhookNodeWorkflow(id: string, webhookId: string): LoadWorkflow {
	const workflow = startThenNoOp(id, 'Webhook node → No Operation', {
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		webhookId,
		parameters: { httpMethod: 'POST', path: webhookId, responseMode: 'onReceived', options: {} },
	});
	return { workflow, path: webhookId };
}

/** 1Flow Trigger (callbacks signed with `signing`'s secret) → No Operation. */
export function triggerWorkflow(
	id: string,
	webhookId: string,
	signing: CredentialRef,
): LoadWorkflow {
	const workflow = startThenNoOp(id, '1Flow Trigger → No Operation', {
		name: '1Flow Trigger',
		type: 'n8n-nodes-1flow.oneFlowTrigger',
		typeVersion: 1,
		webhookId,
		credentials: { oneFlowCallbackApi: signing },
		parameters: { events: ['document.ready'], options: {} },
	});
	return { workflow, path: `${webhookId}/callback` };
}
