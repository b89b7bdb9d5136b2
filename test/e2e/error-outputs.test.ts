/**
 * On Error "continue": failures on the error output reach a following node with their
 * pairing, the regular output keeps them in order, and "Treat Not Found as Deleted" holds.
 */
import { nodeOutput } from './support/run-data';
import { expectNoSecretStored } from './support/secrets';
import { suiteEnvironment } from './support/suite';
import { topicOfThisFile } from './support/topic';
import { IDS } from './support/workflows';

const { major } = suiteEnvironment();
const topic = topicOfThisFile('error-outputs', ['doc_err_ok', 'doc_err_ok2', 'doc_reg_ok']);

const name =
	major === 1
		? 'continue (using error output): on 1.x failures stay on the success output, in order (see README)'
		: 'continue (using error output): failures reach a following node with pairedItem; regular output; not found as deleted';

test(name, async () => {
	const { emulator } = topic();
	const { code, run } = await topic().execute(IDS.errorOutputs);
	expect(code).toBe(0);
	expect([
		emulator.deleteCount('doc_err_ok'),
		emulator.deleteCount('doc_err_ok2'),
		emulator.deleteCount('doc_reg_ok'),
	]).toEqual([1, 1, 1]);
	const docIdOf = (json: Record<string, unknown>) =>
		json.documentId ?? (json.details as { docId?: string } | undefined)?.docId;
	if (major === 1) {
		// README, Compatibility: on n8n 1.x the failure item stays on the success output.
		const onSuccess = nodeOutput(run, 'Deleted');
		expect(onSuccess.map((item) => docIdOf(item.json))).toEqual([
			'doc_err_ok',
			'doc_err_missing',
			'doc_err_ok2',
		]);
		expect((onSuccess[1]?.json.details as { httpCode?: number } | undefined)?.httpCode).toBe(404);
		expect(nodeOutput(run, 'Delete (error output)', 1)).toHaveLength(0);
		return;
	}
	// Error output and pairedItem through a Set node that uses $('Documents').item.
	expect(nodeOutput(run, 'Deleted').map((item) => item.json.documentId)).toEqual([
		'doc_err_ok',
		'doc_err_ok2',
	]);
	const errorOut = nodeOutput(run, 'Delete (error output)', 1);
	expect(errorOut).toHaveLength(1);
	expect(errorOut[0].pairedItem).toEqual({ item: 1 });
	// The input field docId is kept on the error item.
	expect(errorOut[0].json.docId).toBe('doc_err_missing');
	expect(errorOut[0].json.error).toEqual(expect.stringMatching(/.+/));
	// Failed node: [details.docId, $("Documents").item docId, httpCode]
	expect(
		nodeOutput(run, 'Failed').map((item) => [
			item.json.failedDocId,
			item.json.sourceDocId,
			item.json.httpCode,
		]),
	).toEqual([['doc_err_missing', 'doc_err_missing', 404]]);
	// Continue (regular output), paired back to the inputs.
	const all = nodeOutput(run, 'All results');
	expect(all.map((item) => item.json.sourceDocId)).toEqual(['doc_reg_ok', 'doc_reg_missing']);
	expect(all[0].json.deleted).toBe(true);
	expect(typeof all[1].json.error).toBe('string');
	// Treat Not Found as Deleted.
	const gone = nodeOutput(run, 'Delete (not found counts as deleted)');
	expect(
		gone.map((item) => [item.json.documentId, item.json.success, item.json.alreadyDeleted]),
	).toEqual([['doc_already_gone', true, true]]);
});

test('the webhook secret is not in stored executions, the database files or any n8n output', () => {
	expectNoSecretStored(topic(), { executions: 1, marker: 'doc_err_ok' });
});
