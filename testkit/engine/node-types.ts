/** n8n's view of the installed node types in a harness workflow: the package's plus two helpers. */
import type { PackageDirectoryLoader } from 'n8n-core';
import { NodeConnectionTypes, NodeHelpers, UnexpectedError } from 'n8n-workflow';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypes,
	IVersionedNodeType,
} from 'n8n-workflow';

/** Type strings of the harness's own helper nodes. */
export const INPUT_NODE_TYPE = 'harness.itemsInput';
export const PASS_THROUGH_NODE_TYPE = 'harness.passThrough';

/** A node that returns its input unchanged, like n8n's "No Operation, do nothing" node. */
function handOn(name: string, displayName: string, description: string): INodeType {
	return {
		description: {
			displayName,
			name,
			group: ['organization'],
			version: 1,
			description,
			defaults: { name: displayName },
			inputs: [NodeConnectionTypes.Main],
			outputs: [NodeConnectionTypes.Main],
			properties: [],
		},
		async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
			return [this.getInputData()];
		},
	};
}

/** Receives every error thrown by the `execute` of the node under test, unchanged. */
type ThrownErrorSink = (error: unknown) => void;

/**
 * The loaded package's node types plus the helpers: `Input`, which the harness puts on the
 * execution stack with the test's items so that the node under test has a real parent to
 * pair its items with, and pass-through nodes after it. The node under test is handed out
 * with its `execute` observed: a thrown error is recorded (the engine keeps only a
 * plain-object copy of it) and rethrown as it is.
 */
export class HarnessNodeTypes implements INodeTypes {
	private readonly helpers: Record<string, INodeType> = {
		[INPUT_NODE_TYPE]: handOn('itemsInput', 'Input', 'Emits the items the harness feeds it'),
		[PASS_THROUGH_NODE_TYPE]: handOn('passThrough', 'Pass Through', 'Returns its input unchanged'),
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
		if (!nodeType.startsWith(prefix)) throw new UnexpectedError(`Unknown node type "${nodeType}"`);
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
