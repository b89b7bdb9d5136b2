/**
 * Part 1 of `npm run demo`: one invoice through the 1Flow node against the emulator, each step
 * a node run in n8n's engine fed with the previous step's output, as in a workflow:
 * Upload (binary, filesystem mode, Wait for Processing) → Get (one item per line item) → Delete.
 */
import type { INodeExecutionData } from 'n8n-workflow';

import { DEMO_WEBHOOK, sampleFile, type OneFlowEmulator } from '../testkit/emulator';
import {
	runNode,
	type CredentialData,
	type InputItem,
	type OnErrorSetting,
} from '../testkit/engine';

async function oneFlow(
	credentials: CredentialData,
	parameters: Record<string, unknown>,
	items: InputItem[],
	onError?: OnErrorSetting,
): Promise<INodeExecutionData[]> {
	const result = await runNode({
		node: 'oneFlow',
		credentials: { oneFlowApi: credentials },
		parameters: { resource: 'document', ...parameters },
		items,
		onError,
		binaryDataMode: 'filesystem',
	});
	if (result.error && onError === undefined) throw result.error;
	return result.main;
}

const show = (json: unknown) => console.log(`   ${JSON.stringify(json)}`);

export async function uploadGetDelete(
	emulator: OneFlowEmulator,
	credentials: CredentialData,
): Promise<void> {
	const file = sampleFile('invoice-2026-001.pdf') as Buffer;
	console.log('== 1. Upload → Get → Delete ==');

	console.log(
		`1) Upload "invoice-2026-001.pdf" (${file.length} bytes, binary field "data"), Wait for Processing on`,
	);
	const started = Date.now();
	const [uploaded] = await oneFlow(credentials, { operation: 'upload', waitForProcessing: true }, [
		{
			json: { from: 'accounts@supplier.example' },
			binary: {
				data: { data: file, mimeType: 'application/pdf', fileName: 'invoice-2026-001.pdf' },
			},
		},
	]);
	const { documentId, status, invoiceNumber, supplierName, totalAmount, currency } = uploaded.json;
	console.log(
		`   1Flow took it as ${String(documentId)}; ${status} after ${((Date.now() - started) / 1000).toFixed(1)} s of waiting (PENDING → PARTIAL → EXTRACTED → INDEXED):`,
	);
	show({
		documentId,
		status,
		invoiceNumber,
		supplierName,
		totalAmount,
		currency,
		lineItems: (uploaded.json.lineItems as unknown[]).length,
	});

	console.log(
		'2) Get it with Output "One Item per Line Item": one item per line, each paired with the input item',
	);
	const lines = await oneFlow(credentials, { operation: 'get', options: { output: 'lineItems' } }, [
		{ json: uploaded.json },
	]);
	for (const line of lines)
		show({
			lineNumber: line.json.lineNumber,
			description: line.json.description,
			quantity: line.json.quantity,
			amount: line.json.amount,
			pairedItem: line.pairedItem,
		});

	console.log('3) Delete it, then Get it again (On Error: Continue)');
	const [deleted] = await oneFlow(credentials, { operation: 'delete' }, [{ json: uploaded.json }]);
	show(deleted.json);
	const [gone] = await oneFlow(
		credentials,
		{ operation: 'get' },
		[{ json: uploaded.json }],
		'continueRegularOutput',
	);
	show({ error: gone.json.error });

	const [upload] = emulator.uploads;
	console.log(
		`The emulator received the file once (${upload.file.size} bytes, multipart field "file") and holds ${emulator.hasDocument(DEMO_WEBHOOK.id, String(documentId)) ? 'it still' : 'nothing of it any more'}.`,
	);
}
