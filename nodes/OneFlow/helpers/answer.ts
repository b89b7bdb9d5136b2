import type { Answer } from '../transport';
import type { Action } from '../texts/actions';
import {
	directConnectionNote,
	networkFailure,
	originOf,
	redirectFailure,
	statusFailure,
	unconfirmedFailure,
} from '../texts/answers';
import type { Step } from './bulk';
import { withNote } from '../shared/failure';

/** Where a request went and with which secret, to word what came back. */
export interface AnswerContext {
	url: string;
	secret: string;
	timeoutMs: number;
}

function isRetryableStatus(status: number): boolean {
	return status === 408 || status === 429 || (status >= 500 && status !== 501);
}

/**
 * Reads one attempt the same way for every endpoint: only a 2xx with `"success": true` is
 * done (its body is the value); redirects, 400, 401, 403 and 404 are final; 408, 429, 5xx
 * and lost connections are worth retrying, and flagged when the request may have been
 * carried out although its answer was lost (timeout, reset).
 */
export function readAnswer(
	attempt: Answer,
	action: Action,
	context: AnswerContext,
): Step<Record<string, unknown>> {
	const { url, secret, timeoutMs } = context;
	if (attempt.kind === 'network') {
		const origin = originOf(url, url);
		let failure = networkFailure(attempt.reason, action, origin, timeoutMs);
		if (attempt.reason === 'cancelled') return { type: 'fail', failure };
		if (attempt.direct) failure = withNote(failure, directConnectionNote(attempt.direct, origin));
		const maybeCarriedOut = attempt.reason === 'timeout' || attempt.reason === 'reset';
		return { type: 'retry', failure, maybeCarriedOut, rateLimited: false };
	}

	const { status, body } = attempt;
	if (status >= 200 && status < 300) {
		const answer =
			typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : undefined;
		if (answer?.success === true) return { type: 'done', value: answer };
		return { type: 'fail', failure: unconfirmedFailure(status, action, answer !== undefined) };
	}
	if (status >= 300 && status < 400) {
		return {
			type: 'fail',
			failure: redirectFailure(status, action, originOf(attempt.location, url)),
		};
	}
	const failure = statusFailure(status, action, body, secret);
	if (!isRetryableStatus(status)) return { type: 'fail', failure };
	return {
		type: 'retry',
		failure,
		maybeCarriedOut: false,
		rateLimited: status === 429,
		retryAfter: attempt.retryAfter,
	};
}
