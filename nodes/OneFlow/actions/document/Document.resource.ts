import type { INodeProperties } from 'n8n-workflow';

import * as deleteDocument from './delete.operation';

/** Each operation's execute(), by its value. */
export const operations = { delete: deleteDocument.execute };

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
		],
		default: 'delete',
	},
	...deleteDocument.description,
];
