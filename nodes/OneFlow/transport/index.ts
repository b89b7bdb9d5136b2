import type { ICredentialsDecrypted, IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';

export const CREDENTIAL_TYPE = 'oneFlowApi';

/** What one HTTP attempt produced: an answer from the server, or no answer at all. */
export type AttemptOutcome =
	| { kind: 'response'; status: number; body: unknown; retryAfter?: string; location?: string }
	| { kind: 'network'; reason: NetworkFailure };

/**
 * `timeout` and `reset` mean the request may have reached 1Flow and been carried out;
 * `refused` means it never did; `cancelled` means n8n stopped the execution.
 */
export type NetworkFailure = 'timeout' | 'reset' | 'refused' | 'unreachable' | 'cancelled' | 'other';

const NETWORK_CODES: Record<string, NetworkFailure> = {
	ECONNABORTED: 'timeout',
	ETIMEDOUT: 'timeout',
	ESOCKETTIMEDOUT: 'timeout',
	ECONNRESET: 'reset',
	EPIPE: 'reset',
	ERR_SOCKET_CLOSED: 'reset',
	ECONNREFUSED: 'refused',
	ENOTFOUND: 'unreachable',
	EAI_AGAIN: 'unreachable',
	EHOSTUNREACH: 'unreachable',
	ENETUNREACH: 'unreachable',
	ERR_CANCELED: 'cancelled',
	ABORT_ERR: 'cancelled',
};

/**
 * Finds why a request got no answer. n8n wraps the HTTP client's error (which carries the
 * request config, Authorization header included) so only its code and message are read here,
 * and the wrapper is never passed on.
 */
export function networkFailureOf(error: unknown): NetworkFailure {
	let current: unknown = error;
	for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
		const { code, message, name } = current as { code?: unknown; message?: unknown; name?: unknown };
		if (typeof code === 'string' && code in NETWORK_CODES) return NETWORK_CODES[code];
		if (name === 'AbortError' || name === 'CanceledError') return 'cancelled';
		if (typeof message === 'string') {
			if (/timeout|timed out/i.test(message)) return 'timeout';
			if (/socket hang up|ECONNRESET/i.test(message)) return 'reset';
			if (/ECONNREFUSED/.test(message)) return 'refused';
		}
		current = (current as { cause?: unknown }).cause;
	}
	return 'other';
}

function headerValue(headers: unknown, name: string): string | undefined {
	if (typeof headers !== 'object' || headers === null) return undefined;
	const value = (headers as Record<string, unknown>)[name];
	if (Array.isArray(value)) return typeof value[0] === 'string' ? value[0] : undefined;
	return typeof value === 'string' ? value : undefined;
}

/** Headers that carry the webhook secret; none when the webhook has no secret configured. */
export function authorizationHeaders(secret: string): Record<string, string> {
	return secret === '' ? {} : { Authorization: secret };
}

/** Where deletes go, with the credential the node already read once for the whole run. */
export interface DeleteTarget {
	deleteUrl: string;
	credentials: ICredentialsDecrypted;
}

/**
 * Sends one delete request and reports what came back. HTTP statuses are not errors here:
 * the caller maps them. Redirects are not followed, so the secret never leaves for another host.
 */
export async function postDelete(
	context: IExecuteFunctions,
	target: DeleteTarget,
	docId: string,
	timeoutMs: number,
): Promise<AttemptOutcome> {
	const request: IHttpRequestOptions = {
		method: 'POST',
		url: target.deleteUrl,
		body: { docId },
		json: true,
		timeout: timeoutMs,
		disableFollowRedirect: true,
		sendCredentialsOnCrossOriginRedirect: false,
		ignoreHttpStatusErrors: true,
		returnFullResponse: true,
	};
	try {
		// Handing n8n the credential read at the start spares a lookup and decryption per request;
		// n8n still applies the credential's authenticate() to every request.
		const response = (await context.helpers.httpRequestWithAuthentication.call(context, CREDENTIAL_TYPE, request, {
			credentialsDecrypted: target.credentials,
		})) as { statusCode: number; body: unknown; headers?: unknown };
		return {
			kind: 'response',
			status: response.statusCode,
			body: response.body,
			retryAfter: headerValue(response.headers, 'retry-after'),
			location: headerValue(response.headers, 'location'),
		};
	} catch (error) {
		return { kind: 'network', reason: networkFailureOf(error) };
	}
}
