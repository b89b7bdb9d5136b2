/**
 * Runs the package's node inside n8n-core's real execution engine, without the n8n server.
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

import {
	ExecuteContext,
	ExecutionLifecycleHooks,
	ExternalSecretsProxy,
	RoutingNode,
	WorkflowExecute,
} from 'n8n-core';
import type { PackageDirectoryLoader } from 'n8n-core';
import {
	NodeConnectionTypes,
	NodeHelpers,
	UnexpectedError,
	Workflow,
	createRunExecutionData,
} from 'n8n-workflow';
import type {
	ExecutionStatus,
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	ICredentialTestRequest,
	IConnections,
	IDataObject,
	INode,
	INodeExecutionData,
	INodeType,
	INodeTypes,
	IRun,
	IRunData,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';

import { HarnessCredentialsHelper } from './credentials-helper';
import {
	HarnessNodeTypes,
	INPUT_NODE_TYPE,
	PASS_THROUGH_NODE_TYPE,
	credentialTypesOf,
	findPackageRoot,
	loadPackage,
} from './node-types';

export { logEntriesSince, logMark, logTextSince } from './logging';
export type { CapturedLogEntry } from './logging';
export { HarnessCredentialsHelper } from './credentials-helper';
export { findPackageRoot, loadPackage } from './node-types';

export interface OneFlowCredentialData {
	baseUrl: string;
	webhookId: string;
	webhookSecret?: string;
}

export type OnErrorSetting = 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput';

export interface RunNodeOptions {
	/** Folder with the package.json whose "n8n" section names the built node (default: this repo). */
	packageDir?: string;
	/** Stored as the node's `oneFlowApi` credential. Without it the node has no credential set. */
	credentials?: OneFlowCredentialData;
	/** The node's parameters (resource, operation, docId, options ...); defaults are filled in by n8n. */
	parameters: Record<string, unknown>;
	/** The json of the input items; the engine gives them `pairedItem: { item: index }`. */
	items: Array<Record<string, unknown>>;
	/** The node's "On Error" setting; left unset means n8n's default (stop the workflow). */
	onError?: OnErrorSetting;
	/** Connect a pass-through node to each output of the node under test. */
	downstream?: boolean;
	/** Aborting it cancels the execution, as the Stop button in n8n does. */
	signal?: AbortSignal;
}

export interface RunNodeResult {
	/** First output of the node under test (of the pass-through after it with `downstream`). */
	main: INodeExecutionData[];
	/** Error output (second output) when onError is continueErrorOutput, else []. */
	errorOutput: INodeExecutionData[];
	/**
	 * Why the node failed or the execution stopped, undefined on success. This is the very
	 * instance the node threw when it threw one (NodeApiError / NodeOperationError ...);
	 * otherwise an Error rebuilt from what the engine recorded (e.g. a cancelled execution,
	 * a workflow with parameter issues). Set also when the node threw and its On Error
	 * setting let the workflow continue.
	 */
	error?: Error;
	/** Execution status as n8n reports it ('success', 'error', 'canceled' ...). */
	status: ExecutionStatus;
	/** Raw run data of all nodes: Input, the node under test (by its default name), pass-throughs. */
	runData: IRunData;
	/** Everything n8n-core logged during the run, all levels, rendered as n8n's logger would. */
	logs: string[];
	/** Name of the node under test in the workflow (and in `runData`). */
	nodeName: string;
}

export interface CredentialTestResult {
	status: 'OK' | 'Error';
	message: string;
}

const CREDENTIAL_TYPE = 'oneFlowApi';
const NODE_NAME = 'oneFlow';
const CREDENTIAL_ID = 'harness-credential-1';
const CREDENTIAL_NAME = '1Flow account';
const AFTER_SUCCESS = 'After Success';
const AFTER_ERROR = 'After Error';

interface PackageUnderTest {
	loader: PackageDirectoryLoader;
	/** Node name inside the package, e.g. `oneFlow`. */
	nodeName: string;
	/** Full type string, e.g. `n8n-nodes-1flow.oneFlow`. */
	nodeType: string;
}

