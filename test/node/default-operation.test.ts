/**
 * The operation a node has when none is set. n8n stores only parameters that differ from their
 * default, so a new 1Flow node, and any saved node whose operation was left as it opened, runs
 * the default: it must be Get, which changes nothing in 1Flow, never Delete.
 */
import { NodeHelpers, type INode, type INodeTypeDescription } from 'n8n-workflow';

import { runNode } from '../../testkit/engine';
import { loadPackage } from '../../testkit/engine/package';
import { REPO_ROOT } from '../../testkit/repo';
import { SECRET, WEBHOOK_ID, credentials, emulatorsPerTest } from '../support/one-flow-node';

const startEmulator = emulatorsPerTest();

test('a new node opens on Get: the parameters n8n gives a node with none set', async () => {
	const loader = await loadPackage(REPO_ROOT);
	const description = loader.getNode('oneFlow').type.description as INodeTypeDescription;
	const node: INode = {
		id: '1',
		name: '1Flow',
		type: description.name,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	const parameters = NodeHelpers.getNodeParameters(
		description.properties,
		{},
		true,
		false,
		node,
		description,
	);
	expect(parameters).toMatchObject({ resource: 'document', operation: 'get' });
});

test('a node without an operation parameter reads the document and deletes nothing', async () => {
	const emulator = await startEmulator({
		webhooks: [{ id: WEBHOOK_ID, secret: SECRET, documents: ['doc_kept'] }],
	});
	const result = await runNode({
		node: 'oneFlow',
		credentials: { oneFlowApi: credentials(emulator) },
		parameters: {},
		items: [{ json: { docId: 'doc_kept' } }],
	});
	expect(result.error).toBeUndefined();
	expect(result.main.map((item) => item.json)).toEqual([
		expect.objectContaining({ documentId: 'doc_kept', status: 'INDEXED' }),
	]);
	expect(emulator.requests.map((request) => [request.method, request.docId])).toEqual([
		['GET', 'doc_kept'],
	]);
	expect(emulator.deleteCount('doc_kept')).toBe(0);
	expect(emulator.hasDocument(WEBHOOK_ID, 'doc_kept')).toBe(true);
});
