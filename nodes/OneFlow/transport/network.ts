/**
 * `timeout`, `deadline` and `reset` mean the request may have reached 1Flow and been carried
 * out; `refused` means it never did; `cancelled` means n8n stopped the execution; `tooLarge`:
 * the answer was larger than the node reads, so it was not read (see ./limits).
 */
export type NetworkFailure =
	'timeout' | 'deadline' | 'tooLarge' | 'reset' | 'refused' | 'unreachable' | 'cancelled' | 'other';

/**
 * What one HTTP attempt produced: an answer from the server, or no answer at all. `direct`:
 * the keep-alive client connected by itself, and whether n8n's egress rules were applied.
 */
export type Answer =
	| { kind: 'response'; status: number; body: unknown; retryAfter?: string; location?: string }
	| { kind: 'network'; reason: NetworkFailure; direct?: DirectConnection };

export type DirectConnection = 'egressChecked' | 'egressUnavailable' | 'egressBlocked';

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
	// fetch (undici): its own codes, under fetch's "fetch failed" TypeError.
	UND_ERR_SOCKET: 'reset',
	UND_ERR_CLOSED: 'reset',
	UND_ERR_HEADERS_TIMEOUT: 'timeout',
	UND_ERR_BODY_TIMEOUT: 'timeout',
	// The connection was never made, so nothing reached 1Flow.
	UND_ERR_CONNECT_TIMEOUT: 'unreachable',
	UND_ERR_ABORTED: 'cancelled',
};

/**
 * Finds why a request got no answer, from n8n's helper (axios) or fetch. n8n wraps the HTTP
 * client's error (which carries the request config, Authorization header included) so only its
 * code and message are read here, and the wrapper is never passed on.
 */
export function networkFailureOf(error: unknown): NetworkFailure {
	let current: unknown = error;
	for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
		const { code, message, name } = current as {
			code?: unknown;
			message?: unknown;
			name?: unknown;
		};
		if (typeof code === 'string' && code in NETWORK_CODES) return NETWORK_CODES[code];
		if (name === 'AbortError' || name === 'CanceledError') return 'cancelled';
		if (name === 'TimeoutError') return 'timeout';
		if (typeof message === 'string') {
			if (/timeout|timed out/i.test(message)) return 'timeout';
			// axios, when the connection drops after the answer's headers: 1Flow did answer.
			if (/socket hang up|ECONNRESET|stream has been aborted/i.test(message)) return 'reset';
			if (/ECONNREFUSED/.test(message)) return 'refused';
		}
		current = (current as { cause?: unknown }).cause;
	}
	return 'other';
}
