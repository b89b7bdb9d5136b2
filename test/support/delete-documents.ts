/** The emulator the node's Delete tests start, and how they read the output's pairing. */
import type { INodeExecutionData } from 'n8n-workflow';

import type { EmulatorOptions } from '../../testkit/emulator';
import { SECRET, WEBHOOK_ID } from './one-flow-node';

export const DOCS = ['doc_a', 'doc_b', 'doc_c', 'doc_d', 'doc_e', '42'];

/** WEBHOOK_ID holding DOCS, and "wh_open", a webhook without a secret; then the test's options. */
export function deleteEmulatorOptions(options: EmulatorOptions = {}): EmulatorOptions {
	return {
		webhooks: [
			{ id: WEBHOOK_ID, secret: SECRET, documents: DOCS },
			{ id: 'wh_open', documents: ['open_1'] },
		],
		...options,
	};
}

export const pairedIndexes = (items: INodeExecutionData[]) =>
	items.map((item) => (item.pairedItem as { item: number }).item);
