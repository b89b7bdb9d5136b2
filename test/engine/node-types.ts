/**
 * Loading a community package the way n8n does, and the node types a harness workflow uses.
 */
import './env';

import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

import { PackageDirectoryLoader } from 'n8n-core';
import { NodeConnectionTypes, NodeHelpers, UnexpectedError } from 'n8n-workflow';
import type {
	ICredentialType,
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypes,
	IVersionedNodeType,
} from 'n8n-workflow';

import type { CredentialTypeSource } from './credentials-helper';

export const PACKAGE_NAME = 'n8n-nodes-1flow';

/** The repository root: the nearest folder above this file whose package.json is ours. */
export function findPackageRoot(from: string = __dirname): string {
	let dir = resolve(from);
	for (;;) {
		const manifest = join(dir, 'package.json');
		if (existsSync(manifest)) {
			try {
				const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string };
				if (name === PACKAGE_NAME) return dir;
			} catch {
				// not a readable manifest: keep looking upwards
			}
		}
		const parent = dirname(dir);
		if (parent === dir) {
			throw new Error(`No package.json named "${PACKAGE_NAME}" above ${from}`);
		}
		dir = parent;
	}
}

const loaders = new Map<string, Promise<PackageDirectoryLoader>>();

/**
 * Loads the package's `dist` through n8n-core's PackageDirectoryLoader (the files named in
 * package.json's "n8n" section), once per package folder.
 */
export async function loadPackage(packageDir: string): Promise<PackageDirectoryLoader> {
	const key = realpathSync(packageDir);
	let pending = loaders.get(key);
	if (pending === undefined) {
		pending = (async () => {
			const loader = new PackageDirectoryLoader(key);
			try {
				await loader.loadAll();
			} catch (error) {
				throw new Error(
					`n8n could not load the package in ${key} (is it built? ` +
						`npx tsc -p tsconfig.json && npx gulp): ${(error as Error).message}`,
					{ cause: error },
				);
			}
			if (loader.loadedNodes.length === 0) {
				throw new Error(`The package in ${key} declares no nodes in its "n8n" section`);
			}
			return loader;
		})();
		loaders.set(key, pending);
		pending.catch(() => loaders.delete(key));
	}
	return await pending;
}

/** Credential types of a loaded package, for the credentials helper. */
export function credentialTypesOf(loader: PackageDirectoryLoader): CredentialTypeSource {
	return {
		getCredentialType(name: string): ICredentialType {
			return loader.getCredential(name).type;
		},
		getSupportedNodes(name: string): string[] {
			return (loader.known.credentials[name]?.supportedNodes ?? []).map(
				(node) => `${loader.packageName}.${node}`,
			);
		},
	};
}

/** Type strings of the harness's own helper nodes. */
export const INPUT_NODE_TYPE = 'harness.itemsInput';
export const PASS_THROUGH_NODE_TYPE = 'harness.passThrough';

/**
 * Start node of a harness workflow. The harness places it on the execution stack with the
 * test's items as its input; it hands them on unchanged, like a trigger or a Code node
 * would, so that the node under test gets a real parent (`source`) to pair its items with.
 */
class ItemsInput implements INodeType {
	description: INodeType['description'] = {
		displayName: 'Items Input',
		name: 'itemsInput',
		group: ['input'],
		version: 1,
		description: 'Emits the items the harness feeds it',
		defaults: { name: 'Input' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [this.getInputData()];
	}
}

/** Returns its input unchanged, like n8n's "No Operation, do nothing" node. */
class PassThrough implements INodeType {
	description: INodeType['description'] = {
		displayName: 'Pass Through',
		name: 'passThrough',
		group: ['organization'],
		version: 1,
		description: 'Returns its input unchanged',
		defaults: { name: 'Pass Through' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [this.getInputData()];
	}
}

/** Receives every error thrown by the `execute` of the node under test, unchanged. */
export type ThrownErrorSink = (error: unknown) => void;

/**
 * n8n's view of the installed node types (the loaded package plus the harness's helper
 * nodes). The node under test is handed out with its `execute` observed: a thrown error is
 * recorded (the engine only keeps a plain-object copy of it) and rethrown as is.
 */
export class HarnessNodeTypes implements INodeTypes {
	private readonly helpers: Record<string, INodeType> = {
		[INPUT_NODE_TYPE]: new ItemsInput(),
		[PASS_THROUGH_NODE_TYPE]: new PassThrough(),
	};

	private readonly observed = new Map<INodeType, INodeType>();

	constructor(
		private readonly loader: PackageDirectoryLoader,
		private readonly observedType: string,
		private readonly onThrow: ThrownErrorSink,
	) {}

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		const helper = this.helpers[nodeType];
		if (helper !== undefined) return helper;
		const prefix = `${this.loader.packageName}.`;
		if (!nodeType.startsWith(prefix)) {
			throw new UnexpectedError(`Unknown node type "${nodeType}"`);
		}
		return this.loader.getNode(nodeType.slice(prefix.length)).type;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		const resolved = NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
		if (nodeType !== this.observedType || typeof resolved.execute !== 'function') return resolved;
		let wrapped = this.observed.get(resolved);
		if (wrapped === undefined) {
			const execute = resolved.execute;
			const onThrow = this.onThrow;
			wrapped = Object.create(resolved, {
				execute: {
					value: async function (this: IExecuteFunctions) {
						try {
							return await execute.call(this);
						} catch (error) {
							onThrow(error);
							throw error;
						}
					},
				},
			}) as INodeType;
			this.observed.set(resolved, wrapped);
		}
		return wrapped;
	}

	getKnownTypes(): IDataObject {
		const known: IDataObject = {};
		for (const [name, details] of Object.entries(this.loader.known.nodes)) {
			known[`${this.loader.packageName}.${name}`] = details as unknown as IDataObject;
		}
		return known;
	}
}
