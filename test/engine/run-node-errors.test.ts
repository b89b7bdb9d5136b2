/**
 * The engine harness's runNode, with a fixture package (./fixture) against the emulator: that
 * it shows what n8n's engine does with a node's errors, thrown or put on items, under each
 * On Error setting.
 */
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { WEBHOOK, byDocId, fixtureHarness } from '../support/fixture-harness';

const { emulator, credentials, run, sentDocIds } = fixtureHarness();

describe('runNode', () => {
	it('applies credential defaults (the secret is unset, so the header is empty)', async () => {
		const result = await run({
			credentials: { baseUrl: emulator.baseUrl, webhookId: WEBHOOK },
			parameters: byDocId,
			items: [{ docId: 'a' }],
		});
		expect(emulator.requests[0]).toMatchObject({ hadAuthorization: true, authorized: false });
		expect(result.error).toBeInstanceOf(NodeApiError);
		expect((result.error as NodeApiError).httpCode).toBe('401');
	});

	it('surfaces the thrown NodeApiError instance when the node stops the workflow', async () => {
		const result = await run({
			credentials: credentials(),
			parameters: byDocId,
			items: [{ docId: 'a' }, { docId: 'missing-1' }, { docId: 'c' }],
			onError: 'stopWorkflow',
		});

		expect(result.status).toBe('error');
		expect(result.error).toBeInstanceOf(NodeApiError);
		expect((result.error as NodeApiError).httpCode).toBe('404');
		expect(result.error?.message).toContain('could not be found');
		expect(result.main).toEqual([]);
		// The item after the failing one was never sent.
		expect(sentDocIds()).toEqual(['a', 'missing-1']);
		expect(result.runData['1Flow'][0].executionStatus).toBe('error');
	});

	it('sends a request answered with 401 a second time (n8n-core preAuthentication retry)', async () => {
		const result = await run({
			credentials: credentials({ webhookSecret: 'wrong' }),
			parameters: byDocId,
			items: [{ docId: 'a' }],
		});
		expect(result.error).toBeInstanceOf(NodeApiError);
		expect(emulator.requests).toHaveLength(2);
	});

	it('surfaces a NodeOperationError thrown by the node itself', async () => {
		const result = await run({
			credentials: credentials(),
			parameters: byDocId,
			items: [{ docId: 'local-failure' }],
		});
		expect(result.error).toBeInstanceOf(NodeOperationError);
		expect(result.error?.message).toBe('Local failure');
		expect(emulator.requests).toHaveLength(0);
	});

	it('reports a missing credential as n8n does', async () => {
		const result = await run({ parameters: byDocId, items: [{ docId: 'a' }] });
		expect(result.error).toBeInstanceOf(NodeOperationError);
		expect(result.error?.message).toMatch(/credentials/i);
	});

	it('reports workflow issues (a required parameter left empty) without running the node', async () => {
		const result = await run({
			credentials: credentials(),
			parameters: {},
			items: [{ docId: 'a' }],
		});
		expect(result.error?.name).toBe('WorkflowHasIssuesError');
		expect(result.runData).toEqual({});
		expect(emulator.requests).toHaveLength(0);
	});

	describe('On Error: continue (using error output)', () => {
		const items = [
			{ docId: 'a', row: 1 },
			{ docId: 'missing-2', row: 2 },
			{ docId: 'c', row: 3 },
		];

		it('routes error/message/details items to the error output, merged with their input item', async () => {
			const result = await run({
				credentials: credentials(),
				parameters: byDocId,
				items,
				onError: 'continueErrorOutput',
			});

			expect(result.error).toBeUndefined();
			expect(result.main.map((item) => item.json.docId)).toEqual(['a', 'c']);
			expect(result.main.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 2 }]);
			expect(result.errorOutput).toHaveLength(1);
			const [failed] = result.errorOutput;
			expect(failed.pairedItem).toEqual({ item: 1 });
			expect(failed.json).toEqual({
				docId: 'missing-2',
				row: 2,
				error: expect.stringContaining('could not be found'),
				details: { docId: 'missing-2', httpCode: '404' },
			});
		});

		it('keeps the items through pass-through nodes after both outputs', async () => {
			const result = await run({
				credentials: credentials(),
				parameters: byDocId,
				items,
				onError: 'continueErrorOutput',
				downstream: true,
			});

			expect(Object.keys(result.runData).sort()).toEqual([
				'1Flow',
				'After Error',
				'After Success',
				'Input',
			]);
			expect(result.main.map((item) => item.json.docId)).toEqual(['a', 'c']);
			expect(result.main.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
			expect(result.errorOutput).toHaveLength(1);
			expect(result.errorOutput[0].json).toMatchObject({
				docId: 'missing-2',
				row: 2,
				details: { docId: 'missing-2', httpCode: '404' },
			});
			expect(result.errorOutput[0].pairedItem).toEqual({ item: 0 });
		});

		it('replaces the json of an item with item.error by { error: message }', async () => {
			const result = await run({
				credentials: credentials(),
				parameters: { ...byDocId, failureShape: 'itemError' },
				items,
				onError: 'continueErrorOutput',
			});
			expect(result.errorOutput).toHaveLength(1);
			expect(result.errorOutput[0].json).toEqual({
				error: expect.stringContaining('could not be found'),
			});
			expect(result.errorOutput[0].error).toBeInstanceOf(NodeApiError);
		});

		it('passes the input items to the success output when the node throws anyway', async () => {
			const result = await run({
				credentials: credentials(),
				parameters: { ...byDocId, failureShape: 'throw' },
				items,
				onError: 'continueErrorOutput',
			});
			expect(result.error).toBeInstanceOf(NodeApiError);
			expect(result.errorOutput).toEqual([]);
			expect(result.main.map((item) => item.json)).toEqual(items);
			// The failing node was the last one: the execution still ends as an error.
			expect(result.status).toBe('error');
			expect(result.runData['1Flow'][0].executionStatus).toBe('error');
		});

		it('lets the execution succeed when a node after the thrown error runs', async () => {
			const result = await run({
				credentials: credentials(),
				parameters: { ...byDocId, failureShape: 'throw' },
				items,
				onError: 'continueErrorOutput',
				downstream: true,
			});
			expect(result.error).toBeInstanceOf(NodeApiError);
			expect(result.status).toBe('success');
			expect(result.main.map((item) => item.json)).toEqual(items);
			expect(result.errorOutput).toEqual([]);
		});
	});

	it('keeps failed items on the main output for continueRegularOutput', async () => {
		const result = await run({
			credentials: credentials(),
			parameters: byDocId,
			items: [{ docId: 'a' }, { docId: 'missing-3' }],
			onError: 'continueRegularOutput',
		});
		expect(result.error).toBeUndefined();
		expect(result.errorOutput).toEqual([]);
		expect(result.main).toHaveLength(2);
		expect(result.main[1].json).toMatchObject({ details: { docId: 'missing-3', httpCode: '404' } });
	});
});
