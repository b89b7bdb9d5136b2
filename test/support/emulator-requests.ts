/**
 * Raw HTTP against the emulator, as 1Flow's own docs show the calls: emulators started per
 * test and stopped after it, a keep-alive agent per test, and a delete helper.
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
