/**
 * Binary data of input items, through n8n-core's real BinaryDataService: in `default` mode
 * it travels in the item as base64; in `filesystem` mode it is written under the temporary
 * user folder and the item carries only its id, as on an n8n instance configured that way.
 */
import { join } from 'node:path';
import type { Readable } from 'node:stream';

import { Container } from '@n8n/di';
import { BinaryDataConfig, BinaryDataService } from 'n8n-core';
import type { IBinaryKeyData } from 'n8n-workflow';

import { userFolder } from './env';

export type BinaryDataMode = 'default' | 'filesystem';

/** One file of an input item: its bytes (a string is taken as UTF-8 text, a stream is stored as it flows) and what it is. */
export interface BinaryInput {
	data: Buffer | string | Readable;
	mimeType: string;
	fileName?: string;
}

let configuredMode: BinaryDataMode | undefined;

/** Sets the service up for `mode` as n8n does at start (again only when the mode changes). */
export async function useBinaryDataMode(mode: BinaryDataMode): Promise<void> {
	if (configuredMode === mode) return;
	const config = Container.get(BinaryDataConfig);
	config.mode = mode;
	config.localStoragePath = join(userFolder, 'binaryData');
	await Container.get(BinaryDataService).init();
	configuredMode = mode;
}

/** Stores an item's files for one execution, as a trigger or a Read File node would. */
export async function storeBinaries(
	files: Record<string, BinaryInput>,
	location: { workflowId: string; executionId: string },
): Promise<IBinaryKeyData> {
	const service = Container.get(BinaryDataService);
	const stored: IBinaryKeyData = {};
	for (const [property, file] of Object.entries(files)) {
		const bytes = typeof file.data === 'string' ? Buffer.from(file.data, 'utf8') : file.data;
		stored[property] = await service.store({ type: 'execution', ...location }, bytes, {
			data: '',
			mimeType: file.mimeType,
			fileName: file.fileName,
			fileExtension: file.fileName?.split('.').pop(),
		});
	}
	return stored;
}
