/**
 * A credential's Test button, run the way n8n runs a declarative `test` request: as a
 * temporary node whose one property routes the request through n8n-core's RoutingNode (with
 * the credential's `authenticate` applied), the outcome mapped to n8n's messages.
 */
import './env';

import { randomUUID } from 'node:crypto';

import { ExecuteContext, RoutingNode } from 'n8n-core';
import { NodeConnectionTypes, Workflow, createRunExecutionData } from 'n8n-workflow';
import type {
	ICredentialTestRequest,
	INode,
	INodeExecutionData,
	INodeType,
	INodeTypes,
} from 'n8n-workflow';

import { additionalData } from './additional-data';
import { HarnessCredentialsHelper, storedFields, type CredentialData } from './credentials-helper';
import { loadPackage } from './package';
import { REPO_ROOT } from '../repo';

interface CredentialTestResult {
	status: 'OK' | 'Error';
	message: string;
}

const CREDENTIAL = { id: 'harness-credential-test', name: 'Credential under test' };

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

/** What n8n says when the test request throws: a rule's message, the status text, or the error code. */
function failure(error: unknown, test: ICredentialTestRequest): CredentialTestResult {
	const cause = (
		error as { cause?: { response?: { status: number; statusText?: string }; code?: string } }
	).cause;
	if (cause?.response !== undefined) {
		const { status, statusText } = cause.response;
		for (const rule of test.rules ?? []) {
			if (rule.type === 'responseCode' && rule.properties.value === status)
				return { status: 'Error', message: rule.properties.message };
		}
		if (status < 199 || status > 299)
			return { status: 'Error', message: statusText || `Received HTTP status code: ${status}` };
	} else if (cause?.code) {
		return { status: 'Error', message: cause.code };
	}
	return { status: 'Error', message: String((error as Error).message) };
}

/** Tests a credential of the package with the given fields, as its Test button in n8n does. */
export async function testCredential(options: {
	type: string;
	data: CredentialData;
	packageDir?: string;
}): Promise<CredentialTestResult> {
	const loader = await loadPackage(options.packageDir ?? REPO_ROOT);
	const { test } = loader.getCredential(options.type).type;
	if (test === undefined)
		return { status: 'Error', message: 'No testing function found for this credential.' };

	const credentialsHelper = new HarnessCredentialsHelper((name) => loader.getCredential(name).type);
	const data = credentialsHelper.withDefaults(storedFields(options.data), options.type);
	const credentials = { ...CREDENTIAL, type: options.type, data };

	const testNodeType = credentialTestNodeType(options.type, test);
	const node: INode = {
		id: 'temp',
		name: 'Temp-Node',
		type: testNodeType.description.name,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
		credentials: { [options.type]: CREDENTIAL },
	};
	const nodeTypes: INodeTypes = {
		getByName: () => testNodeType,
		getByNameAndVersion: () => testNodeType,
		getKnownTypes: () => ({}),
	};
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
	const executionData = additionalData(credentialsHelper, randomUUID());
	executionData.currentNodeParameters = node.parameters;
	const context = new ExecuteContext(
		workflow,
		node,
		executionData,
		'internal',
		createRunExecutionData(),
		0,
		[],
		{ main: [[{ json: {} }]] },
		{ node, data: {}, source: null },
		[],
	);

	let response: INodeExecutionData[][] | undefined;
	try {
		response = await new RoutingNode(context, testNodeType, credentials).runNode();
	} catch (error) {
		return failure(error, test);
	}
	for (const rule of test.rules ?? []) {
		if (rule.type !== 'responseSuccessBody') continue;
		if (getPath(response?.[0]?.[0]?.json, rule.properties.key) === rule.properties.value) {
			return { status: 'Error', message: rule.properties.message };
		}
	}
	return { status: 'OK', message: 'Connection successful!' };
}
