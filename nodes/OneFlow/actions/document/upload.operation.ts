import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import type { Outcome } from '../../helpers/loop';
import { optionsCollection, readOptions, requestOptionFields } from '../../helpers/options';
import { exchange } from '../../helpers/request';
import { runOperation } from '../../helpers/run';
import { outputOption } from '../../shared/document';
import { quoteApiText } from '../../shared/quote';
import { UPLOAD } from '../../texts/actions';
import { noDocumentIdFailure } from '../../texts/answers';
import type { Session } from '../../transport';
import { includeSchemaOption } from './common';
import { readUpload, type Upload } from './uploadInput';
import { readWaitSettings, waitOptionFields, waitUntilProcessed } from './wait';

const whenWaiting = { show: { '/waitForProcessing': [true] } };

const properties: INodeProperties[] = [
	{
		displayName: 'File Source',
		name: 'inputType',
		type: 'options',
		default: 'binary',
		options: [
			{
				name: 'Binary File',
				value: 'binary',
				description: 'A file from an earlier node: an email attachment, a download, a form upload',
			},
			{
				name: 'URL',
				value: 'url',
				description: '1Flow downloads the file from this address itself',
			},
		],
	},
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		required: true,
		default: 'data',
		displayOptions: { show: { inputType: ['binary'] } },
		hint: 'The name of the input binary field containing the file to upload',
	},
	{
		displayName: 'File URL',
		name: 'url',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. https://example.com/invoice.pdf',
		displayOptions: { show: { inputType: ['url'] } },
		description: 'Public http:// or https:// address of the file',
	},
	{
		displayName: 'Wait for Processing',
		name: 'waitForProcessing',
		type: 'boolean',
		default: false,
		description:
			'Whether to wait until 1Flow has extracted the document, and output it as the Get operation does',
	},
	optionsCollection([
		{
			displayName: 'File Name',
			name: 'fileName',
			type: 'string',
			default: '',
			description: "Name sent to 1Flow instead of the file's own",
		},
		{
			displayName: 'Content Type',
			name: 'contentType',
			type: 'string',
			default: '',
			placeholder: 'e.g. application/pdf',
			description: "MIME type sent to 1Flow instead of the file's own",
		},
		{
			displayName: 'Keep Binary Data',
			name: 'keepBinaryData',
			type: 'boolean',
			default: false,
			displayOptions: { show: { '/inputType': ['binary'] } },
			description:
				'Whether to pass the uploaded file on to the next node (by default the output carries only its name and size)',
		},
		{ ...outputOption, displayOptions: whenWaiting },
		{ ...includeSchemaOption, displayOptions: whenWaiting },
		...waitOptionFields,
		...requestOptionFields({
			requests: 'uploads',
			retried:
				'Further attempts per file, only when 1Flow certainly did not take it: 503 and refused connections (429 is waited out, see Max Rate-Limit Wait). After a timeout, a dropped connection or another server error the file may already be a document, so it is not sent again.',
		}),
	]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['document'], operation: ['upload'] } },
	properties,
);

interface Uploaded {
	documentId: string;
	message: string;
	/** The document as Output shapes it, once processed (Wait for Processing). */
	document?: IDataObject[];
}

/** Uploads each item's file once (uploads are not idempotent), and optionally waits for its extraction. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const { options, request } = readOptions(this);
	const wait = this.getNodeParameter('waitForProcessing', 0, false) === true;
	const waitSettings = readWaitSettings(options);

	const attempt = async (session: Session, upload: Upload): Promise<Outcome<Uploaded>> => {
		const about = () => UPLOAD.about(upload.subject);
		// Not idempotent: a file 1Flow may have taken is never sent again, or it would exist twice.
		const request = { method: 'POST', endpoint: 'upload', body: upload.body } as const;
		const outcome = await exchange(session, request, about, false);
		if (outcome.status !== 'succeeded') return outcome;
		const { documentId, message } = outcome.value;
		if (typeof documentId !== 'string' || documentId === '')
			return { status: 'failed', failure: noDocumentIdFailure(about()) };
		const said = typeof message === 'string' ? quoteApiText(message, session.secret) : undefined;
		return { status: 'succeeded', value: { documentId, message: said ?? 'Document uploaded' } };
	};

	const finish = async (
		session: Session,
		succeeded: Array<{ value: Uploaded }>,
	): Promise<Array<Outcome<Uploaded>>> => {
		const uploads = succeeded.map(({ value }) => value);
		const documentIds = uploads.map(({ documentId }) => documentId);
		const waits = await waitUntilProcessed(session, request, documentIds, waitSettings);
		return waits.map((outcome, index) =>
			outcome.status === 'succeeded'
				? { status: 'succeeded', value: { ...uploads[index], document: outcome.value } }
				: outcome,
		);
	};

	return await runOperation(this, {
		texts: UPLOAD,
		request,
		read: async (itemIndex) => await readUpload(this, itemIndex),
		attempt,
		finish: wait ? finish : undefined,
		output: ({ documentId, message, document }, upload) => {
			const binary = upload.keptBinary;
			const jsons = document ?? [{ success: true, documentId, message, ...upload.details }];
			return {
				items: jsons.map((json) => (binary ? { json, binary } : { json })),
				tookEffect: true,
			};
		},
	});
}
