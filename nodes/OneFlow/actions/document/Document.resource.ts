import type { INodeProperties } from 'n8n-workflow';

import * as deleteDocument from './delete.operation';
import * as getDocument from './get.operation';
import * as uploadDocument from './upload.operation';

/** Each operation's execute(), by its value. */
export const operations = {
	upload: uploadDocument.execute,
	get: getDocument.execute,
	delete: deleteDocument.execute,
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['document'] } },
		options: [
			{
				name: 'Delete',
				value: 'delete',
				description: 'Permanently delete a document and everything derived from it',
				action: 'Delete a document',
			},
			{
				name: 'Get',
				value: 'get',
				description: "Read a document's status, extracted fields and line items",
				action: 'Get a document',
			},
			{
				name: 'Upload',
				value: 'upload',
				description:
					'Send a file (or a URL) to 1Flow for processing, optionally waiting for its extraction',
				action: 'Upload a document',
			},
		],
		// Reading is safe: n8n stores only parameters that differ from their default, so a new node
		// without an operation must never be one that deletes.
		default: 'get',
	},
	...uploadDocument.description,
	...getDocument.description,
	...deleteDocument.description,
];
