/** The node under test as a user places it in a workflow: its type from the package, parameters, credentials. */
import { randomUUID } from 'node:crypto';

import { NodeHelpers } from 'n8n-workflow';
import type { INode, INodeTypeDescription } from 'n8n-workflow';

import { HarnessCredentialsHelper, storedFields, type CredentialData } from './credentials-helper';
import { HarnessNodeTypes } from './node-types';
import { loadPackage } from './package';
import { REPO_ROOT } from '../repo';

export interface NodeSetup {
	/** The node's name inside the package (`description.name`), e.g. `oneFlow`. */
	node: string;
	/** Folder with the package.json whose "n8n" section names the built node (default: this repo). */
	packageDir?: string;
	/** Default: the node's newest version. */
	typeVersion?: number;
	/** Credentials by credential type name, stored and selected on the node as a user would. */
	credentials?: Record<string, CredentialData>;
	/** The node's parameters; defaults are filled in by n8n. */
	parameters: Record<string, unknown>;
}

export interface NodeUnderTest {
	node: INode;
	description: INodeTypeDescription;
	nodeTypes: HarnessNodeTypes;
	credentialsHelper: HarnessCredentialsHelper;
	/** Every error the node's `execute` threw, as thrown. */
	thrown: unknown[];
}

export function workflowNode(
	name: string,
	type: string,
	typeVersion: number,
	x: number,
	y = 0,
): INode {
	return { id: randomUUID(), name, type, typeVersion, position: [x, y], parameters: {} };
}

export async function nodeUnderTest(setup: NodeSetup): Promise<NodeUnderTest> {
	const loader = await loadPackage(setup.packageDir ?? REPO_ROOT);
	const type = `${loader.packageName}.${setup.node}`;
	const thrown: unknown[] = [];
	const nodeTypes = new HarnessNodeTypes(loader, type, (error) => thrown.push(error));
	const { description } = NodeHelpers.getVersionedNodeType(nodeTypes.getByName(type));
	const newest = Array.isArray(description.version)
		? Math.max(...description.version)
		: description.version;
	const credentialsHelper = new HarnessCredentialsHelper((name) => loader.getCredential(name).type);

	const node = workflowNode(
		description.defaults.name ?? description.displayName,
		type,
		setup.typeVersion ?? newest,
		220,
	);
	node.parameters = structuredClone(setup.parameters) as INode['parameters'];
	for (const [credentialType, fields] of Object.entries(setup.credentials ?? {})) {
		node.credentials ??= {};
		node.credentials[credentialType] = credentialsHelper.addCredential({
			id: `harness-${credentialType}`,
			name: `${credentialType} account`,
			type: credentialType,
			data: storedFields(fields),
		});
	}
	return { node, description, nodeTypes, credentialsHelper, thrown };
}
