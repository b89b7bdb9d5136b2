import {
	updateDisplayOptions,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { readAnswer } from '../../helpers/answer';
import type { Step } from '../../helpers/bulk';
import type { Failure } from '../../shared/failure';
import { quoteApiText } from '../../shared/quote';
import { optionsCollection, readOptions, requestOptionFields } from '../../helpers/options';
import { runOperation } from '../../helpers/run';
import { confirmWebhook } from '../../helpers/webhookCheck';
import { deleteAction } from '../../texts/actions';
import { endpointUrl, send, type Session } from '../../transport';
import { byDocumentId, docIdFields } from './common';

const properties: INodeProperties[] = [
	{
		displayName:
			'Deleting is permanent: 1Flow removes the document, its extracted data, search index entries, reconciliation links and files',
		name: 'deleteNotice',
		type: 'notice',
		default: '',
	},
	...docIdFields('delete'),
	optionsCollection([
		...requestOptionFields({
			requests: 'delete requests',
			retried:
				'Further attempts per document after timeouts, server errors (5xx) and dropped connections. 400, 401 and 404 are never retried; 429 (too many requests) is waited out instead, see Max Rate-Limit Wait.',
		}),
		{
			displayName: 'Treat Not Found as Deleted',
			name: 'treatNotFoundAsDeleted',
			type: 'boolean',
			default: false,
			description:
				'Whether a document 1Flow does not know (404) counts as already deleted instead of an error. The webhook ID is checked first, since 1Flow also answers 404 for an unknown webhook.',
		},
	]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['document'], operation: ['delete'] } },
	properties,
);

interface Deleted {
	documentId: string;
	message: string;
	/** The answer to an earlier attempt was lost and a retry found the document gone. */
	confirmedByRetry?: true;
	/** 1Flow did not know the document and the user counts that as deleted. */
	alreadyDeleted?: true;
}

/** Deletes each document once, however many items name it, and says what became of each item. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const { options, request } = readOptions(this);
	const treatNotFoundAsDeleted = options.treatNotFoundAsDeleted === true;
	// At most one webhook check per run, shared by everything that needs it.
	let webhookChecked: Promise<Failure | undefined> | undefined;
	const checkWebhook = async (session: Session) =>
		await (webhookChecked ??= confirmWebhook(session, request));

	const attempt = async (
		session: Session,
		docId: string,
		answerLost: boolean,
	): Promise<Step<Deleted>> => {
		const action = deleteAction(docId);
		const attempted = await send(session, {
			method: 'POST',
			endpoint: 'delete',
			body: { json: { docId } },
			timeoutMs: request.timeout,
		});
		const url = endpointUrl(session.webhookUrl, 'delete');
		const step = readAnswer(attempted, action, {
			url,
			secret: session.secret,
			timeoutMs: request.timeout,
		});
		if (step.type === 'done') {
			const { documentId, message } = step.value;
			return {
				type: 'done',
				value: {
					documentId: typeof documentId === 'string' && documentId !== '' ? documentId : docId,
					message:
						typeof message === 'string'
							? quoteApiText(message, session.secret)
							: 'Document deleted',
				},
			};
		}
		if (step.type !== 'fail' || step.failure.httpCode !== 404) return step;
		if (answerLost) {
			// A lost answer, then 404: the lost attempt deleted it, unless the webhook itself is unknown.
			const webhookFailure = await checkWebhook(session);
			if (webhookFailure) return { type: 'fail', failure: webhookFailure };
			const message =
				'Document deleted (the answer to an earlier attempt was lost; the retry found it gone)';
			return { type: 'done', value: { documentId: docId, message, confirmedByRetry: true } };
		}
		if (!treatNotFoundAsDeleted) return step;
		const message = 'Document not found in 1Flow; counted as already deleted';
		return { type: 'done', value: { documentId: docId, message, alreadyDeleted: true } };
	};

	return await runOperation<string, Deleted>(this, {
		words: { operation: 'delete', noun: 'document', done: 'deleted' },
		request,
		...byDocumentId(this),
		action: deleteAction,
		// 1Flow also answers 404 for an unknown webhook: confirm it before any 404 reads as "deleted".
		prepare: async (session) => (treatNotFoundAsDeleted ? await checkWebhook(session) : undefined),
		attempt,
		success: ({ documentId, message, confirmedByRetry, alreadyDeleted }) => ({
			items: [
				{
					json: alreadyDeleted
						? { success: true, deleted: false, alreadyDeleted, documentId, message }
						: {
								success: true,
								deleted: true,
								documentId,
								message,
								...(confirmedByRetry && { confirmedByRetry }),
							},
				},
			],
			done: !alreadyDeleted,
		}),
	});
}
