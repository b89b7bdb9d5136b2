/**
 * The run n8n starts from a webhook's items, in n8n-core's engine: the workflow's static data
 * loaded afresh from the "database" (n8n reloads it for a new execution), the start node run
 * first with the webhook's items as its input (a node with `execute` is executed, as n8n-core's
 * WorkflowExecute does), and the static data saved when the run changed it (n8n's
 * workflowExecuteAfter hook).
 */
import { randomUUID } from 'node:crypto';

import { ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
import { Workflow, createRunExecutionData } from 'n8n-workflow';
import type {
	IDataObject,
	INode,
	INodeExecutionData,
	IWorkflowBase,
	WorkflowExecuteMode,
} from 'n8n-workflow';

import { WORKFLOW_ID, additionalData } from './additional-data';
import type { HarnessCredentialsHelper } from './credentials-helper';
import type { HarnessNodeTypes } from './node-types';

/** A workflow's static data as n8n's database holds it (JSON text), shareable by several endpoints. */
export interface StaticDataStore {
	json: string;
	/** How many times a request or a run saved it. */
	saves: number;
}

export const newStaticDataStore = (): StaticDataStore => ({ json: '{}', saves: 0 });

/** Runs the start node on the items and returns what it handed on (undefined when it threw). */
export async function runFromWebhook(
	start: { node: INode; nodeTypes: HarnessNodeTypes; credentialsHelper: HarnessCredentialsHelper },
	items: INodeExecutionData[][],
	staticData: StaticDataStore,
	mode: WorkflowExecuteMode,
): Promise<INodeExecutionData[] | undefined> {
	const { node, nodeTypes, credentialsHelper } = start;
	const workflowData = {
		id: WORKFLOW_ID,
		name: 'Webhook harness',
		active: true,
		isArchived: false,
		nodes: [node],
		connections: {},
		settings: { executionOrder: 'v1' as const },
		staticData: JSON.parse(staticData.json) as IDataObject,
	};
	const workflow = new Workflow({ ...workflowData, nodeTypes });
	const executionId = randomUUID();
	const hooks = new ExecutionLifecycleHooks(
		mode,
		executionId,
		workflowData as unknown as IWorkflowBase,
	);
	hooks.addHandler('workflowExecuteAfter', async (_run, newStaticData) => {
		// n8n saves static data after production runs only.
		if (newStaticData === undefined || mode === 'manual') return;
		staticData.json = JSON.stringify(newStaticData);
		staticData.saves++;
	});
	const runExecutionData = createRunExecutionData({
		executionData: { nodeExecutionStack: [{ node, data: { main: items }, source: null }] },
	});
	const run = await new WorkflowExecute(
		additionalData(credentialsHelper, executionId, hooks),
		mode,
		runExecutionData,
	).processRunExecutionData(workflow);
	const taskData = run.data.resultData.runData[node.name]?.[0];
	if (taskData === undefined || taskData.error !== undefined) return undefined;
	return (taskData.data?.main?.[0] ?? []) as INodeExecutionData[];
}
