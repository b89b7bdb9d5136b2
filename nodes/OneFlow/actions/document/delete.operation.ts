import {
	updateDisplayOptions,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import type { Outcome } from '../../helpers/loop';
import { optionsCollection, readOptions, requestOptionFields } from '../../helpers/options';
import { exchange } from '../../helpers/request';
import { runOperation } from '../../helpers/run';
import { confirmWebhook } from '../../helpers/webhookCheck';
import type { Failure } from '../../shared/failure';
import { quoteApiText } from '../../shared/quote';
import { DELETE } from '../../texts/actions';
import type { Session } from '../../transport';
import { docIdFields, docIdReader } from './common';

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
		{ subject: docId }: { subject: string },
		answerLost: boolean,
	): Promise<Outcome<Deleted>> => {
		// 1Flow also answers 404 for an unknown webhook: confirm it before any 404 reads as "deleted".
		const webhookFailure = treatNotFoundAsDeleted ? await checkWebhook(session) : undefined;
		if (webhookFailure) return { status: 'failed', failure: webhookFailure };
		const outcome = await exchange(
			session,
			{ method: 'POST', endpoint: 'delete', body: { json: { docId } } },
			() => DELETE.about(docId),
		);
		if (outcome.status === 'succeeded') {
			const { documentId, message } = outcome.value;
			return {
				status: 'succeeded',
				value: {
					documentId: typeof documentId === 'string' && documentId !== '' ? documentId : docId,
					message:
						typeof message === 'string'
							? quoteApiText(message, session.secret)
							: 'Document deleted',
				},
			};
		}
		if (outcome.status !== 'failed' || outcome.failure.httpCode !== 404) return outcome;
		if (answerLost) {
			// A lost answer, then 404: the lost attempt deleted it, unless the webhook itself is unknown.
			const failure = await checkWebhook(session);
			if (failure) return { status: 'failed', failure };
			const message =
				'Document deleted (the answer to an earlier attempt was lost; the retry found it gone)';
			return { status: 'succeeded', value: { documentId: docId, message, confirmedByRetry: true } };
		}
		if (!treatNotFoundAsDeleted) return outcome;
		const message = 'Document not found in 1Flow; counted as already deleted';
		return { status: 'succeeded', value: { documentId: docId, message, alreadyDeleted: true } };
	};

	return await runOperation(this, {
		texts: DELETE,
		request,
		read: docIdReader(this),
		attempt,
		output: ({ documentId, message, confirmedByRetry, alreadyDeleted }) => ({
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
			tookEffect: !alreadyDeleted,
		}),
	});
}
