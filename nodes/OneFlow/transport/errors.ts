import type { AttemptOutcome, NetworkFailure } from './index';

/** Why a document could not be reported deleted, in words a user (or an AI agent) can act on. */
export interface Failure {
	message: string;
	description: string;
	/** HTTP status of 1Flow's answer; null when there was none. */
	httpCode: number | null;
	/** 1Flow's own error body, when it sent one. */
	apiBody?: Record<string, unknown>;
}

/** How the node reads one attempt. */
export type Verdict =
	| { type: 'deleted'; documentId: string; message: string }
	| { type: 'notFound'; failure: Failure }
	| {
			type: 'retry';
			failure: Failure;
			/** The request may have reached 1Flow and been carried out, but its answer was lost (timeout, reset). */
			maybeCarriedOut: boolean;
			/** 429: every request of the run should pause, not only this one. */
			rateLimited: boolean;
			retryAfter?: string;
	  }
	| { type: 'fail'; failure: Failure };

const MAX_QUOTED_LENGTH = 300;
const MAX_DOC_ID_LENGTH = 100;

/** A docId as shown in messages: quoted, escaped, and short, whatever the input held. */
export function quoteDocId(docId: string): string {
	const shown = docId.length > MAX_DOC_ID_LENGTH ? `${docId.slice(0, MAX_DOC_ID_LENGTH)}…` : docId;
	return JSON.stringify(shown);
}

/** 1Flow's error text, shortened, with the secret cut out should a server ever echo it. */
export function quoteApiText(text: string, secret: string): string {
	let quoted = secret === '' ? text : text.split(secret).join('[redacted]');
	quoted = quoted.replace(/\s+/g, ' ').trim();
	return quoted.length > MAX_QUOTED_LENGTH ? `${quoted.slice(0, MAX_QUOTED_LENGTH)}…` : quoted;
}

function apiErrorText(body: unknown, secret: string): string | undefined {
	if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
		const { error, message } = body as { error?: unknown; message?: unknown };
		if (typeof error === 'string') return quoteApiText(error, secret);
		if (typeof message === 'string') return quoteApiText(message, secret);
	}
	return undefined;
}

function apiBodyOf(body: unknown, secret: string): Record<string, unknown> | undefined {
	const text = apiErrorText(body, secret);
	return text === undefined ? undefined : { error: text };
}

function originOf(location: string | undefined, base: string): string {
	if (!location) return 'an unnamed address';
	try {
		return new URL(location, base).origin;
	} catch {
		return 'an invalid address';
	}
}

const oneFlowSaid = (text: string | undefined) => (text ? ` 1Flow said: "${text}".` : '');

/** `docId` here is already quoted for display. */
function describeStatus(status: number, docId: string, body: unknown, secret: string): Failure {
	const text = apiErrorText(body, secret);
	const apiBody = apiBodyOf(body, secret);
	switch (status) {
		case 400:
			return {
				message: `1Flow rejected document ID ${docId}${text ? `: ${text}` : ''}`,
				description: `1Flow answered 400 Bad Request.${oneFlowSaid(text)} Check that "Document ID" holds a 1Flow document ID.`,
				httpCode: status,
				apiBody,
			};
		case 401:
			return {
				message: `1Flow rejected the webhook secret while deleting document ${docId}`,
				description: `1Flow answered 401 Unauthorized.${oneFlowSaid(text)} Check Webhook Secret in the 1Flow API credential: it must match the secret configured for this webhook in 1Flow, or be empty if the webhook has none.`,
				httpCode: status,
				apiBody,
			};
		case 404:
			return {
				message: `Document ${docId} was not found in 1Flow, or the webhook ID is wrong`,
				description: `1Flow answered 404 Not Found.${oneFlowSaid(text)} 1Flow gives this answer both for a document that does not exist (or was already deleted) and for an unknown webhook ID: check the document ID and Webhook ID in the 1Flow API credential. To count missing documents as deleted, turn on the option "Treat Not Found as Deleted".`,
				httpCode: status,
				apiBody,
			};
		case 429:
			return {
				message: `1Flow kept rate-limiting the delete of document ${docId} (HTTP 429)`,
				description: `1Flow asked the node to slow down on every attempt.${oneFlowSaid(text)} Lower "Concurrency" or raise "Max Retries" in the node's options.`,
				httpCode: status,
				apiBody,
			};
		default:
			if (status >= 500) {
				return {
					message: `1Flow failed with HTTP ${status} while deleting document ${docId}`,
					description: `1Flow had a server error, so the document may not be deleted.${oneFlowSaid(text)} Run the workflow again later; deleting an already deleted document is answered with 404.`,
					httpCode: status,
					apiBody,
				};
			}
			return {
				message: `1Flow refused to delete document ${docId} (HTTP ${status})`,
				description: `1Flow answered HTTP ${status}.${oneFlowSaid(text)}`,
				httpCode: status,
				apiBody,
			};
	}
}

