/**
 * Every user-facing text about 1Flow's answers, for the node and the credential: what went
 * wrong and what to do, in words a user (or an AI agent) can act on. Never the secret.
 * The words for each operation are in ./actions.
 */
import type { Failure } from '../shared/failure';
import { quoteApiText } from '../shared/quote';
import { MAX_ANSWER_BYTES, type DirectConnection, type NetworkFailure } from '../transport';
import type { Action } from './actions';

const SECRET_HINT =
	'Check Webhook Secret in the 1Flow API credential: it must match the secret configured for this webhook in 1Flow, or be empty if the webhook has none.';
const BASE_URL_HINT = 'Check Base URL in the 1Flow API credential';

/** 1Flow's `{"error": …}` (or `message`) text, quoted; undefined when the body has none. */
function apiErrorText(body: unknown, secret: string): string | undefined {
	if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
	const { error, message } = body as { error?: unknown; message?: unknown };
	const text = typeof error === 'string' ? error : message;
	return typeof text === 'string' ? quoteApiText(text, secret) : undefined;
}

/** Only the origin of an address: never its path or query, which may hold tokens. */
export function originOf(location: string | undefined, base: string): string {
	if (!location) return 'an unnamed address';
	try {
		return new URL(location, base).origin;
	} catch {
		return 'an invalid address';
	}
}

const oneFlowSaid = (text: string | undefined) => (text ? ` 1Flow said: "${text}".` : '');

/** An HTTP error status from 1Flow (not 2xx, not 3xx). */
export function statusFailure(
	status: number,
	action: Action,
	body: unknown,
	secret: string,
): Failure {
	const text = apiErrorText(body, secret);
	const said = oneFlowSaid(text);
	const apiBody = text === undefined ? undefined : { error: text };
	const failure = (message: string, description: string): Failure => ({
		message,
		description,
		httpCode: status,
		apiBody,
	});
	switch (status) {
		case 400:
			return failure(
				`1Flow rejected ${action.rejected}${text ? `: ${text}` : ''}`,
				`1Flow answered 400 Bad Request.${said} ${action.badRequestHint}`,
			);
		case 401:
			return failure(
				`1Flow rejected the webhook secret while ${action.doing}`,
				`1Flow answered 401 Unauthorized.${said} ${SECRET_HINT}`,
			);
		case 404:
			return failure(
				action.notFound.message,
				`1Flow answered 404 Not Found.${said} ${action.notFound.hint}`,
			);
		case 429:
			return failure(
				`1Flow kept rate-limiting ${action.theDoing} (HTTP 429)`,
				`1Flow kept answering 429 Too Many Requests for longer than "Max Rate-Limit Wait".${said} The node slows down by itself; other executions or tools may be using the same 1Flow limit. Raise "Max Rate-Limit Wait", or set "Max Requests per Second" to your share of 1Flow's limit.`,
			);
	}
	if (status >= 500) {
		const { consequence, hint } = action.serverError;
		return failure(
			`1Flow failed with HTTP ${status} while ${action.doing}`,
			`1Flow had a server error, ${consequence}.${said} ${hint}`,
		);
	}
	return failure(
		`1Flow refused to ${action.toDo} (HTTP ${status})`,
		`1Flow answered HTTP ${status}.${said}`,
	);
}

/** A 2xx whose body does not say `"success": true`. */
export function unconfirmedFailure(status: number, action: Action, isJson: boolean): Failure {
	return {
		message: `1Flow's answer did not confirm ${action.theDoing}`,
		description: `1Flow answered HTTP ${status} but ${isJson ? 'without "success": true' : 'with a body that is not JSON'}, ${action.unconfirmed}`,
		httpCode: status,
	};
}

export function redirectFailure(status: number, action: Action, target: string): Failure {
	return {
		message: `1Flow answered with a redirect (HTTP ${status}) instead of ${action.doing}`,
		description: `The redirect points to ${target}. The node does not follow redirects, so the webhook secret is never sent to another address. ${BASE_URL_HINT} (for example https:// instead of http://, or a new host name).`,
		httpCode: status,
	};
}

