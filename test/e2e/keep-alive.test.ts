/**
 * "Reuse Connections" in the real n8n: a bulk delete through the keep-alive client gives the
 * same items, error routing and pairing as n8n's helper, over a few connections instead of
 * one per request.
 */
import { nodeOutput } from './support/run-data';
import { expectNoSecretStored } from './support/secrets';
import { suiteEnvironment } from './support/suite';
import { topicOfThisFile } from './support/topic';
import { IDS } from './support/workflows';

const { major } = suiteEnvironment();
const DOCUMENTS = Array.from({ length: 30 }, (_, n) => `doc_ka_${String(n + 1).padStart(2, '0')}`);
const CONCURRENCY = 5;
const NODE = 'Delete (reusing connections)';
const topic = topicOfThisFile('keep-alive', DOCUMENTS);

test('deletes every document once over at most two connections per request in flight', async () => {
	const { emulator, setup } = topic();
	const { code, run } = await topic().execute(IDS.keepAlive);
	expect(code).toBe(0);
	expect(DOCUMENTS.map((docId) => emulator.deleteCount(docId))).toEqual(DOCUMENTS.map(() => 1));
	expect(emulator.requests).toHaveLength(DOCUMENTS.length + 1);
	expect(emulator.requests.every((request) => request.hadAuthorization && request.authorized)).toBe(
		true,
	);
	// n8n's helper would have opened 31 connections, one per request.
	expect(emulator.connectionCount).toBeGreaterThanOrEqual(1);
	expect(emulator.connectionCount).toBeLessThanOrEqual(2 * CONCURRENCY);

	const onSuccess = nodeOutput(run, NODE);
	const deleted = onSuccess.filter((item) => item.json.deleted === true);
	expect(deleted.map((item) => item.json.documentId)).toEqual(DOCUMENTS);
	// The unknown document, the 16th item: on the error output (n8n 1.x keeps it on the success output, see README).
	const failed =
		major === 1 ? onSuccess.filter((item) => 'error' in item.json) : nodeOutput(run, NODE, 1);
	expect(failed).toHaveLength(1);
	expect(failed[0].pairedItem).toEqual({ item: 15 });
	expect(failed[0].json).toMatchObject({ details: { docId: 'doc_ka_missing', httpCode: 404 } });
	// What the node sent on reached the nodes after it.
	expect(nodeOutput(run, 'Deleted')).toHaveLength(
		major === 1 ? DOCUMENTS.length + 1 : DOCUMENTS.length,
	);
	expect(JSON.stringify(run)).not.toContain(setup.secret);
});

test('the webhook secret is not in stored executions, the database files or any n8n output', () => {
	expectNoSecretStored(topic(), { executions: 1, marker: 'doc_ka_missing' });
});
