/**
 * The set-up the bulk delete tests of concurrency, retries and one delete per document share:
 * emulators holding the documents a test deletes, the run (items `{ docId, row }`, up to 3
 * retries unless the options say otherwise) and what the tests read back.
 */
import type { INodeExecutionData } from 'n8n-workflow';

import type { FaultConfig, OneFlowEmulator, RecordedRequest } from '../../testkit/emulator';
import type { RunNodeResult } from '../../testkit/engine';
import {
	SECRET,
	WEBHOOK_ID,
	emulatorsPerTest,
	runOneFlow,
	type RunSettings,
} from './one-flow-node';

/** Emulators started through the returned function hold `documents` and are stopped after each test. */
export function bulkEmulatorsPerTest(): (
	documents: string[],
	faults?: FaultConfig,
	extraWebhooks?: Array<{ id: string; secret: string }>,
) => Promise<OneFlowEmulator> {
	const startEmulators = emulatorsPerTest();
	return (documents, faults, extraWebhooks = []) =>
		startEmulators({
			webhooks: [
				{ id: WEBHOOK_ID, secret: SECRET, documents },
				...extraWebhooks.map((webhook) => ({ ...webhook, documents })),
			],
			faults,
		});
}

/** Deletes docIds (items `{ docId, row }`) with up to 3 retries unless the options say otherwise. */
export async function runDeletes(
	emulator: OneFlowEmulator,
	{ docIds, options, ...settings }: RunSettings & { docIds: string[] },
): Promise<RunNodeResult> {
	return await runOneFlow(
		emulator,
		docIds.map((docId, row) => ({ docId, row })),
		{
			...settings,
			parameters: { docId: '={{ $json.docId ?? $json.documentId }}' },
			options: { maxRetries: 3, ...options },
		},
	);
}

export function requestsFor(emulator: OneFlowEmulator, docId: string): RecordedRequest[] {
	return emulator.requests.filter((request) => request.docId === docId);
}

export function successIds(items: INodeExecutionData[]): unknown[] {
	return items.map((item) => item.json.documentId);
}

export function pairedItems(count: number) {
	return Array.from({ length: count }, (_, item) => ({ item }));
}
