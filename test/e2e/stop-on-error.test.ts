/** With On Error "stop" (n8n's default), a failing delete stops the workflow with a message that says what to do. */
import { nodeRan } from './support/run-data';
import { expectNoSecretStored } from './support/secrets';
import { REJECTS_DOC_BAD_REQUEST, topicOfThisFile } from './support/topic';
import { IDS } from './support/workflows';

const topic = topicOfThisFile(
	'stop-on-error',
	['doc_s1', 'doc_bad_request'],
	REJECTS_DOC_BAD_REQUEST,
);

async function stopCase({
	id,
	docId,
	httpCode,
	pattern,
	requests,
}: {
	id: string;
	docId: string;
	httpCode?: number;
	pattern: RegExp;
	requests: number;
}) {
	const { emulator, setup } = topic();
	const before = emulator.requests.length;
	const { code, run, output } = await topic().execute(id);
	expect(code).toBe(1);
	const error = (run.data.resultData.error ?? {}) as {
		message?: string;
		description?: string;
		httpCode?: unknown;
	};
	expect(error.message).toMatch(pattern);
	expect(run.data.resultData.lastNodeExecuted).toBe('Delete document');
	// The workflow stopped at the 1Flow node.
	expect(nodeRan(run, 'After delete')).toBe(false);
	if (httpCode) expect(String(error.httpCode)).toBe(String(httpCode));
	// The error has a description saying what to do.
	expect(error.description?.length).toBeGreaterThan(20);
	const seen = emulator.requests.slice(before).filter((request) => request.docId === docId);
	expect(seen).toHaveLength(requests);
	if (httpCode)
		expect(seen.every((request) => request.status === httpCode && !request.deleted)).toBe(true);
	expect(output).not.toContain(setup.secret);
	expect(output).not.toContain(setup.wrongSecret);
}

test('400 from 1Flow stops the workflow with a clear message', async () => {
	await stopCase({
		id: IDS.stop400,
		docId: 'doc_bad_request',
		httpCode: 400,
		pattern: /doc_bad_request|document id|docId/i,
		requests: 1,
	});
});

test('401 (wrong webhook secret) stops the workflow with a clear message', async () => {
	await stopCase({
		id: IDS.stop401,
		docId: 'doc_s1',
		httpCode: 401,
		pattern: /secret/i,
		requests: 1,
	});
	expect(
		topic()
			.requestsFor('doc_s1')
			.every((request) => request.hadAuthorization),
	).toBe(true);
	expect(topic().emulator.hasDocument(topic().setup.webhookId, 'doc_s1')).toBe(true);
});

test('404 (unknown document) stops the workflow with a clear message', async () => {
	await stopCase({
		id: IDS.stop404,
		docId: 'doc_nope',
		httpCode: 404,
		pattern: /doc_nope.*not found|not found.*doc_nope/i,
		requests: 1,
	});
});

test('an empty document ID stops the workflow before any request', async () => {
	await stopCase({ id: IDS.stopInput, docId: '   ', pattern: /document id|docId/i, requests: 0 });
});

test('the webhook secret is not in stored executions, the database files or any n8n output', () => {
	expectNoSecretStored(topic(), { executions: 4, marker: 'doc_bad_request' });
});