async function loadPackageUnderTest(packageDir?: string): Promise<PackageUnderTest> {
	const loader = await loadPackage(packageDir ?? findPackageRoot());
	const names = loader.loadedNodes.map((node) => node.name);
	const nodeName = names.includes(NODE_NAME) ? NODE_NAME : names.length === 1 ? names[0] : undefined;
	if (nodeName === undefined) {
		throw new Error(
			`Package ${loader.packageName} has no "${NODE_NAME}" node (it has: ${names.join(', ')})`,
		);
	}
	return { loader, nodeName, nodeType: `${loader.packageName}.${nodeName}` };
}

function pickCredentialType(loader: PackageDirectoryLoader, nodeType?: INodeType): string {
	const known = Object.keys(loader.known.credentials);
	if (known.includes(CREDENTIAL_TYPE)) return CREDENTIAL_TYPE;
	const declared = nodeType?.description.credentials?.[0]?.name;
	if (declared !== undefined) return declared;
	if (known.length === 1) return known[0];
	return CREDENTIAL_TYPE;
}

function baseAdditionalData(
	credentialsHelper: HarnessCredentialsHelper,
	executionId: string,
	hooks?: ExecutionLifecycleHooks,
): IWorkflowExecuteAdditionalData {
	const unsupported = (what: string) => async () => {
		throw new UnexpectedError(`${what} is not available in the engine harness`);
	};
	const additionalData: Partial<IWorkflowExecuteAdditionalData> = {
		credentialsHelper,
		hooks,
		executionId,
		executeWorkflow: unsupported('Executing a sub-workflow'),
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		startRunnerTask: unsupported('The task runner'),
		logAiEvent: () => {},
		externalSecretsProxy: new ExternalSecretsProxy(),
		currentNodeExecutionIndex: 0,
		restApiUrl: 'http://localhost:5678/rest',
		instanceBaseUrl: 'http://localhost:5678/',
		formBaseUrl: 'http://localhost:5678/form',
		formWaitingBaseUrl: 'http://localhost:5678/form-waiting',
		formTestBaseUrl: 'http://localhost:5678/form-test',
		webhookBaseUrl: 'http://localhost:5678/webhook',
		webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://localhost:5678/webhook-test',
		mcpBaseUrl: 'http://localhost:5678/mcp',
		mcpTestBaseUrl: 'http://localhost:5678/mcp-test',
		variables: {},
		userId: 'harness-user',
		workflowId: 'harness-workflow',
	};
	return additionalData as IWorkflowExecuteAdditionalData;
}

/** Turns what the engine recorded about an error (a plain-object copy) back into an Error. */
function rebuildError(recorded: object): Error {
	const { message, name, stack, ...rest } = recorded as {
		message?: unknown;
		name?: unknown;
		stack?: unknown;
	};
	const error = new Error(typeof message === 'string' ? message : 'Unknown error');
	Object.assign(error, rest);
	if (typeof name === 'string') error.name = name;
	if (typeof stack === 'string') error.stack = stack;
	return error;
}

function pickError(recorded: object | undefined, thrown: unknown[]): Error | undefined {
	if (recorded === undefined) return undefined;
	const message = (recorded as { message?: unknown }).message;
	for (let i = thrown.length - 1; i >= 0; i--) {
		const candidate = thrown[i];
		if (candidate instanceof Error && candidate.message === message) return candidate;
	}
	return rebuildError(recorded);
}

function firstOutput(runData: IRunData, nodeName: string, outputIndex: number): INodeExecutionData[] {
	return runData[nodeName]?.[0]?.data?.[NodeConnectionTypes.Main]?.[outputIndex] ?? [];
}

