/**
 * Upload and Get in the real n8n: the e-mail attachment example (a binary file, waiting,
 * a sheet-like Set node, delete) in n8n's default binary-data mode and in filesystem mode,
 * and uploads by URL read back by Get in each output mode, paired back to their input items.
 */
import { createHash } from 'node:crypto';

import type { IBinaryData, IRun } from 'n8n-workflow';

import { sampleFile } from '../../testkit/emulator';
import { nodeOutput } from './support/run-data';
import { expectNoSecretStored } from './support/secrets';
import { suiteEnvironment } from './support/suite';
import { topicOfThisFile } from './support/topic';
import { IDS, node, readExample } from './support/workflows';

const { major } = suiteEnvironment();
const topic = topicOfThisFile('upload-get', []);
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** The attachment the example's first node carries, as bytes. */
function exampleAttachment(): Buffer {
	const json = JSON.parse(
		String(
			node(readExample('upload-attachment-wait-delete.json'), 'Sample e-mail attachment').parameters
				.jsonOutput,
		),
	) as { attachment: string };
	return Buffer.from(json.attachment, 'base64');
}

/** Runs the example and checks the whole chain; returns the uploaded file as n8n held it. */
async function runExample(env?: NodeJS.ProcessEnv): Promise<{ file: IBinaryData; run: IRun }> {
	const { emulator, setup } = topic();
	const uploadsBefore = emulator.uploads.length;
	const { code, run } = await topic().execute(IDS.uploadExample, env);
	expect(code).toBe(0);
	const file = nodeOutput(run, 'Attachment to file')[0].binary?.attachment_0 as IBinaryData;
	const attachment = exampleAttachment();
	const uploads = emulator.uploads.slice(uploadsBefore);
	expect(
		uploads.map((upload) => [
			upload.file.form,
			upload.file.fileName,
			upload.file.contentType,
			upload.file.size,
			upload.file.sha256,
		]),
	).toEqual([
		['multipart', 'invoice-INV-0001.pdf', 'application/pdf', attachment.length, sha256(attachment)],
	]);
	const { documentId } = uploads[0];
	expect(nodeOutput(run, 'Sheet row').map((item) => item.json)).toEqual([
		{
			'Received from': 'accounts@supplier.example',
			File: 'invoice-INV-0001.pdf',
			'1Flow document': documentId,
			Status: 'INDEXED',
			'Invoice number': expect.stringMatching(/^INV-/),
			Supplier: 'Emulated Supplier Ltd',
			'Invoice date': expect.stringMatching(/^\d{4}-\d\d-\d\d$/),
			Total: expect.any(Number),
			Currency: 'EUR',
			'Line items': 3,
		},
	]);
	expect(
		nodeOutput(run, 'Delete from 1Flow').map((item) => [item.json.documentId, item.json.deleted]),
	).toEqual([[documentId, true]]);
	expect([
		emulator.deleteCount(documentId),
		emulator.hasDocument(setup.webhookId, documentId),
	]).toEqual([1, false]);
	const endpoints = emulator.requests
		.filter((request) => request.createdDocumentId === documentId || request.docId === documentId)
		.map((request) => request.path.split('/').pop());
	expect(endpoints[0]).toBe('upload');
	expect(endpoints.slice(1, -1).every((endpoint) => endpoint === 'get')).toBe(true);
	expect(endpoints.at(-1)).toBe('delete');
	return { file, run };
}

const defaultModeName =
	major === 1
		? "example upload-attachment-wait-delete in n8n's default binary-data mode (1.x: in memory; see README)"
		: "example upload-attachment-wait-delete in n8n's default binary-data mode (2.x: filesystem)";

test(defaultModeName, async () => {
	const { file } = await runExample();
	if (major === 1) {
		// README, Compatibility: n8n 1.x keeps binary data in the execution (base64) by default.
		expect(file.id).toBeUndefined();
		expect(Buffer.from(file.data, 'base64')).toEqual(exampleAttachment());
	} else {
		expect(file.id).toMatch(/^filesystem(-v2)?:/);
	}
});

test("the same example with N8N_DEFAULT_BINARY_DATA_MODE=filesystem: the file is streamed from n8n's store", async () => {
	const { file } = await runExample({ N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem' });
	expect(file.id).toMatch(/^filesystem(-v2)?:/);
	expect(file.data).not.toBe(exampleAttachment().toString('base64'));
});

test('upload by URL with waiting, then Get simplified, one item per line item and raw: every item paired to its input', async () => {
	const { emulator } = topic();
	const uploadsBefore = emulator.uploads.length;
	const { code, run } = await topic().execute(IDS.uploadGet);
	expect(code).toBe(0);
	const uploads = emulator.uploads.slice(uploadsBefore);
	expect(uploads.map(({ file }) => [file.form, file.fileName, file.sha256])).toEqual(
		['invoice-1.pdf', 'invoice-2.pdf'].map((name) => [
			'url',
			name,
			sha256(sampleFile(name) as Buffer),
		]),
	);
	const [first, second] = uploads.map((upload) => upload.documentId);
	const uploaded = nodeOutput(run, 'Upload by URL');
	expect(
		uploaded.map((item) => [
			item.json.documentId,
			(item.json.status as { extractionStatus: string }).extractionStatus,
		]),
	).toEqual([
		[first, 'INDEXED'],
		[second, 'INDEXED'],
	]);
	expect(nodeOutput(run, 'Simplified rows').map((item) => item.json)).toEqual([
		{
			row: 1,
			documentId: first,
			status: 'INDEXED',
			invoiceNumber: expect.stringMatching(/^INV-/),
			lines: 3,
		},
		{
			row: 2,
			documentId: second,
			status: 'INDEXED',
			invoiceNumber: expect.stringMatching(/^INV-/),
			lines: 3,
		},
	]);
	expect(nodeOutput(run, 'Get line items').map((item) => item.pairedItem)).toEqual(
		[0, 0, 0, 1, 1, 1].map((item) => ({ item })),
	);
	// $('Links').item in the Set node after the split resolves through pairedItem to the right input.
	expect(
		nodeOutput(run, 'Line rows').map((item) => [
			item.json.row,
			item.json.documentId,
			item.json.lineNumber,
		]),
	).toEqual([
		[1, first, 1],
		[1, first, 2],
		[1, first, 3],
		[2, second, 1],
		[2, second, 2],
		[2, second, 3],
	]);
	const raw = nodeOutput(run, 'Get raw with schema');
	expect(
		raw.map((item) => [
			item.json.documentId,
			(item.json.schema as { docType?: string } | undefined)?.docType,
		]),
	).toEqual([
		[first, 'invoice'],
		[second, 'invoice'],
	]);
});

test('the webhook secret is not in stored executions, the database files or any n8n output', () => {
	expectNoSecretStored(topic(), { executions: 3, marker: 'invoice-INV-0001.pdf' });
});
