/**
 * The engine harness's runNode, with a fixture package (./fixture) against the emulator: that
 * it shows what n8n's engine does with a node's items, logs, cancelling and binary input.
 * Errors are in ./run-node-errors.test.ts.
 */
import { runNode } from '../../testkit/engine';
import { SECRET, WEBHOOK, byDocId, fixtureHarness } from '../support/fixture-harness';
import { waitFor } from '../support/wait';

const { fixture, emulator, credentials, run, sentDocIds } = fixtureHarness();

describe('runNode', () => {
	it('sends the header resolved from the credential and pairs the output items', async () => {
		const result = await run({
			credentials: credentials(),
			parameters: byDocId,
			items: [
				{ docId: 'a', row: 1 },
				{ docId: 'b', row: 2 },
			],
		});

		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');
		expect(
			emulator.requests.map(({ method, path, hadAuthorization, authorized }) => ({
				method,
				path,
				hadAuthorization,
				authorized,
			})),
		).toEqual(
			Array(2).fill({
				method: 'POST',
				path: `/api/webhook/${WEBHOOK}/document/delete`,
				hadAuthorization: true,
				authorized: true,
			}),
		);
		expect(sentDocIds()).toEqual(['a', 'b']);
		const answer = (docId: string) => ({
			docId,
			success: true,
			message: 'Document deleted successfully',
			documentId: docId,
		});
		expect(result.main).toEqual([
			{ json: answer('a'), pairedItem: { item: 0 } },
			{ json: answer('b'), pairedItem: { item: 1 } },
		]);
		expect(result.errorOutput).toEqual([]);
		expect(Object.keys(result.runData).sort()).toEqual(['1Flow', 'Input']);
		expect(result.nodeName).toBe('1Flow');
	});

	describe('logs', () => {
		it('captures what n8n-core logs, at debug level too', async () => {
			const result = await run({
				credentials: credentials(),
				parameters: byDocId,
				items: [{ docId: 'missing-4' }],
			});
			expect(result.logs.some((line) => line.startsWith('debug: Workflow execution started'))).toBe(
				true,
			);
			expect(
				result.logs.some((line) => line.includes('Running node "1Flow" finished with error')),
			).toBe(true);
			expect(result.logs.join('\n')).not.toContain(SECRET);
		});

		it('would show a secret that a node logs', async () => {
			const result = await run({
				credentials: credentials(),
				parameters: { ...byDocId, logSecret: true },
				items: [{ docId: 'a' }],
			});
			expect(result.logs.join('\n')).toContain(`info: fixture leaks ${SECRET}`);
		});
	});

	describe('abort', () => {
		it('cancels a running execution and aborts its HTTP request', async () => {
			const controller = new AbortController();
			const started = Date.now();
			const pending = run({
				credentials: credentials(),
				parameters: byDocId,
				items: [{ docId: 'slow' }, { docId: 'b' }],
				signal: controller.signal,
			});
			await waitFor(() => sentDocIds().includes('slow'), 'the request for "slow"');
			controller.abort();
			const result = await pending;

			expect(Date.now() - started).toBeLessThan(5_000);
			expect(result.status).toBe('canceled');
			expect(result.error).toBeDefined();
			expect(sentDocIds()).toEqual(['slow']);
			expect(result.runData['1Flow'][0].executionStatus).toBe('error');
		});

		it('does not run the node when the signal is already aborted', async () => {
			const controller = new AbortController();
			controller.abort();
			const result = await run({
				credentials: credentials(),
				parameters: byDocId,
				items: [{ docId: 'a' }],
				signal: controller.signal,
			});
			expect(result.status).toBe('canceled');
			expect(result.error?.name).toBe('ManualExecutionCancelledError');
			expect(emulator.requests).toHaveLength(0);
			expect(result.runData['1Flow']).toBeUndefined();
		});
	});

	describe('binary input', () => {
		const fromFile = (binaryDataMode: 'filesystem' | 'default') =>
			runNode({
				node: 'oneFlow',
				packageDir: fixture.dir,
				credentials: { oneFlowApi: credentials() },
				parameters: { docId: 'from the file', docIdFromFile: true },
				items: [
					{
						json: { row: 1 },
						binary: { data: { data: 'b', mimeType: 'text/plain', fileName: 'doc-id.txt' } },
					},
				],
				binaryDataMode,
			});

		it('filesystem mode: the file is stored on disk, the item carries its id, the node reads it back', async () => {
			const result = await fromFile('filesystem');
			expect(result.error).toBeUndefined();
			expect(sentDocIds()).toEqual(['b']);
			const input = result.runData.Input[0].data?.main[0]?.[0];
			expect(input?.binary?.data).toMatchObject({
				mimeType: 'text/plain',
				fileName: 'doc-id.txt',
				bytes: 1,
			});
			expect(input?.binary?.data.id).toMatch(/^filesystem-v2:workflows\/.+\/binary_data\//);
			expect(input?.binary?.data.data).toBe('filesystem-v2');
		});

		it('default mode: the file travels in the item as base64', async () => {
			const result = await fromFile('default');
			expect(result.error).toBeUndefined();
			expect(sentDocIds()).toEqual(['b']);
			const input = result.runData.Input[0].data?.main[0]?.[0];
			expect(input?.binary?.data.id).toBeUndefined();
			expect(input?.binary?.data.data).toBe(Buffer.from('b').toString('base64'));
		});
	});
});