const NETWORK_TEXT: Record<NetworkFailure, (docId: string, origin: string, timeoutMs: number) => Failure> = {
	timeout: (docId, origin, timeoutMs) => ({
		message: `No answer from 1Flow within ${timeoutMs} ms while deleting document ${docId}`,
		description: `The request to ${origin} timed out; the document may or may not be deleted. Raise "Timeout" in the node's options if 1Flow is slow, or run the workflow again: an already deleted document is answered with 404.`,
		httpCode: null,
	}),
	reset: (docId, origin) => ({
		message: `The connection to 1Flow dropped while deleting document ${docId}`,
		description: `${origin} closed the connection without an answer; the document may or may not be deleted. Run the workflow again: an already deleted document is answered with 404.`,
		httpCode: null,
	}),
	refused: (docId, origin) => ({
		message: `Could not connect to 1Flow at ${origin} to delete document ${docId}`,
		description: 'The connection was refused. Check Base URL in the 1Flow API credential and that 1Flow is reachable from n8n.',
		httpCode: null,
	}),
	unreachable: (docId, origin) => ({
		message: `Could not reach 1Flow at ${origin} to delete document ${docId}`,
		description: 'The host name could not be resolved or reached. Check Base URL in the 1Flow API credential and the network of the n8n server.',
		httpCode: null,
	}),
	cancelled: (docId) => ({
		message: `The execution was cancelled while deleting document ${docId}`,
		description: 'The request was already sent, so the document may or may not be deleted.',
		httpCode: null,
	}),
	other: (docId, origin) => ({
		message: `The request to delete document ${docId} failed before 1Flow answered`,
		description: `Sending to ${origin} failed. Check Base URL in the 1Flow API credential and the network of the n8n server.`,
		httpCode: null,
	}),
};

function isRetryableStatus(status: number): boolean {
	return status === 408 || status === 429 || (status >= 500 && status !== 501);
}

/**
 * Reads one attempt. Only 1Flow's `200` with `success: true` counts as deleted; 400, 401 and 404
 * are never retried; answers that might mean "carried out, answer lost" are flagged so that a
 * 404 on the retry can be read as "deleted by the earlier attempt".
 */
export function interpretAttempt(
	outcome: AttemptOutcome,
	context: { docId: string; deleteUrl: string; secret: string; timeoutMs: number },
): Verdict {
	const { deleteUrl, secret, timeoutMs } = context;
	const docId = quoteDocId(context.docId);
	if (outcome.kind === 'network') {
		const failure = NETWORK_TEXT[outcome.reason](docId, originOf(deleteUrl, deleteUrl), timeoutMs);
		if (outcome.reason === 'cancelled') return { type: 'fail', failure };
		return {
			type: 'retry',
			failure,
			maybeCarriedOut: outcome.reason === 'timeout' || outcome.reason === 'reset',
			rateLimited: false,
		};
	}

	const { status, body } = outcome;
	if (status >= 200 && status < 300) {
		const answer = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : undefined;
		if (answer?.success === true) {
			const documentId =
				typeof answer.documentId === 'string' && answer.documentId !== '' ? answer.documentId : context.docId;
			const message = typeof answer.message === 'string' ? quoteApiText(answer.message, secret) : 'Document deleted';
			return { type: 'deleted', documentId, message };
		}
		return {
			type: 'fail',
			failure: {
				message: `1Flow's answer did not confirm the delete of document ${docId}`,
				description: `1Flow answered HTTP ${status} but ${answer ? 'without "success": true' : 'with a body that is not JSON'}, so the document is not reported deleted. Check in 1Flow whether it still exists.`,
				httpCode: status,
			},
		};
	}
	if (status >= 300 && status < 400) {
		return {
			type: 'fail',
			failure: {
				message: `1Flow answered with a redirect (HTTP ${status}) instead of deleting document ${docId}`,
				description: `The redirect points to ${originOf(outcome.location, deleteUrl)}. The node does not follow redirects, so the webhook secret is never sent to another address. Check Base URL in the 1Flow API credential (for example https:// instead of http://, or a new host name).`,
				httpCode: status,
			},
		};
	}

	const failure = describeStatus(status, docId, body, secret);
	if (status === 404) return { type: 'notFound', failure };
	if (isRetryableStatus(status)) {
		return {
			type: 'retry',
			failure,
			maybeCarriedOut: false,
			rateLimited: status === 429,
			retryAfter: outcome.retryAfter,
		};
	}
	return { type: 'fail', failure };
}
