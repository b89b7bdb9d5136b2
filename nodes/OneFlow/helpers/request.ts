/** The one request path: send, then read 1Flow's answer into the request's outcome. */
import type { IDataObject } from 'n8n-workflow';

import { withNote } from '../shared/failure';
import type { Action } from '../texts/actions';
import {
	directConnectionNote,
	networkFailure,
	originOf,
	redirectFailure,
	statusFailure,
	unconfirmedFailure,
} from '../texts/answers';
import {
	deadlineOf,
	endpointUrl,
	send,
	type Answer,
	type OneFlowRequest,
	type Session,
} from '../transport';
import type { Outcome } from './loop';

/** Where a request went, with which secret and limits: to word what came back. */
interface AnswerContext {
	url: string;
	secret: string;
	timeoutMs: number;
	deadlineMs: number;
}

function isRetryableStatus(status: number): boolean {
	return status === 408 || status === 429 || (status >= 500 && status !== 501);
}

/** Answers after which 1Flow certainly did not carry out the request: 503, 429, no connection. */
function certainlyNotTaken(answer: Answer): boolean {
	if (answer.kind === 'network')
		return answer.reason === 'refused' || answer.reason === 'unreachable';
	return answer.status === 429 || answer.status === 503;
}

/**
 * Reads one answer the same way for every endpoint: only a 2xx with `"success": true`
 * succeeds (its body is the value); redirects, 400, 401, 403, 404 and answers too large to read
 * are final; 408, 429, 5xx, lost connections and answers too slow are worth retrying. A request
 * that is not idempotent (an upload) is retried only when 1Flow certainly did not take it.
 * `about` words the failure, when there is one.
 */
export function readAnswer(
	answer: Answer,
	about: () => Action,
	context: AnswerContext,
	idempotent = true,
): Outcome<IDataObject> {
	const { url, secret } = context;
	const final = idempotent || certainlyNotTaken(answer) ? undefined : ('final' as const);
	if (answer.kind === 'network') {
		const origin = originOf(url, url);
		let failure = networkFailure(answer.reason, about(), origin, context);
		// Neither is tried again: the run was cancelled; a too large answer would come as large again.
		if (answer.reason === 'cancelled' || answer.reason === 'tooLarge')
			return { status: 'failed', failure };
		if (answer.direct) failure = withNote(failure, directConnectionNote(answer.direct, origin));
		if (final) return { status: 'failed', failure };
		const answerLost = ['timeout', 'deadline', 'reset'].includes(answer.reason);
		return { status: 'failed', failure, retry: { why: 'fault', answerLost } };
	}

	const { status, body } = answer;
	if (status >= 200 && status < 300) {
		const value = typeof body === 'object' && body !== null ? (body as IDataObject) : undefined;
		if (value?.success === true) return { status: 'succeeded', value };
		return { status: 'failed', failure: unconfirmedFailure(status, about(), value !== undefined) };
	}
	if (status >= 300 && status < 400) {
		const target = originOf(answer.location, url);
		return { status: 'failed', failure: redirectFailure(status, about(), target) };
	}
	const failure = statusFailure(status, about(), body, secret);
	if (!isRetryableStatus(status) || final) return { status: 'failed', failure };
	const why = status === 429 ? 'rateLimited' : 'fault';
	return {
		status: 'failed',
		failure,
		retry: { why, answerLost: false, retryAfter: answer.retryAfter },
	};
}

/** Sends one request to 1Flow and reads its answer. */
export async function exchange(
	session: Session,
	request: OneFlowRequest,
	about: () => Action,
	idempotent = true,
): Promise<Outcome<IDataObject>> {
	const answer = await send(session, request);
	const url = endpointUrl(session.webhookUrl, request.endpoint);
	const { secret, timeoutMs } = session;
	const deadlineMs = deadlineOf(session, request);
	return readAnswer(answer, about, { url, secret, timeoutMs, deadlineMs }, idempotent);
}
