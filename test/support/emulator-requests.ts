/**
 * Raw HTTP against the emulator, as 1Flow's own docs show the calls: emulators started per
 * test and stopped after it, a keep-alive agent per test, and delete, upload and get helpers.
 */
import { performance } from 'node:perf_hooks';

import { Agent, type Dispatcher } from 'undici';

import { DEMO_WEBHOOK, OneFlowEmulator, type EmulatorOptions } from '../../testkit/emulator';
import { httpRequest, type HttpReply } from '../../testkit/http';

let emulators: OneFlowEmulator[] = [];
let agent: Agent;

beforeEach(() => {
	agent = new Agent({ keepAliveTimeout: 10_000 });
});

afterEach(async () => {
	await Promise.all(emulators.map((emulator) => emulator.stop()));
	emulators = [];
	await agent.destroy();
});

export async function startEmulator(options?: EmulatorOptions): Promise<OneFlowEmulator> {
	const emulator = new OneFlowEmulator(options);
	emulators.push(emulator);
	await emulator.start();
	return emulator;
}

export function deleteUrl(emulator: OneFlowEmulator, webhookId: string): string {
	return `${emulator.baseUrl}/api/webhook/${encodeURIComponent(webhookId)}/document/delete`;
}

interface TimedReply extends HttpReply {
	ms: number;
}

export async function send(
	url: string,
	options: {
		method?: 'GET' | 'POST' | 'PUT';
		body?: string;
		headers?: Record<string, string>;
		timeoutMs?: number;
		dispatcher?: Dispatcher;
	} = {},
): Promise<TimedReply> {
	const started = performance.now();
	const reply = await httpRequest(url, {
		method: options.method ?? 'POST',
		headers: { 'content-type': 'application/json', ...options.headers },
		body: options.body,
		dispatcher: options.dispatcher ?? agent,
		timeoutMs: options.timeoutMs ?? 5_000,
	});
	return { ...reply, ms: performance.now() - started };
}

/** A delete like the 1Flow docs show it; `secret: null` sends no Authorization header. */
export function del(
	emulator: OneFlowEmulator,
	docId: unknown,
	options: {
		webhookId?: string;
		secret?: string | null;
		rawBody?: string;
		timeoutMs?: number;
		dispatcher?: Dispatcher;
	} = {},
): Promise<TimedReply> {
	const secret = options.secret === undefined ? DEMO_WEBHOOK.secret : options.secret;
	return send(deleteUrl(emulator, options.webhookId ?? DEMO_WEBHOOK.id), {
		body: options.rawBody ?? JSON.stringify({ docId }),
		headers: secret === null ? {} : { authorization: secret },
		timeoutMs: options.timeoutMs,
		dispatcher: options.dispatcher,
	});
}

export async function expectRejection(
	promise: Promise<unknown>,
): Promise<{ code?: string; name?: string }> {
	try {
		await promise;
	} catch (error) {
		return error as { code?: string; name?: string };
	}
	throw new Error('expected the request to fail');
}

export const AUTH = { authorization: DEMO_WEBHOOK.secret };
/** The URL of one of the emulator's document endpoints (upload, get, delete). */
export const endpoint = (emulator: OneFlowEmulator, name: string, webhookId = DEMO_WEBHOOK.id) =>
	`${emulator.baseUrl}/api/webhook/${webhookId}/document/${name}`;

/** A multipart/form-data body built by hand, so that a test controls every byte of it. */
export function multipart(
	parts: Array<{ name: string; fileName?: string; type?: string; bytes: Buffer }>,
): { body: Buffer; contentType: string } {
	const boundary = 'test-boundary-7d2f';
	const pieces = parts.flatMap(({ name, fileName, type, bytes }) => [
		Buffer.from(
			`--${boundary}\r\nContent-Disposition: form-data; name="${name}"${fileName === undefined ? '' : `; filename="${fileName}"`}\r\n${type ? `Content-Type: ${type}\r\n` : ''}\r\n`,
		),
		bytes,
		Buffer.from('\r\n'),
	]);
	return {
		body: Buffer.concat([...pieces, Buffer.from(`--${boundary}--\r\n`)]),
		contentType: `multipart/form-data; boundary=${boundary}`,
	};
}

/** A multipart upload as 1Flow's docs show it: one file in form field "file" unless told. */
export async function uploadFile(
	emulator: OneFlowEmulator,
	bytes: Buffer,
	options: {
		fileName?: string;
		type?: string;
		field?: string;
		headers?: Record<string, string>;
	} = {},
) {
	const { body, contentType } = multipart([
		{
			name: options.field ?? 'file',
			fileName: options.fileName ?? 'invoice.pdf',
			type: options.type ?? 'application/pdf',
			bytes,
		},
	]);
	return await send(endpoint(emulator, 'upload'), {
		body: body as unknown as string,
		headers: { ...AUTH, 'content-type': contentType, ...options.headers },
	});
}

export const getDoc = (emulator: OneFlowEmulator, docId: string, query = '') =>
	send(`${endpoint(emulator, 'get')}?docId=${encodeURIComponent(docId)}${query}`, {
		method: 'GET',
		headers: AUTH,
	});
