/**
 * The node's AI-tool variant: n8n names it `<name>Tool` and evaluates `@tool` display options
 * on that name, so its Document ID defaults to a value the model fills in ($fromAI), while the
 * node itself keeps reading the incoming item.
 */
import { NodeHelpers, type INode, type INodeTypeDescription } from 'n8n-workflow';

import { loadPackage } from '../../testkit/engine/package';
import { REPO_ROOT } from '../../testkit/repo';

async function nodeDescription(): Promise<INodeTypeDescription> {
	const loader = await loadPackage(REPO_ROOT);
	return loader.getNode('oneFlow').type.description as INodeTypeDescription;
}

/** The parameters n8n stores for a new node of this description with `parameters` set. */
function parametersOf(description: INodeTypeDescription, parameters: Record<string, string>) {
	const node: INode = {
		id: '1',
		name: description.displayName,
		type: description.name,
		typeVersion: 1,
		position: [0, 0],
		parameters,
	};
	return (
		NodeHelpers.getNodeParameters(
			description.properties,
			parameters,
			true,
			false,
			node,
			description,
		) ?? {}
	);
}

describe.each(['delete', 'get'])('Document ID of the %s operation', (operation) => {
	it('reads the incoming item on the node', async () => {
		const description = await nodeDescription();
		expect(parametersOf(description, { operation }).docId).toBe(
			'={{ $json.docId ?? $json.documentId ?? $json.body?.documentId }}',
		);
	});

	it('is filled in by the model on the tool variant', async () => {
		const node = await nodeDescription();
		const tool = { ...node, name: `${node.name}Tool`, displayName: `${node.displayName} Tool` };
		const docId = parametersOf(tool, { operation }).docId;
		expect(docId).toMatch(
			/^=\{\{ \/\*n8n-auto-generated-fromAI-override\*\/ \$fromAI\('docId', 'ID of the 1Flow document to (delete|read), exactly as the user gave it', 'string'\) \}\}$/,
		);
	});
});
