import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { readAnswer } from '../../helpers/answer';
import { runBulk, type Settled, type Step } from '../../helpers/bulk';
import { outputOption, shapeDocument, type OutputMode } from '../../shared/document';
import { optionsCollection, readOptions, requestOptionFields } from '../../helpers/options';
import { runOperation } from '../../helpers/run';
import { uploadAction } from '../../texts/actions';
import { quoteApiText } from '../../shared/quote';
import { noDocumentIdFailure } from '../../texts/answers';
import { endpointUrl, send, type Answer, type Session } from '../../transport';
import { includeSchemaOption } from './common';
import { readUpload, type Upload } from './uploadInput';
import { waitEndedFailure, waitUntilProcessed } from './wait';

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
		{
			displayName: 'Accept Extracted',
			name: 'acceptExtracted',
			type: 'boolean',
			default: false,
			displayOptions: whenWaiting,
			description:
				'Whether to stop waiting at EXTRACTED (fields ready) instead of INDEXED (also searchable)',
		},
		{
			displayName: 'Wait Timeout (Seconds)',
			name: 'waitTimeout',
			type: 'number',
			typeOptions: { minValue: 5, maxValue: 3600 },
			default: 300,
			displayOptions: whenWaiting,
			description:
				'Longest wait for one document; one that is not processed by then becomes an error naming its ID and last status',
		},
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
	/** Get's answer, once processed (Wait for Processing). */
	document?: IDataObject;
}

/** Answers after which 1Flow certainly did not create a document, so sending again is safe. */
function certainlyNotTaken(attempt: Answer): boolean {
	if (attempt.kind === 'network')
		return attempt.reason === 'refused' || attempt.reason === 'unreachable';
	return attempt.status === 429 || attempt.status === 503;
}

/** Uploads each item's file once (uploads are not idempotent), and optionally waits for its extraction. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const { options, request } = readOptions(this);
	const wait = this.getNodeParameter('waitForProcessing', 0, false) === true;
	const output = (options.output ?? 'simplified') as OutputMode;
	const waitSettings = {
		acceptExtracted: options.acceptExtracted === true,
		waitTimeoutMs: (typeof options.waitTimeout === 'number' ? options.waitTimeout : 300) * 1000,
		includeSchema: options.includeSchema === true,
		timeoutMs: request.timeout,
		maxRetries: request.maxRetries,
	};

	const attempt = async (session: Session, upload: Upload): Promise<Step<Uploaded>> => {
		const action = uploadAction(upload.subject);
		const attempted = await send(session, {
			method: 'POST',
			endpoint: 'upload',
			body: upload.body,
			timeoutMs: request.timeout,
		});
		const context = {
			url: endpointUrl(session.webhookUrl, 'upload'),
			secret: session.secret,
			timeoutMs: request.timeout,
		};
		const step = readAnswer(attempted, action, context);
		// Never resend a file 1Flow may have taken: that would create the document twice.
		if (step.type === 'retry' && !certainlyNotTaken(attempted))
			return { type: 'fail', failure: step.failure };
		if (step.type !== 'done') return step;
		const { documentId, message } = step.value;
		if (typeof documentId !== 'string' || documentId === '')
			return { type: 'fail', failure: noDocumentIdFailure(action) };
		return {
			type: 'done',
			value: {
				documentId,
				message:
					typeof message === 'string' ? quoteApiText(message, session.secret) : 'Document uploaded',
			},
		};
	};

	const finish = async (
		session: Session,
		done: Array<{ value: Uploaded }>,
	): Promise<Array<Settled<Uploaded>>> => {
		const uploads = done.map(({ value }) => value);
		const waits = await runBulk(
			uploads,
			async (uploaded, _answerLost, runStopped): Promise<Step<Uploaded>> => {
				const step = await waitUntilProcessed(
					session,
					uploaded.documentId,
					waitSettings,
					runStopped,
				);
				return step.type === 'done'
					? { type: 'done', value: { ...uploaded, document: step.value } }
					: step;
			},
			{
				...request,
				maxRetries: 0,
				stopOnFailure: !this.continueOnFail(),
				signal: this.getExecutionCancelSignal(),
				pacer: session.pacer,
			},
		);
		// A wait that never began still leaves an uploaded file: say so, never "no request was sent".
		return waits.map((wait, index) =>
			wait.status === 'notSent' && !wait.failure
				? { ...wait, failure: waitEndedFailure(uploads[index].documentId, wait.reason) }
				: wait,
		);
	};

	return await runOperation<Upload, Uploaded>(this, {
		words: { operation: 'upload', noun: 'file', done: 'uploaded' },
		request,
		readInput: async (itemIndex) => await readUpload(this, itemIndex),
		details: (upload) => upload?.describe ?? {},
		action: (upload) => uploadAction(upload.subject),
		attempt,
		finish: wait ? finish : undefined,
		success: ({ documentId, message, document }, upload) => {
			const binary = upload.keptBinary;
			const jsons = document
				? shapeDocument(document, documentId, output)
				: [{ success: true, documentId, message, ...upload.describe }];
			return { items: jsons.map((json) => (binary ? { json, binary } : { json })), done: true };
		},
	});
}
