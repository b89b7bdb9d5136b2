/**
 * Each document deleted once, in the real n8n engine against the 1Flow emulator: a document
 * named by many items is sent once, and a delete whose answer was lost or late is reported by
 * what the retry finds.
 */
import { demoDocIds } from '../../testkit/emulator';
import { bulkEmulatorsPerTest, requestsFor, runDeletes } from '../support/bulk-delete';

const startEmulator = bulkEmulatorsPerTest();

describe('one delete per document', () => {
	test('a document asked for by many items is sent once; each item gets the result with its own pairedItem', async () => {
		const docIds = [
			'doc_007',
			'doc_001',
			'doc_007',
			'doc_missing',
			'doc_007',
			'doc_002',
			'doc_missing',
			'doc_007',
			'doc_007',
			'doc_missing',
			'doc_007',
		];
		const emulator = await startEmulator(demoDocIds(10), { latencyMs: 10 });

		const result = await runDeletes(emulator, {
			docIds,
			options: { concurrency: 8 },
			onError: 'continueErrorOutput',
		});

		expect(result.error).toBeUndefined();
		expect(requestsFor(emulator, 'doc_007')).toHaveLength(1);
		expect(requestsFor(emulator, 'doc_missing')).toHaveLength(1);
		expect(emulator.requestCount).toBe(4);
		expect(emulator.deleteCount('doc_007')).toBe(1);

		const at = (docId: string) => docIds.flatMap((id, item) => (id === docId ? [{ item }] : []));
		const sevens = result.main.filter((item) => item.json.documentId === 'doc_007');
		expect(sevens.map((item) => item.pairedItem)).toEqual(at('doc_007'));
		for (const item of sevens) {
			expect(item.json).toMatchObject({ success: true, deleted: true, documentId: 'doc_007' });
		}
		expect(result.errorOutput.map((item) => item.pairedItem)).toEqual(at('doc_missing'));
		for (const item of result.errorOutput) {
			expect(item.json).toMatchObject({
				docId: 'doc_missing',
				details: { docId: 'doc_missing', httpCode: 404 },
			});
			expect(item.json.row).toBe((item.pairedItem as { item: number }).item);
		}
	});

	test('a timeout whose delete went through, then 404: reported deleted, confirmedByRetry', async () => {
		const emulator = await startEmulator(demoDocIds(3), {
			// Answered after the node's 1 s timeout, but carried out (before the retry, which
			// comes at least 250 ms after the timeout).
			script: ({ docId, attempt }) =>
				docId === 'doc_001' && attempt === 1 ? { kind: 'delay', ms: 1100 } : undefined,
		});

		const result = await runDeletes(emulator, {
			docIds: ['doc_001', 'doc_002'],
			options: { timeout: 1000, maxRetries: 2 },
		});

		expect(result.error).toBeUndefined();
		const attempts = requestsFor(emulator, 'doc_001');
		expect(attempts.map((request) => [request.status, request.deleted])).toEqual([
			['lost', true],
			[404, false],
		]);
		expect(emulator.deleteCount('doc_001')).toBe(1);
		expect(result.main[0].json).toMatchObject({
			success: true,
			deleted: true,
			documentId: 'doc_001',
			confirmedByRetry: true,
		});
		expect(result.main[1].json).toEqual({
			success: true,
			deleted: true,
			documentId: 'doc_002',
			message: 'Document deleted successfully',
		});
	});

	test('a dropped answer after the delete, then 404: reported deleted, confirmedByRetry', async () => {
		const emulator = await startEmulator(demoDocIds(3), {
			script: ({ attempt }) => (attempt === 1 ? { kind: 'lostResponse' } : undefined),
		});

		const result = await runDeletes(emulator, { docIds: ['doc_002'] });

		expect(result.error).toBeUndefined();
		expect(requestsFor(emulator, 'doc_002').map((request) => request.status)).toEqual([
			'lost',
			404,
		]);
		expect(result.main[0].json).toMatchObject({ deleted: true, confirmedByRetry: true });
	});

	test('a timeout that deleted nothing, then 200: reported deleted, not "confirmed by retry"', async () => {
		const emulator = await startEmulator(demoDocIds(3), {
			script: ({ attempt }) => (attempt === 1 ? { kind: 'hang' } : undefined),
		});

		const result = await runDeletes(emulator, { docIds: ['doc_003'], options: { timeout: 1000 } });

		expect(result.error).toBeUndefined();
		expect(requestsFor(emulator, 'doc_003').map((request) => request.status)).toEqual([
			'hung',
			200,
		]);
		expect(result.main[0].json).toEqual({
			success: true,
			deleted: true,
			documentId: 'doc_003',
			message: 'Document deleted successfully',
		});
	});
});
