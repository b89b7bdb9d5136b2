import {
	NodeApiError,
	NodeOperationError,
	updateDisplayOptions,
	type ICredentialDataDecryptedObject,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
	type JsonObject,
} from 'n8n-workflow';

import { deleteDocuments, pause, retryDelayMs, type DocumentResult } from '../../helpers/bulk';
import {
	isProblem,
	normalizeDocId,
	resolveConnection,
	type OneFlowConnection,
	type Problem,
} from '../../helpers/validation';
import { CREDENTIAL_TYPE, postDelete, type DeleteTarget } from '../../transport';
import { interpretAttempt, quoteDocId, type Failure } from '../../transport/errors';

const properties: INodeProperties[] = [
	{
		displayName:
			'Deleting is permanent: 1Flow removes the document, its extracted data, search index entries, reconciliation links and files',
		name: 'deleteNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Document ID',
		name: 'docId',
		type: 'string',
		required: true,
		default: '={{ $json.docId ?? $json.documentId ?? $json.body?.documentId }}',
		placeholder: 'e.g. doc_abc123xyz',
		description:
			'ID of the 1Flow document to delete. By default it is read from the incoming item\'s docId or documentId field, or from body.documentId when the item comes straight from a Webhook node receiving 1Flow\'s "document processed" callback.',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Concurrency',
				name: 'concurrency',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 50 },
				default: 5,
				description: 'Most delete requests in flight at once. Output order always follows input order.',
			},
			{
				displayName: 'Max Retries',
				name: 'maxRetries',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 10 },
				default: 3,
				description:
					'Further attempts per document after rate limiting (429), timeouts, server errors (5xx) and dropped connections. 400, 401 and 404 are never retried.',
			},
			{
				displayName: 'Timeout',
				name: 'timeout',
				type: 'number',
				typeOptions: { minValue: 1000, maxValue: 300000 },
				default: 30000,
				description: 'Milliseconds to wait for 1Flow to answer one attempt',
			},
			{
				displayName: 'Treat Not Found as Deleted',
				name: 'treatNotFoundAsDeleted',
				type: 'boolean',
				default: false,
				description:
					'Whether a document 1Flow does not know (404) counts as already deleted instead of an error. The webhook ID is checked first, since 1Flow also answers 404 for an unknown webhook.',
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['document'], operation: ['delete'] } },
	properties,
);

interface DeleteOptions {
	concurrency: number;
	maxRetries: number;
	timeout: number;
	treatNotFoundAsDeleted: boolean;
}

function clampInteger(value: unknown, min: number, max: number, fallback: number): number {
	const number = typeof value === 'number' && Number.isFinite(value) ? Math.round(value) : fallback;
	return Math.min(max, Math.max(min, number));
}

function readOptions(context: IExecuteFunctions): DeleteOptions {
	const options = context.getNodeParameter('options', 0, {}) as IDataObject;
	return {
		concurrency: clampInteger(options.concurrency, 1, 50, 5),
		maxRetries: clampInteger(options.maxRetries, 0, 10, 3),
		timeout: clampInteger(options.timeout, 1000, 300000, 30000),
		treatNotFoundAsDeleted: options.treatNotFoundAsDeleted === true,
	};
}

/** What the node reports for one input item. `cause` says where a failure came from. */
type FailedItem = { failure: Failure; docId: string | null; cause: 'input' | 'api' | 'notSent' };
type ItemOutcome = { json: IDataObject } | FailedItem;

function problemFailure(problem: Problem): Failure {
	return { message: problem.problem, description: problem.hint, httpCode: null };
}

function readDocIds(context: IExecuteFunctions, count: number): Array<string | Failure> {
	const docIds: Array<string | Failure> = [];
	for (let itemIndex = 0; itemIndex < count; itemIndex++) {
		try {
			const docId = normalizeDocId(context.getNodeParameter('docId', itemIndex));
			docIds.push(isProblem(docId) ? problemFailure(docId) : docId);
		} catch (error) {
			docIds.push({
				message: `The "Document ID" expression failed: ${(error as Error).message}`,
				description: 'Fix the expression in "Document ID" so it returns the 1Flow document ID of each item.',
				httpCode: null,
			});
		}
	}
	return docIds;
}

function successJson(result: Extract<DocumentResult, { status: 'deleted' }>): IDataObject {
	const json: IDataObject = {
		success: true,
		deleted: true,
		documentId: result.documentId,
		message: result.message,
	};
	if (result.confirmedByRetry) json.confirmedByRetry = true;
	return json;
}

