import type {
	ICredentialsDecrypted,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
} from 'n8n-workflow';

import { isFailure, type Failure } from '../shared/failure';
import { authorizationHeaders, resolveConnection } from '../shared/validation';
import {
	keepAliveClient,
	sendKeepAlive,
	type KeepAliveClient,
	type PreparedRequest,
} from './keepAlive';
import {
	AttemptLimits,
	attemptDeadlineMs,
	flowing,
	noAnswerReason,
	readAnswerBody,
} from './limits';
import { encodeMultipart, type FilePart, type StreamedBody } from './multipart';
import type { Answer } from './network';
import { Pacer } from './pacer';

export { MAX_ANSWER_BYTES } from './limits';
export type { FilePart } from './multipart';
export type { Answer, DirectConnection, NetworkFailure } from './network';

const CREDENTIAL_TYPE = 'oneFlowApi';

/** 1Flow's three endpoints: `{base}/api/webhook/{webhookId}/document/{endpoint}`. */
export type Endpoint = 'upload' | 'get' | 'delete';

/** What one run of the node needs to talk to 1Flow, read from the credential once. */
export interface Session {
	context: IExecuteFunctions;
	/** `{base}/api/webhook/{webhookId}`. */
	webhookUrl: string;
	/** Cut out of any text 1Flow sends back; '' when the webhook has none. */
	secret: string;
	/** How long one attempt may wait for 1Flow's answer. */
	timeoutMs: number;
	credentials: ICredentialsDecrypted;
	/** Paces every request of the run (see ./pacer). */
	pacer: Pacer;
	/** Set when the run reuses connections (see ./keepAlive); otherwise n8n's request helper sends. */
	keepAlive?: KeepAliveClient;
}

/** A request's body: JSON, or one file sent as multipart form data. */
export type RequestBody = { json: IDataObject } | { file: FilePart };

export interface OneFlowRequest {
	method: 'GET' | 'POST';
	endpoint: Endpoint;
	query?: Record<string, string>;
	body?: RequestBody;
}

export function endpointUrl(webhookUrl: string, endpoint: Endpoint): string {
	return `${webhookUrl}/document/${endpoint}`;
}

/** Reads and checks the credential once per run, and picks the client; a Failure when it cannot be used. */
export async function openSession(
	context: IExecuteFunctions,
	settings: { timeout: number; maxRequestsPerSecond?: number; reuseConnections?: boolean },
): Promise<Session | Failure> {
	const data = await context.getCredentials(CREDENTIAL_TYPE);
	const connection = resolveConnection(data);
	if (isFailure(connection)) return connection;
	const reference = context.getNode().credentials?.[CREDENTIAL_TYPE];
	const credentials = {
		id: reference?.id ?? '',
		name: reference?.name ?? '',
		type: CREDENTIAL_TYPE,
		data,
	};
	const keepAlive = settings.reuseConnections ? keepAliveClient(context) : undefined;
	return {
		context,
		...connection,
		timeoutMs: settings.timeout,
		credentials,
		pacer: new Pacer(settings.maxRequestsPerSecond),
		keepAlive,
	};
}

/**
 * The shape in which n8n's request helper (axios inside) streams a body without buffering it:
 * a Blob's type, size and stream(). Node code may not import `stream` to build a Readable.
 */
function asBlob(body: StreamedBody, limits: AttemptLimits): IDataObject {
	const blob = {
		type: body.contentType,
		size: body.length,
		stream: () => flowing(body.chunks(), limits),
	};
	Object.defineProperty(blob, Symbol.toStringTag, { value: 'Blob' });
	return blob as unknown as IDataObject;
}

function headerValue(headers: unknown, name: string): string | undefined {
	if (typeof headers !== 'object' || headers === null) return undefined;
	const value = (headers as Record<string, unknown>)[name];
	if (Array.isArray(value)) return typeof value[0] === 'string' ? value[0] : undefined;
	return typeof value === 'string' ? value : undefined;
}

/** The request as the keep-alive client sends it: the full URL, the secret's header set here. */
function prepared(
	session: Session,
	request: OneFlowRequest,
	body: { json: IDataObject } | { stream: StreamedBody } | undefined,
	deadlineMs: number,
): PreparedRequest {
	const url = new URL(endpointUrl(session.webhookUrl, request.endpoint));
	for (const [name, value] of Object.entries(request.query ?? {}))
		url.searchParams.set(name, value);
	const headers = authorizationHeaders(session.secret);
	return { method: request.method, url, headers, body, timeoutMs: session.timeoutMs, deadlineMs };
}

/** The most one attempt at `request` may take (./limits). */
export function deadlineOf(session: Session, request: OneFlowRequest): number {
	const bytes = request.body && 'file' in request.body ? request.body.file.size : 0;
	return attemptDeadlineMs(session.timeoutMs, bytes);
}

/**
 * Sends one request and reports what came back. HTTP statuses are not errors here: the caller
 * reads them. Redirects are not followed, so the secret never leaves for another host. Through
 * n8n's request helper, or the run's keep-alive client when it reuses connections; either way
 * within the attempt's limits (./limits).
 */
export async function send(session: Session, request: OneFlowRequest): Promise<Answer> {
	const { body: requestBody } = request;
	const body =
		requestBody &&
		('json' in requestBody ? requestBody : { stream: encodeMultipart(requestBody.file) });
	const deadlineMs = deadlineOf(session, request);
	if (session.keepAlive)
		return await sendKeepAlive(session.keepAlive, prepared(session, request, body, deadlineMs));
	const limits = new AttemptLimits(session.timeoutMs, deadlineMs);
	const { context } = session;
	const cancel = context.getExecutionCancelSignal();
	const signal = limits.signal(cancel);
	const options: IHttpRequestOptions = {
		method: request.method,
		url: endpointUrl(session.webhookUrl, request.endpoint),
		qs: request.query,
		json: true,
		// The answer as a stream, read here within the limits (the helper would buffer any size).
		encoding: 'stream',
		timeout: session.timeoutMs,
		abortSignal: signal,
		disableFollowRedirect: true,
		sendCredentialsOnCrossOriginRedirect: false,
		ignoreHttpStatusErrors: true,
		returnFullResponse: true,
	};
	if (body) options.body = 'json' in body ? body.json : asBlob(body.stream, limits);
	// n8n's helper sets `abortSignal` to this.getExecutionCancelSignal() (both majors): called on a
	// view of the context whose signal also fires at the attempt's limits, it closes the connection.
	const attempt = Object.create(context, {
		getExecutionCancelSignal: { value: () => signal },
	}) as IExecuteFunctions;
	try {
		// Handing n8n the credential read at the start spares a lookup and decryption per request;
		// n8n still applies the credential's authenticate() to every request.
		const response = (await context.helpers.httpRequestWithAuthentication.call(
			attempt,
			CREDENTIAL_TYPE,
			options,
			{ credentialsDecrypted: session.credentials },
		)) as { statusCode: number; body: unknown; headers?: unknown };
		limits.touch();
		const length = headerValue(response.headers, 'content-length');
		return {
			kind: 'response',
			status: response.statusCode,
			body: await readAnswerBody(response.body as AsyncIterable<Uint8Array>, length, limits),
			retryAfter: headerValue(response.headers, 'retry-after'),
			location: headerValue(response.headers, 'location'),
		};
	} catch (error) {
		return { kind: 'network', reason: noAnswerReason(error, cancel, limits) };
	} finally {
		limits.finish();
	}
}
