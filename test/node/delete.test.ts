/**
 * The Delete Document operation run by n8n's engine (WorkflowExecute) against the 1Flow
 * emulator over real HTTP: the contract users' workflows depend on. Failures are in
 * ./delete-errors.test.ts; every kind of bad input and bad answer is in
 * ../bulk/bad-input.test.ts.
 */
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { EmulatorOptions, OneFlowEmulator } from '../../testkit/emulator';
import { deleteEmulatorOptions, pairedIndexes } from '../support/delete-documents';
import {
	SECRET,
	WEBHOOK_ID as WEBHOOK,
	describeEachTransport,
	emulatorsPerTest,
	runOneFlow,
	type RunSettings,
} from '../support/one-flow-node';

const startEmulator = emulatorsPerTest();
let emulator: OneFlowEmulator;

async function start(options: EmulatorOptions = {}): Promise<OneFlowEmulator> {
	emulator = await startEmulator(deleteEmulatorOptions(options));
	return emulator;
}

const run = (items: Array<Record<string, unknown>>, settings?: RunSettings) =>
	runOneFlow(emulator, items, settings);

describeEachTransport('Delete Document in the engine', () => {
	it('deletes each document, one output item per input item, in order, with pairedItem', async () => {
		await start();
		const result = await run([{ docId: 'doc_a' }, { docId: 'doc_b' }, { docId: 'doc_c' }]);
		expect(result.status).toBe('success');
		expect(result.error).toBeUndefined();
		expect(result.main.map((item) => item.json)).toEqual(
			['doc_a', 'doc_b', 'doc_c'].map((documentId) => ({
				success: true,
				deleted: true,
				documentId,
				message: 'Document deleted successfully',
			})),
		);
		expect(pairedIndexes(result.main)).toEqual([0, 1, 2]);
		for (const docId of ['doc_a', 'doc_b', 'doc_c']) {
			expect(emulator.deleteCount(docId)).toBe(1);
			expect(emulator.hasDocument(WEBHOOK, docId)).toBe(false);
		}
		expect(emulator.hasDocument(WEBHOOK, 'doc_d')).toBe(true);
		expect(
			emulator.requests.every((request) => request.hadAuthorization && request.authorized),
		).toBe(true);
	});

	it("reads documentId, as sent by 1Flow's document.ready callback, with the default expression", async () => {
		await start();
		const result = await run([{ event: 'document.ready', documentId: 'doc_d' }]);
		expect(result.main[0].json).toMatchObject({ deleted: true, documentId: 'doc_d' });
		expect(emulator.requests.map((request) => request.docId)).toEqual(['doc_d']);
	});

	it('reads body.documentId by default, as a Webhook node receiving the callback outputs it', async () => {
		await start();
		const result = await run([
			{ headers: {}, query: {}, body: { event: 'document.ready', documentId: 'doc_c' } },
		]);
		expect(result.main[0].json).toMatchObject({ deleted: true, documentId: 'doc_c' });
	});

	it("takes the Document ID from an expression of the user's choice", async () => {
		await start();
		const result = await run([{ file: { id: 'doc_e' } }], {
			parameters: { docId: '={{ $json.file.id }}' },
		});
		expect(result.main[0].json).toMatchObject({ deleted: true, documentId: 'doc_e' });
	});

	it('sends a number as its decimal string and trims text', async () => {
		await start();
		const result = await run([{ docId: 42 }, { docId: '  doc_a  ' }]);
		// Sent at once: they reach the emulator in either order.
		expect(emulator.requests.map((request) => request.docId).sort()).toEqual(['42', 'doc_a']);
		expect(result.main.map((item) => item.json.deleted)).toEqual([true, true]);
	});

	it('sends a document asked for by several items once, and answers every item', async () => {
		await start();
		const result = await run([{ docId: 'doc_a' }, { docId: 'doc_b' }, { docId: 'doc_a' }]);
		expect(emulator.requests.filter((request) => request.docId === 'doc_a')).toHaveLength(1);
		expect(result.main.map((item) => item.json.documentId)).toEqual(['doc_a', 'doc_b', 'doc_a']);
		expect(pairedIndexes(result.main)).toEqual([0, 1, 2]);
	});

	it('sends no Authorization header when the webhook has no secret', async () => {
		await start();
		const result = await run([{ docId: 'open_1' }], {
			credentials: { webhookId: 'wh_open', webhookSecret: '' },
		});
		expect(result.main[0].json.deleted).toBe(true);
		expect(emulator.requests[0].hadAuthorization).toBe(false);
	});

	it('trims a pasted secret', async () => {
		await start();
		const result = await run([{ docId: 'doc_a' }], {
			credentials: { webhookSecret: `  ${SECRET}\t` },
		});
		expect(result.main[0].json.deleted).toBe(true);
	});
});

describeEachTransport('Document ID expressions that fail', () => {
	it("an expression that fails names the expression and n8n's reason", async () => {
		await start();
		const result = await run([{ docId: 'doc_a' }], {
			parameters: { docId: '={{ $("No Such Node").item.json.id }}' },
		});
		expect(result.error).toBeInstanceOf(NodeOperationError);
		expect(result.error?.message).toBe(
			'The "Document ID" expression failed: Referenced node doesn\'t exist [item 0]',
		);
		expect(emulator.requests).toHaveLength(0);
	});

	it('an expression whose JavaScript error n8n swallows reads as "no document ID"', async () => {
		// n8n's backend turns a TypeError inside {{ }} into undefined rather than an error.
		await start();
		const result = await run([{ count: 3 }], {
			parameters: { docId: '={{ $json.count.toUpperCase() }}' },
		});
		expect(result.error?.message).toBe('No document ID [item 0]');
		expect((result.error as NodeOperationError).description).toContain('Map "Document ID"');
		expect(emulator.requests).toHaveLength(0);
	});
});

describeEachTransport('Treat Not Found as Deleted', () => {
	it('reports a missing document as already deleted and keeps going', async () => {
		await start();
		const result = await run([{ docId: 'doc_missing' }, { docId: 'doc_a' }], {
			options: { treatNotFoundAsDeleted: true },
		});
		expect(result.error).toBeUndefined();
		expect(result.main.map((item) => item.json)).toEqual([
			{
				success: true,
				deleted: false,
				alreadyDeleted: true,
				documentId: 'doc_missing',
				message: 'Document not found in 1Flow; counted as already deleted',
			},
			{
				success: true,
				deleted: true,
				documentId: 'doc_a',
				message: 'Document deleted successfully',
			},
		]);
	});

	it('does not count documents as deleted when the webhook ID is unknown', async () => {
		await start();
		const result = await run([{ docId: 'doc_a' }], {
			options: { treatNotFoundAsDeleted: true },
			credentials: { webhookId: 'wh_unknown' },
		});
		expect(result.error).toBeInstanceOf(NodeApiError);
		expect(result.error?.message).toBe('The webhook ID was not found in 1Flow');
		// Only the check was sent: an empty docId, which cannot delete anything.
		expect(emulator.requests.map((request) => request.docId)).toEqual(['']);
	});
});
