/**
 * The keep-alive client ("Reuse Connections"): Node's fetch keeps connections open (in its
 * process-wide pool: an own pool would need a runtime dependency), while n8n's helper opens a new
 * one per request. fetch skips authenticate() (the caller sets the header) and n8n's egress
 * rules (checked here); it skips n8n's proxy too, which a failed connection's error says.
 * The pool's figures: docs/performance.md.
 */
import type { IExecuteFunctions, NodeEgressFilter } from 'n8n-workflow';

import { AttemptLimits, flowing, noAnswerReason, readAnswerBody } from './limits';
import type { StreamedBody } from './multipart';
import { networkFailureOf, type Answer } from './network';

/** What a run's keep-alive requests share: the cancel signal and n8n's egress rules, if any. */
export interface KeepAliveClient {
	cancelSignal?: AbortSignal;
	/** Undefined where n8n offers nodes no egress filter (1.x). */
	egress?: NodeEgressFilter;
}

/** A request with its URL and headers final: what the keep-alive client sends as it is. */
export interface PreparedRequest {
	method: 'GET' | 'POST';
	url: URL;
	headers: Record<string, string>;
	body?: { json: unknown } | { stream: StreamedBody };
	timeoutMs: number;
	deadlineMs: number;
}

/** n8n's helper's default User-Agent, so 1Flow sees the same requests in both modes. */
const USER_AGENT = 'n8n';

export function keepAliveClient(context: IExecuteFunctions): KeepAliveClient {
	const { helpers } = context;
	const egress =
		typeof helpers.getSecureEgressFilter === 'function'
			? helpers.getSecureEgressFilter()
			: undefined;
	return { cancelSignal: context.getExecutionCancelSignal(), egress };
}

/** The body as fetch takes it; a stream's chunks count as activity for the timeout. */
function requestBody(
	body: PreparedRequest['body'],
	limits: AttemptLimits,
): { body?: string | AsyncIterable<Uint8Array>; headers: Record<string, string> } {
	if (body === undefined) return { headers: {} };
	if ('json' in body)
		return { body: JSON.stringify(body.json), headers: { 'Content-Type': 'application/json' } };
	const { contentType, length, chunks } = body.stream;
	return {
		body: flowing(chunks(), limits),
		headers: { 'Content-Type': contentType, 'Content-Length': String(length) },
	};
}

/**
 * Sends one request through fetch's keep-alive pool and reports what came back, with the same
 * Answer as n8n's helper gives. Redirects are not followed (fetch hands back the 3xx itself).
 */
export async function sendKeepAlive(
	client: KeepAliveClient,
	request: PreparedRequest,
): Promise<Answer> {
	const direct = client.egress ? 'egressChecked' : 'egressUnavailable';
	if (client.egress) {
		try {
			const allowed = await client.egress.validateUrl(request.url);
			if (!allowed.ok) return { kind: 'network', reason: 'other', direct: 'egressBlocked' };
		} catch (error) {
			// The check resolves the host name first: a name that does not resolve fails here.
			return { kind: 'network', reason: networkFailureOf(error), direct };
		}
	}
	const limits = new AttemptLimits(request.timeoutMs, request.deadlineMs);
	const { cancelSignal } = client;
	const { body, headers } = requestBody(request.body, limits);
	try {
		const response = await fetch(request.url, {
			method: request.method,
			headers: {
				Accept: 'application/json',
				'User-Agent': USER_AGENT,
				...headers,
				...request.headers,
			},
			body,
			duplex: body === undefined ? undefined : 'half',
			redirect: 'manual',
			signal: limits.signal(cancelSignal),
		});
		limits.touch();
		const length = response.headers.get('content-length');
		return {
			kind: 'response',
			status: response.status,
			body: await readAnswerBody(response.body, length, limits),
			retryAfter: response.headers.get('retry-after') ?? undefined,
			location: response.headers.get('location') ?? undefined,
		};
	} catch (error) {
		// fetch rejects with the abort reason: the cancel and the limits are told apart by their signals.
		const reason = noAnswerReason(error, cancelSignal, limits);
		// An answer too large or too slow came through: the direct connection is not the cause.
		if (reason === 'tooLarge' || reason === 'deadline') return { kind: 'network', reason };
		return { kind: 'network', reason, direct };
	} finally {
		limits.finish();
	}
}