/** No answer read. `origin` is where the request went; `limits`, the attempt's (transport/limits). */
export function networkFailure(
	reason: NetworkFailure,
	action: Action,
	origin: string,
	limits: { timeoutMs: number; deadlineMs: number },
): Failure {
	const failure = (message: string, description: string): Failure => ({
		message,
		description,
		httpCode: null,
	});
	const RunAgain = action.runAgain.charAt(0).toUpperCase() + action.runAgain.slice(1);
	switch (reason) {
		case 'timeout':
			return failure(
				`No answer from 1Flow within ${limits.timeoutMs} ms while ${action.doing}`,
				`The request to ${origin} timed out; ${action.unknownOutcome}. Raise "Timeout (Milliseconds)" in the node's options if 1Flow is slow, or ${action.runAgain}.`,
			);
		case 'deadline':
			return failure(
				`1Flow's answer took longer than ${Math.round(limits.deadlineMs / 1000)} s while ${action.doing}`,
				`The request to ${origin} was still going after the most one attempt may take, which grows with "Timeout (Milliseconds)" and the size of a file sent, though bytes kept moving; ${action.unknownOutcome}. Raise "Timeout (Milliseconds)" in the node's options if 1Flow is this slow, or ${action.runAgain}.`,
			);
		case 'tooLarge':
			return failure(
				`1Flow's answer to ${action.theDoing} was larger than ${MAX_ANSWER_BYTES / 1024 / 1024} MiB`,
				`${origin} sent more than any 1Flow answer needs; the node stopped reading it, so that one answer cannot exhaust n8n's memory, and does not send the request again; ${action.unknownOutcome}. ${BASE_URL_HINT}: another server, or a proxy, may be answering instead of 1Flow.`,
			);
		case 'reset':
			return failure(
				`The connection to 1Flow dropped while ${action.doing}`,
				`${origin} closed the connection without an answer; ${action.unknownOutcome}. ${RunAgain}.`,
			);
		case 'refused':
			return failure(
				`Could not connect to 1Flow at ${origin} to ${action.toDo}`,
				`The connection was refused. ${BASE_URL_HINT} and that 1Flow is reachable from n8n.`,
			);
		case 'unreachable':
			return failure(
				`Could not reach 1Flow at ${origin} to ${action.toDo}`,
				`The host name could not be resolved or reached. ${BASE_URL_HINT} and the network of the n8n server.`,
			);
		case 'cancelled':
			return failure(
				`The execution was cancelled while ${action.doing}`,
				`The request was already sent, so ${action.unknownOutcome}.`,
			);
		case 'other':
			return failure(
				`The request to ${action.toDo} failed before 1Flow answered`,
				`Sending to ${origin} failed. ${BASE_URL_HINT} and the network of the n8n server.`,
			);
	}
}

/** Added to a failed connection with "Reuse Connections" on: what that mode skips, and how to leave it. */
export function directConnectionNote(direct: DirectConnection, origin: string): string {
	if (direct === 'egressBlocked')
		return `n8n's outbound-request rules (N8N_SSRF_*) do not allow ${origin}, so nothing was sent; n8n's own request helper refuses it too.`;
	const rules =
		direct === 'egressChecked'
			? "n8n's outbound-request rules were checked before sending"
			: 'this n8n version has no outbound-request rules to check';
	return `"Reuse Connections" is on: the node connects to 1Flow directly through Node.js fetch, without n8n's proxy settings (HTTP_PROXY, HTTPS_PROXY); ${rules}. If n8n reaches the internet through a proxy, turn off "Reuse Connections" in the node's options.`;
}

/** The webhook check (a request no document can match): its answers other than "confirmed". */
export const WEBHOOK_CHECK = {
	notFound: {
		message: 'The webhook ID was not found in 1Flow',
		description:
			'The node checked the webhook before reading a 404 as "already deleted": 1Flow answered 404 Not Found for the webhook itself. Check Webhook ID (and Base URL) in the 1Flow API credential.',
		httpCode: 404,
	} as Failure,
	secretRejected: {
		message: '1Flow rejected the webhook secret',
		description: `1Flow answered 401 Unauthorized when the node checked the webhook. ${SECRET_HINT}`,
		httpCode: 401,
	} as Failure,
	unconfirmed: (status: number | null): Failure => ({
		message: 'Could not confirm the webhook ID with 1Flow',
		description: `The node checks the webhook before reading a 404 as "already deleted", and 1Flow's answer to that check was ${status === null ? 'lost' : `HTTP ${status}`}. Run the workflow again.`,
		httpCode: status,
	}),
};

/** 1Flow confirmed an upload without naming the document it created. */
export function noDocumentIdFailure(action: Action): Failure {
	return {
		message: `1Flow's answer to ${action.theDoing} named no document`,
		description:
			'1Flow answered "success": true without a documentId, so the node cannot tell which document was created. Check in 1Flow.',
		httpCode: 200,
	};
}
