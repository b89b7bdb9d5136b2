/**
 * The one HTTP client of tests and scripts (undici): a request, its whole answer as text,
 * and the text parsed as JSON when it is JSON.
 */
import { request, type Dispatcher } from 'undici';

export interface HttpReply {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	text: string;
	/** The body parsed as JSON; undefined when it is not JSON. */
	json: unknown;
}

interface HttpOptions {
	method?: Dispatcher.HttpMethod;
	headers?: Record<string, string>;
	/** A string or Buffer is sent as it is; anything else as JSON with its content type. */
	body?: unknown;
	/** Default 15 s; the request is aborted after it. */
	timeoutMs?: number;
	/** Default: undici's global agent. */
	dispatcher?: Dispatcher;
}

export async function httpRequest(url: string, options: HttpOptions = {}): Promise<HttpReply> {
	const { body } = options;
	const raw = body === undefined || typeof body === 'string' || Buffer.isBuffer(body);
	const response = await request(url, {
		method: options.method ?? (body === undefined ? 'GET' : 'POST'),
		headers: { ...(raw ? {} : { 'content-type': 'application/json' }), ...options.headers },
		body: raw ? (body as string | Buffer | undefined) : JSON.stringify(body),
		dispatcher: options.dispatcher,
		signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
	});
	const text = await response.body.text();
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	return { status: response.statusCode, headers: response.headers, text, json };
}
