/** The example workflows run headless in the real n8n: bulk delete with a report, the callback flow. */
import { nodeOutput } from './support/run-data';
import { expectNoSecretStored } from './support/secrets';
import { suiteEnvironment } from './support/suite';
import { REJECTS_DOC_BAD_REQUEST, topicOfThisFile } from './support/topic';
import { IDS } from './support/workflows';

const { major } = suiteEnvironment();
const topic = topicOfThisFile('examples', ['doc_b1', 'doc_b2', 'doc_a1'], REJECTS_DOC_BAD_REQUEST);

const bulkName =
	major === 1
		? 'example bulk-delete-with-report: deletes documents; on 1.x failures stay on the success output (see README)'
		: 'example bulk-delete-with-report: deletes documents and reports failures (error output)';

test(bulkName, async () => {
	const { emulator, setup } = topic();
	const { code, run } = await topic().execute(IDS.bulk);
	expect(code).toBe(0);
	const deleted = nodeOutput(run, 'Deleted');
	expect([emulator.deleteCount('doc_b1'), emulator.deleteCount('doc_b2')]).toEqual([1, 1]);
	if (major === 1) {
		// README, Compatibility: n8n 1.x routes only {error}/{error, message} items to the error
		// output, so the failure items (which also carry details) stay on the success output.
		const failuresOnSuccess = deleted.filter((item) => typeof item.json.error === 'string');
		expect(
			failuresOnSuccess.map((item) => [
				(item.json.details as { docId: string }).docId,
				(item.json.details as { httpCode: number }).httpCode,
			]),
		).toEqual([
			['doc_missing_b', 404],
			['doc_bad_request', 400],
		]);
		expect(
			deleted.filter((item) => item.json.deleted === true).map((item) => item.json.documentId),
		).toEqual(['doc_b1', 'doc_b2']);
		expect(nodeOutput(run, 'Failure report')).toHaveLength(0);
		return;
	}
	expect(deleted.map((item) => item.json.documentId)).toEqual(['doc_b1', 'doc_b2']);
	expect(deleted.every((item) => item.json.deleted === true)).toBe(true);
	const report = nodeOutput(run, 'Failure report');
	expect(report).toHaveLength(1);
	expect(report[0].json.failedCount).toBe(2);
	const failures = report[0].json.failures as Array<{
		docId: string;
		httpCode: number;
		error: unknown;
	}>;
	expect(failures.map((failure) => [failure.docId, failure.httpCode])).toEqual([
		['doc_missing_b', 404],
		['doc_bad_request', 400],
	]);
	expect(
		failures.every((failure) => typeof failure.error === 'string' && failure.error.length > 0),
	).toBe(true);
	expect(
		emulator.hasDocument(setup.webhookId, 'doc_b1') ||
			emulator.hasDocument(setup.webhookId, 'doc_b2'),
	).toBe(false);
	// 400 is not retried.
	expect(topic().requestsFor('doc_bad_request')).toHaveLength(1);
});

test('example delete-after-processing: the document.ready callback deletes documentId (replayed)', async () => {
	const { code, run } = await topic().execute(IDS.callback);
	expect(code).toBe(0);
	expect(
		nodeOutput(run, 'Delete document').map((item) => [item.json.documentId, item.json.deleted]),
	).toEqual([['doc_a1', true]]);
	expect(topic().emulator.deleteCount('doc_a1')).toBe(1);
});

test('the webhook secret is not in stored executions, the database files or any n8n output', () => {
	expectNoSecretStored(topic(), { executions: 2, marker: 'doc_b1' });
});