/** Runs the package's oneFlow node in WorkflowExecute with the given items and settings. */
export async function runOneFlowNode(options: RunNodeOptions): Promise<RunNodeResult> {
	const mark = logMark();
	const { loader, nodeName: typeName, nodeType } = await loadPackageUnderTest(options.packageDir);

	const thrown: unknown[] = [];
	const nodeTypes = new HarnessNodeTypes(loader, nodeType, (error) => thrown.push(error));
	const description = NodeHelpers.getVersionedNodeType(loader.getNode(typeName).type).description;
	const typeVersion = Array.isArray(description.version)
		? Math.max(...description.version)
		: description.version;
	const credentialType = pickCredentialType(loader, nodeTypes.getByNameAndVersion(nodeType));

	const credentialsHelper = new HarnessCredentialsHelper(credentialTypesOf(loader));
	const underTestName = description.defaults.name ?? description.displayName;

	const inputNode: INode = {
		id: randomUUID(),
		name: 'Input',
		type: INPUT_NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	const underTest: INode = {
		id: randomUUID(),
		name: underTestName,
		type: nodeType,
		typeVersion,
		position: [220, 0],
		parameters: structuredClone(options.parameters) as INode['parameters'],
	};
	if (options.onError !== undefined) underTest.onError = options.onError;
	if (options.credentials !== undefined) {
		const data: ICredentialDataDecryptedObject = {};
		for (const [key, value] of Object.entries(options.credentials)) {
			if (value !== undefined) data[key] = value as string;
		}
		underTest.credentials = {
			[credentialType]: credentialsHelper.addCredential({
				id: CREDENTIAL_ID,
				name: CREDENTIAL_NAME,
				type: credentialType,
				data,
			}),
		};
	}

	const nodes: INode[] = [inputNode, underTest];
	const connections: IConnections = {
		[inputNode.name]: { main: [[{ node: underTest.name, type: NodeConnectionTypes.Main, index: 0 }]] },
	};
	const withErrorOutput = options.onError === 'continueErrorOutput';
	if (options.downstream === true) {
		const passThrough = (name: string, y: number): INode => ({
			id: randomUUID(),
			name,
			type: PASS_THROUGH_NODE_TYPE,
			typeVersion: 1,
			position: [440, y],
			parameters: {},
		});
		nodes.push(passThrough(AFTER_SUCCESS, 0));
		const outputs = [[{ node: AFTER_SUCCESS, type: NodeConnectionTypes.Main, index: 0 }]];
		if (withErrorOutput) {
			nodes.push(passThrough(AFTER_ERROR, 200));
			outputs.push([{ node: AFTER_ERROR, type: NodeConnectionTypes.Main, index: 0 }]);
		}
		connections[underTest.name] = { main: outputs };
	}

	const workflowId = 'harness-workflow';
	const workflow = new Workflow({
		id: workflowId,
		name: 'Engine harness',
		nodes,
		connections,
		active: false,
		nodeTypes,
		staticData: {},
		settings: { executionOrder: 'v1' },
	});

	const executionId = randomUUID();
	const workflowData = {
		id: workflowId,
		name: workflow.name,
		active: false,
		isArchived: false,
		createdAt: new Date(),
		updatedAt: new Date(),
		nodes,
		connections,
		settings: workflow.settings,
		staticData: {},
	} as unknown as IWorkflowBase;
	const hooks = new ExecutionLifecycleHooks('manual', executionId, workflowData);
	const additionalData = baseAdditionalData(credentialsHelper, executionId, hooks);

	const items: INodeExecutionData[] = options.items.map((json) => ({
		json: structuredClone(json) as IDataObject,
	}));
	const runExecutionData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [{ node: inputNode, data: { main: [items] }, source: null }],
		},
	});

	const finish = (run: IRun | undefined, error: Error | undefined): RunNodeResult => {
		const runData = run?.data.resultData.runData ?? {};
		const recorded =
			(runData[underTest.name]?.[0]?.error as object | undefined) ??
			(run?.data.resultData.error as object | undefined);
		return {
			main: options.downstream === true ? firstOutput(runData, AFTER_SUCCESS, 0) : firstOutput(runData, underTest.name, 0),
			errorOutput: !withErrorOutput
				? []
				: options.downstream === true
					? firstOutput(runData, AFTER_ERROR, 0)
					: firstOutput(runData, underTest.name, 1),
			error: error ?? pickError(recorded, thrown),
			status: run?.status ?? 'error',
			runData,
			logs: logTextSince(mark),
			nodeName: underTest.name,
		};
	};

	const workflowExecute = new WorkflowExecute(additionalData, 'manual', runExecutionData);
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
		const run = await execution;
		return finish(run, undefined);
	} finally {
		signal?.removeEventListener('abort', cancel);
	}
}

