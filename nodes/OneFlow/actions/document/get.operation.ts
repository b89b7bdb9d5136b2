import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { outputOption, shapeDocument, type OutputMode } from '../../shared/document';
import { optionsCollection, readOptions, requestOptionFields } from '../../helpers/options';
import { runOperation } from '../../helpers/run';
import { getAction } from '../../texts/actions';
import { byDocumentId, docIdFields, fetchDocument, includeSchemaOption } from './common';

const properties: INodeProperties[] = [
	...docIdFields('read'),
	optionsCollection([
		outputOption,
		includeSchemaOption,
		...requestOptionFields({
			requests: 'requests',
			retried:
				'Further attempts per document after timeouts, server errors (5xx) and dropped connections: reading changes nothing in 1Flow, so every such answer is retried; 400, 401 and 404 are not, and 429 is waited out (Max Rate-Limit Wait).',
		}),
	]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['document'], operation: ['get'] } },
	properties,
);

/**
 * Reads each document once, however many items name it. A document that is not extracted yet
 * is not an error: its item says its status.
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const { options, request } = readOptions(this);
	const output = (options.output ?? 'simplified') as OutputMode;
	const includeSchema = options.includeSchema === true;

	return await runOperation<string, IDataObject>(this, {
		words: { operation: 'get', noun: 'document', done: 'read' },
		request,
		...byDocumentId(this),
		action: getAction,
		attempt: async (session, docId) =>
			await fetchDocument(session, docId, { includeSchema, timeoutMs: request.timeout }),
		success: (answer, docId) => ({
			items: shapeDocument(answer, docId, output).map((json) => ({ json })),
			done: true,
		}),
	});
}
