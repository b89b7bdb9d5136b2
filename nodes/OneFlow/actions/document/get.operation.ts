import {
	updateDisplayOptions,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { optionsCollection, readOptions, requestOptionFields } from '../../helpers/options';
import { runOperation } from '../../helpers/run';
import { outputOption, type OutputMode } from '../../shared/document';
import { GET } from '../../texts/actions';
import { asOutput, docIdFields, docIdReader, fetchDocument, includeSchemaOption } from './common';

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

	return await runOperation(this, {
		texts: GET,
		request,
		read: docIdReader(this),
		attempt: async (session, { subject }) => {
			const read = await fetchDocument(session, subject, includeSchema);
			return read.status === 'succeeded' ? asOutput(read.value, subject, output) : read;
		},
		output: (jsons) => ({ items: jsons.map((json) => ({ json })), tookEffect: true }),
	});
}