function credentialTestNodeType(credentialType: string, test: ICredentialTestRequest): INodeType {
	return {
		description: {
			displayName: 'Credential Test',
			// n8n runs a credential's own `test` request as a temporary node based on its
			// No-Op node, and recognises a credential test by that type and the `temp` parameter.
			name: 'n8n-nodes-base.noOp',
			group: ['organization'],
			version: 1,
			description: 'Runs the credential test request',
			defaults: { name: 'Temp-Node' },
			inputs: [NodeConnectionTypes.Main],
			outputs: [NodeConnectionTypes.Main],
			credentials: [{ name: credentialType, required: true }],
			properties: [
				{
					displayName: 'Temp',
					name: 'temp',
					type: 'string',
					routing: { request: test.request },
					default: '',
				},
			],
		},
	};
}

function getPath(value: unknown, path: string): unknown {
	let current: unknown = value;
	for (const segment of path.split('.')) {
		if (current === null || typeof current !== 'object') return undefined;
		current = (current as Record<string, unknown>)[segment];
	}
	return current;
}

/**
 * Tests a oneFlowApi credential the way n8n's "Test" button does for a credential with a
 * declarative `test` request: the request runs through n8n-core's RoutingNode (with the
 * credential's `authenticate` applied) and the outcome is mapped to n8n's messages.
 */
export async function testOneFlowCredential(
	data: OneFlowCredentialData,
	packageDir?: string,
): Promise<CredentialTestResult> {
	const { loader } = await loadPackageUnderTest(packageDir);
	const credentialType = pickCredentialType(loader);
	const type = loader.getCredential(credentialType).type;
	if (type.test === undefined) {
		return { status: 'Error', message: 'No testing function found for this credential.' };
	}

	const credentialsHelper = new HarnessCredentialsHelper(credentialTypesOf(loader));
	const additionalData = baseAdditionalData(credentialsHelper, randomUUID());
	const mode: WorkflowExecuteMode = 'internal';

	const stored: ICredentialDataDecryptedObject = {};
	for (const [key, value] of Object.entries(data)) {
		if (value !== undefined) stored[key] = value as string;
	}
	const credentialsDecrypted: ICredentialsDecrypted = {
		id: CREDENTIAL_ID,
		name: CREDENTIAL_NAME,
		type: credentialType,
		data: stored,
	};
	try {
		credentialsDecrypted.data = await credentialsHelper.applyDefaultsAndResolve(
			additionalData,
			stored,
			credentialType,
			mode,
		);
	} catch (error) {
		return { status: 'Error', message: String((error as Error).message) };
	}

	const testNodeType = credentialTestNodeType(credentialType, type.test);
	const node: INode = {
		id: 'temp',
		name: 'Temp-Node',
		type: testNodeType.description.name,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
		credentials: { [credentialType]: { id: CREDENTIAL_ID, name: CREDENTIAL_NAME } },
	};
	const nodeTypes: INodeTypes = {
		getByName: () => testNodeType,
		getByNameAndVersion: () => testNodeType,
		getKnownTypes: () => ({}),
	};
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
	additionalData.currentNodeParameters = node.parameters;
	const context = new ExecuteContext(
		workflow,
		node,
		additionalData,
		mode,
		createRunExecutionData(),
		0,
		[],
		{ main: [[{ json: {} }]] },
		{ node, data: {}, source: null },
		[],
	);

	let response: INodeExecutionData[][] | undefined;
	try {
		response = await new RoutingNode(context, testNodeType, credentialsDecrypted).runNode();
	} catch (error) {
		const cause = (error as { cause?: { response?: { status: number; statusText?: string }; code?: string } })
			.cause;
		if (cause?.response !== undefined) {
			const { status, statusText } = cause.response;
			for (const rule of type.test.rules ?? []) {
				if (rule.type === 'responseCode' && rule.properties.value === status) {
					return { status: 'Error', message: rule.properties.message };
				}
			}
			if (status < 199 || status > 299) {
				return { status: 'Error', message: statusText || `Received HTTP status code: ${status}` };
			}
		} else if (cause?.code) {
			return { status: 'Error', message: cause.code };
		}
		return { status: 'Error', message: String((error as Error).message) };
	}

	for (const rule of type.test.rules ?? []) {
		if (rule.type !== 'responseSuccessBody') continue;
		const body = response?.[0]?.[0]?.json;
		if (getPath(body, rule.properties.key) === rule.properties.value) {
			return { status: 'Error', message: rule.properties.message };
		}
	}
	return { status: 'OK', message: 'Connection successful!' };
}
