/**
 * Runs one node of the package inside n8n-core's real execution engine, without the n8n server.
 *
 * The package's `dist` is loaded with n8n-core's PackageDirectoryLoader (as n8n loads an
 * installed community package), the node is placed in a small workflow
 * (Input -> node under test [-> pass-through nodes]) and the workflow is executed with
 * `WorkflowExecute.processRunExecutionData`, so item pairing, On Error handling and the
 * routing of items to the error output are done by the engine itself.
 *
 * Importing this module points N8N_USER_FOLDER at a temp folder (see ./env) and records
 * everything n8n-core logs (see ./logging).
 */
import './env';
import { logMark, logTextSince } from './logging';

import { randomUUID } from 'node:crypto';

import { ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
import { NodeConnectionTypes, Workflow, createRunExecutionData } from 'n8n-workflow';
import type {
	IBinaryKeyData,
	IConnections,
	IDataObject,
	INode,
	INodeExecutionData,
	IRun,
	IWorkflowBase,
} from 'n8n-workflow';

import { WORKFLOW_ID, additionalData } from './additional-data';
import {
	storeBinaries,
	useBinaryDataMode,
	type BinaryDataMode,
	type BinaryInput,
} from './binary-data';
import { INPUT_NODE_TYPE, PASS_THROUGH_NODE_TYPE } from './node-types';
import { nodeUnderTest, workflowNode, type NodeSetup } from './node-under-test';
import { collectResult, type RunNodeResult } from './run-result';

export type OnErrorSetting = 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput';

export interface InputItem {
	json: Record<string, unknown>;
	/** Files by binary property name (`data`, ...). */
	binary?: Record<string, BinaryInput>;
	/** Files stored beforehand with storeBinaries (e.g. a large file, outside a measurement). */
	storedBinary?: IBinaryKeyData;
}

export interface RunNodeOptions extends NodeSetup {
	/** The input items; the engine gives them `pairedItem: { item: index }`. */
	items: InputItem[];
	/** The node's "On Error" setting; left unset means n8n's default (stop the workflow). */
	onError?: OnErrorSetting;
	/** Connect a pass-through node to each output of the node under test. */
	downstream?: boolean;
	/** Aborting it cancels the execution, as the Stop button in n8n does. */
	signal?: AbortSignal;
	/** How n8n keeps binary data (N8N_DEFAULT_BINARY_DATA_MODE); default `default`. */
	binaryDataMode?: BinaryDataMode;
}

const AFTER_SUCCESS = 'After Success';
const AFTER_ERROR = 'After Error';

/** Runs a node of the package in WorkflowExecute with the given items and settings. */
export async function runNode(options: RunNodeOptions): Promise<RunNodeResult> {
	const mark = logMark();
	const { node: underTest, nodeTypes, credentialsHelper, thrown } = await nodeUnderTest(options);
	if (options.onError !== undefined) underTest.onError = options.onError;
	const input = workflowNode('Input', INPUT_NODE_TYPE, 1, 0);

	const nodes: INode[] = [input, underTest];
	const connections: IConnections = {
		[input.name]: { main: [[{ node: underTest.name, type: NodeConnectionTypes.Main, index: 0 }]] },
	};
	const withErrorOutput = options.onError === 'continueErrorOutput';
	if (options.downstream === true) {
		const after = withErrorOutput ? [AFTER_SUCCESS, AFTER_ERROR] : [AFTER_SUCCESS];
		after.forEach((name, index) =>
			nodes.push(workflowNode(name, PASS_THROUGH_NODE_TYPE, 1, 440, index * 200)),
		);
		connections[underTest.name] = {
			main: after.map((name) => [{ node: name, type: NodeConnectionTypes.Main, index: 0 }]),
		};
	}
	const settings = { executionOrder: 'v1' as const };
	const workflow = new Workflow({
		id: WORKFLOW_ID,
		name: 'Engine harness',
		nodes,
		connections,
		active: false,
		nodeTypes,
		staticData: {},
		settings,
	});

	const executionId = randomUUID();
	const workflowData = {
		id: WORKFLOW_ID,
		name: workflow.name,
		active: false,
		isArchived: false,
		nodes,
		connections,
		settings,
		staticData: {},
	};
	const hooks = new ExecutionLifecycleHooks(
		'manual',
		executionId,
		workflowData as unknown as IWorkflowBase,
	);
	const items = await inputItems(options, executionId);
	const runExecutionData = createRunExecutionData({
		executionData: { nodeExecutionStack: [{ node: input, data: { main: [items] }, source: null }] },
	});
	const outputs = {
		main:
			options.downstream === true
				? { node: AFTER_SUCCESS, index: 0 }
				: { node: underTest.name, index: 0 },
		error: !withErrorOutput
			? undefined
			: options.downstream === true
				? { node: AFTER_ERROR, index: 0 }
				: { node: underTest.name, index: 1 },
	};
	const finish = (run: IRun | undefined, error?: Error) =>
		collectResult({
			run,
			error,
			thrown,
			nodeName: underTest.name,
			outputs,
			logs: logTextSince(mark),
		});

	const workflowExecute = new WorkflowExecute(
		additionalData(credentialsHelper, executionId, hooks),
		'manual',
		runExecutionData,
	);
	let execution: ReturnType<WorkflowExecute['processRunExecutionData']>;
	try {
		// Throws synchronously when the workflow has issues (e.g. a required parameter is empty).
		execution = workflowExecute.processRunExecutionData(workflow);
	} catch (error) {
		return finish(undefined, error instanceof Error ? error : new Error(String(error)));
	}
	const { signal } = options;
	const cancel = () => execution.cancel('Execution aborted by the test');
	if (signal?.aborted === true) cancel();
	else signal?.addEventListener('abort', cancel, { once: true });
	try {
		return finish(await execution);
	} finally {
		signal?.removeEventListener('abort', cancel);
	}
}

async function inputItems(
	options: RunNodeOptions,
	executionId: string,
): Promise<INodeExecutionData[]> {
	const withFiles = options.items.some((item) => item.binary !== undefined);
	if (withFiles || options.binaryDataMode !== undefined)
		await useBinaryDataMode(options.binaryDataMode ?? 'default');
	return await Promise.all(
		options.items.map(async (item) => {
			const json = structuredClone(item.json) as IDataObject;
			if (item.storedBinary !== undefined) return { json, binary: item.storedBinary };
			if (item.binary === undefined) return { json };
			return {
				json,
				binary: await storeBinaries(item.binary, { workflowId: WORKFLOW_ID, executionId }),
			};
		}),
	);
}
