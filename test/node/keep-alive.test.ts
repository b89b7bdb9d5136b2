/**
 * "Reuse Connections" in n8n's engine against the emulator. The contract it shares with n8n's
 * request helper runs under both (describeEachTransport in the delete, bad-answer and stopping
 * suites); here is what only this mode does: reuse connections, within a run and across runs
 * of one process, and say what it skips when a connection fails.
 */
import type { NodeApiError } from 'n8n-workflow';

import { demoDocIds, type OneFlowEmulator } from '../../testkit/emulator';
import { SECRET, WEBHOOK_ID, emulatorsPerTest, runOneFlow } from '../support/one-flow-node';

const startEmulators = emulatorsPerTest();
const startEmulator = (documents: string[]) =>
	startEmulators({
		webhooks: [{ id: WEBHOOK_ID, secret: SECRET, documents }],
		faults: { latencyMs: 5 },
	});

async function deleteAll(
	emulator: OneFlowEmulator,
	docIds: string[],
	options: Record<string, unknown>,
) {
	const result = await runOneFlow(
		emulator,
		docIds.map((docId) => ({ docId })),
		{ options },
	);
	expect(result.error).toBeUndefined();
	expect(result.main.map((item) => item.json.documentId)).toEqual(docIds);
	expect(result.main.every((item) => item.json.deleted === true)).toBe(true);
	expect(emulator.requestCount).toBe(docIds.length);
	return result;
}

describe('Reuse Connections', () => {
	test("keeps a few connections for the whole run, where n8n's helper opens one per request", async () => {
		const docIds = demoDocIds(40);
		const keepAlive = await startEmulator(docIds);
		await deleteAll(keepAlive, docIds, { concurrency: 4, reuseConnections: true });
		expect(keepAlive.connectionCount).toBeGreaterThanOrEqual(1);
		// At most two per request in flight (see transport/keepAlive: a connection is freed a moment after its answer).
		expect(keepAlive.connectionCount).toBeLessThanOrEqual(2 * 4);

		const helper = await startEmulator(docIds);
		await deleteAll(helper, docIds, { concurrency: 4 });
		expect(helper.connectionCount).toBe(40);
	});

	test('a later run in the same process reuses the connections of an earlier one (the pool is per process)', async () => {
		const first = demoDocIds(12);
		const second = first.map((docId) => `${docId}_again`);
		const emulator = await startEmulator([...first, ...second]);
		await deleteAll(emulator, first, { concurrency: 3, reuseConnections: true });
		const afterFirstRun = emulator.connectionCount;
		emulator.resetRecord();

		// One at a time: an idle connection of the first run is always there to take.
		await deleteAll(emulator, second, { concurrency: 1, reuseConnections: true });
		expect(emulator.connectionCount).toBe(afterFirstRun);
	});

	test('a failed connection says that this mode connects directly, and how to turn it off', async () => {
		const emulator = await startEmulator(['doc_001']);
		// Nothing listens on port 2.
		const refused = { credentials: { baseUrl: 'http://127.0.0.1:2' } };
		const keepAlive = await runOneFlow(emulator, [{ docId: 'doc_001' }], {
			...refused,
			options: { maxRetries: 0, reuseConnections: true },
		});
		const error = keepAlive.error as NodeApiError;
		expect(error.message).toBe(
			'Could not connect to 1Flow at http://127.0.0.1:2 to delete document "doc_001"',
		);
		expect(error.description).toContain(
			'"Reuse Connections" is on: the node connects to 1Flow directly',
		);
		expect(error.description).toContain("without n8n's proxy settings (HTTP_PROXY, HTTPS_PROXY)");
		// n8n 2.x offers nodes its egress filter: the keep-alive client applied it.
		expect(error.description).toContain("n8n's outbound-request rules were checked before sending");
		expect(error.description).toContain('turn off "Reuse Connections" in the node\'s options');

		const helper = await runOneFlow(emulator, [{ docId: 'doc_001' }], {
			...refused,
			options: { maxRetries: 0 },
		});
		expect(helper.error?.message).toBe(error.message);
		expect((helper.error as NodeApiError).description).not.toContain('Reuse Connections');
		expect(emulator.requestCount).toBe(0);
	});
});