function outcomeOf(result: DocumentResult, docId: string, treatNotFoundAsDeleted: boolean): ItemOutcome {
	switch (result.status) {
		case 'deleted':
			return { json: successJson(result) };
		case 'notFound':
			if (treatNotFoundAsDeleted) {
				return {
					json: {
						success: true,
						deleted: false,
						alreadyDeleted: true,
						documentId: docId,
						message: 'Document not found in 1Flow; counted as already deleted',
					},
				};
			}
			return { failure: result.failure, docId, cause: 'api' };
		case 'failed':
			return { failure: result.failure, docId, cause: 'api' };
		case 'notSent':
			return {
				failure: {
					message:
						result.reason === 'cancelled'
							? `Document ${quoteDocId(docId)} was not deleted: the execution was cancelled before its request was sent`
							: `Document ${quoteDocId(docId)} was not deleted: the node stopped at an earlier error`,
					description:
						'No request was sent for this document. Run the workflow again to delete it, or turn on "Continue" under On Error to process every item despite errors.',
					httpCode: null,
				},
				docId,
				cause: 'notSent',
			};
	}
}

const WEBHOOK_NOT_FOUND: Failure = {
	message: 'The webhook ID was not found in 1Flow',
	description:
		'The node checked the webhook before reading a 404 as "already deleted": 1Flow answered 404 Not Found for the webhook itself. Check Webhook ID (and Base URL) in the 1Flow API credential.',
	httpCode: 404,
};

const SECRET_REJECTED: Failure = {
	message: '1Flow rejected the webhook secret',
	description:
		'1Flow answered 401 Unauthorized when the node checked the webhook. Check Webhook Secret in the 1Flow API credential: it must match the secret configured for this webhook in 1Flow, or be empty if the webhook has none.',
	httpCode: 401,
};

/**
 * Confirms the webhook ID and secret before a 404 is read as "already deleted" (1Flow also
 * answers 404 for an unknown webhook). An empty docId is rejected with 400 once the webhook
 * and secret are right, and with 404/401 otherwise, without touching any document. Retried
 * like a delete; undefined means confirmed.
 */
async function checkWebhook(
	context: IExecuteFunctions,
	target: DeleteTarget,
	options: DeleteOptions,
	signal: AbortSignal | undefined,
): Promise<Failure | undefined> {
	for (let retry = 0; ; retry++) {
		const outcome = await postDelete(context, target, '', options.timeout);
		const status = outcome.kind === 'response' ? outcome.status : null;
		if (status === 400) return undefined;
		if (status === 404) return WEBHOOK_NOT_FOUND;
		if (status === 401) return SECRET_REJECTED;
		const verdict = interpretAttempt(outcome, { docId: '', deleteUrl: target.deleteUrl, secret: '', timeoutMs: options.timeout });
		if (verdict.type !== 'retry' || retry >= options.maxRetries || signal?.aborted) {
			return {
				message: 'Could not confirm the webhook ID with 1Flow',
				description: `The node checks the webhook before reading a 404 as "already deleted", and 1Flow's answer to that check was ${status === null ? 'lost' : `HTTP ${status}`}. Run the workflow again.`,
				httpCode: status,
			};
		}
		await pause(retryDelayMs(retry + 1, verdict.retryAfter, Date.now(), {}), () => signal?.aborted === true);
	}
}

function toNodeError(context: IExecuteFunctions, outcome: FailedItem, itemIndex: number, deletedBefore: number) {
	const { failure } = outcome;
	const description =
		deletedBefore > 0
			? `${failure.description} ${deletedBefore} other document(s) of this run were deleted before the node stopped.`
			: failure.description;
	if (outcome.cause === 'input') {
		return new NodeOperationError(context.getNode(), `${failure.message} (item ${itemIndex})`, { itemIndex, description });
	}
	return new NodeApiError(context.getNode(), (failure.apiBody ?? { message: failure.message }) as JsonObject, {
		message: failure.message,
		description,
		httpCode: failure.httpCode === null ? undefined : String(failure.httpCode),
		itemIndex,
	});
}

/** The error-output shape n8n routes and merges with the input item (see README). */
function errorItem(outcome: FailedItem, itemIndex: number): INodeExecutionData {
	return {
		json: {
			error: outcome.failure.message,
			details: {
				docId: outcome.docId,
				httpCode: outcome.failure.httpCode,
				description: outcome.failure.description,
			},
		},
		pairedItem: { item: itemIndex },
	};
}

