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
import { encodeMultipart, type FilePart, type StreamedBody } from './multipart';
import { networkFailureOf, type Answer } from './network';
import { Pacer } from './pacer';

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
function asBlob(body: StreamedBody): IDataObject {
	const blob = { type: body.contentType, size: body.length, stream: () => body.chunks() };
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
function prepared(session: Session, request: OneFlowRequest): PreparedRequest {
	const url = new URL(endpointUrl(session.webhookUrl, request.endpoint));
	for (const [name, value] of Object.entries(request.query ?? {}))
		url.searchParams.set(name, value);
	const { body } = request;
	return {
		method: request.method,
		url,
		headers: authorizationHeaders(session.secret),
		body: body && ('json' in body ? { json: body.json } : { stream: encodeMultipart(body.file) }),
		timeoutMs: session.timeoutMs,
	};
}

/**
 * Sends one request and reports what came back. HTTP statuses are not errors here: the caller
 * reads them. Redirects are not followed, so the secret never leaves for another host. Through
 * n8n's request helper, or the run's keep-alive client when it reuses connections.
 */
export async function send(session: Session, request: OneFlowRequest): Promise<Answer> {
	if (session.keepAlive) return await sendKeepAlive(session.keepAlive, prepared(session, request));
	const options: IHttpRequestOptions = {
		method: request.method,
		url: endpointUrl(session.webhookUrl, request.endpoint),
		qs: request.query,
		json: true,
		timeout: session.timeoutMs,
		disableFollowRedirect: true,
		sendCredentialsOnCrossOriginRedirect: false,
		ignoreHttpStatusErrors: true,
		returnFullResponse: true,
	};
	if (request.body && 'json' in request.body) options.body = request.body.json;
	if (request.body && 'file' in request.body)
		options.body = asBlob(encodeMultipart(request.body.file));
	const { context } = session;
	try {
		// Handing n8n the credential read at the start spares a lookup and decryption per request;
		// n8n still applies the credential's authenticate() to every request.
		const response = (await context.helpers.httpRequestWithAuthentication.call(
			context,
			CREDENTIAL_TYPE,
			options,
			{
				credentialsDecrypted: session.credentials,
			},
		)) as { statusCode: number; body: unknown; headers?: unknown };
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