/** Deletes each requested document once and says what happened to each. */
async function deleteRequested(
	context: IExecuteFunctions,
	connection: OneFlowConnection,
	credentialData: ICredentialDataDecryptedObject,
	requested: string[],
	options: DeleteOptions,
	continueOnFail: boolean,
): Promise<Map<string, DocumentResult>> {
	const { deleteUrl, secret } = connection;
	const reference = context.getNode().credentials?.[CREDENTIAL_TYPE];
	const target: DeleteTarget = {
		deleteUrl,
		credentials: { id: reference?.id ?? '', name: reference?.name ?? '', type: CREDENTIAL_TYPE, data: credentialData },
	};
	const signal = context.getExecutionCancelSignal();
	// At most one webhook check per run, shared by everything that needs it.
	let webhookCheck: Promise<Failure | undefined> | undefined;
	const checkWebhookOnce = async () => await (webhookCheck ??= checkWebhook(context, target, options, signal));

	const results = new Map<string, DocumentResult>();
	const webhookFailure = options.treatNotFoundAsDeleted && requested.length > 0 ? await checkWebhookOnce() : undefined;
	if (webhookFailure) {
		for (const docId of requested) results.set(docId, { status: 'failed', failure: webhookFailure });
		return results;
	}
	const settled = await deleteDocuments(
		requested,
		async (docId) => await postDelete(context, target, docId, options.timeout),
		(docId, outcome) => interpretAttempt(outcome, { docId, deleteUrl, secret, timeoutMs: options.timeout }),
		{
			concurrency: options.concurrency,
			maxRetries: options.maxRetries,
			stopOnFailure: !continueOnFail,
			treatNotFoundAsDeleted: options.treatNotFoundAsDeleted,
			checkWebhook: checkWebhookOnce,
			signal,
		},
	);
	requested.forEach((docId, index) => results.set(docId, settled[index]));
	return results;
}

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	const continueOnFail = this.continueOnFail();
	const options = readOptions(this);
	const outcomes: ItemOutcome[] = new Array(items.length);

	const credentialData = await this.getCredentials(CREDENTIAL_TYPE);
	const connection = resolveConnection(credentialData);
	const docIds = readDocIds(this, items.length);
	const inputFailure = isProblem(connection) ? problemFailure(connection) : undefined;

	// Bad input is reported before any request is sent.
	docIds.forEach((docId, itemIndex) => {
		if (inputFailure) {
			outcomes[itemIndex] = { failure: inputFailure, docId: typeof docId === 'string' ? docId : null, cause: 'input' };
		} else if (typeof docId !== 'string') {
			outcomes[itemIndex] = { failure: docId, docId: null, cause: 'input' };
		}
	});
	const firstBad = outcomes.findIndex((outcome) => outcome !== undefined);
	if (firstBad !== -1 && !continueOnFail) {
		throw toNodeError(this, outcomes[firstBad] as FailedItem, firstBad, 0);
	}

	if (!isProblem(connection)) {
		// Each document is deleted once, however many items ask for it.
		const requested = [...new Set(docIds.filter((docId, i): docId is string => typeof docId === 'string' && !outcomes[i]))];
		const results = await deleteRequested(this, connection, credentialData, requested, options, continueOnFail);
		docIds.forEach((docId, itemIndex) => {
			if (typeof docId === 'string' && !outcomes[itemIndex]) {
				outcomes[itemIndex] = outcomeOf(results.get(docId) as DocumentResult, docId, options.treatNotFoundAsDeleted);
			}
		});
	}

	const deleted = outcomes.filter((outcome) => 'json' in outcome && outcome.json.deleted === true).length;
	const notSent = outcomes.filter((outcome) => 'cause' in outcome && outcome.cause === 'notSent').length;
	const failed = outcomes.filter((outcome) => 'failure' in outcome).length - notSent;
	const summary = `1Flow delete: ${items.length} item(s), ${deleted} deleted, ${failed} failed, ${notSent} not sent`;
	const cancelled = this.getExecutionCancelSignal()?.aborted === true;
	// A stopped execution leaves the user guessing what was deleted: say it where admins look.
	if (cancelled) this.logger.warn(`${summary} (execution cancelled)`);
	else this.logger.debug(summary);

	// A cancelled run is not an error: n8n marks the execution cancelled and keeps these items,
	// which say per item what was deleted and what was not.
	if (!continueOnFail && !cancelled) {
		// The error that stopped the run; the documents it left out are not errors of their own.
		const thrown = outcomes.findIndex((outcome) => 'failure' in outcome && outcome.cause !== 'notSent');
		if (thrown !== -1) throw toNodeError(this, outcomes[thrown] as FailedItem, thrown, deleted);
	}
	return outcomes.map((outcome, itemIndex) =>
		'json' in outcome ? { json: outcome.json, pairedItem: { item: itemIndex } } : errorItem(outcome, itemIndex),
	);
}
