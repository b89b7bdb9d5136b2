/**
 * The emulator's admin API for callbacks (not part of 1Flow's API), so that a separately
 * running emulator can be driven too:
 *
 *   GET  /_emulator/callbacks        the settings, without the secret
 *   PUT  /_emulator/callbacks        {"url"?, "secret"?, "form"?: {"signs", "encoding"}}
 *   POST /_emulator/callbacks/send   {"docId", "kind"?, "event"?, "lineItems"?, "contentType"?, "ageMs"?, "bom"?}
 *
 * `send` answers once the receiver has answered: its status and text, and what was sent.
 */
import type { CallbackConfig, CallbackRequest } from '../callbacks';
import type { Route, RouteContext } from './route';

const REPLY_CHARS = 2000;

function jsonObject(body: Buffer): Record<string, unknown> | undefined {
	try {
		const value: unknown = JSON.parse(body.toString('utf8') || '{}');
		return typeof value === 'object' && value !== null && !Array.isArray(value)
			? (value as Record<string, unknown>)
			: undefined;
	} catch {
		return undefined;
	}
}

/** Runs `work` on the JSON body; a bad body or a refused setting answers 400 with the reason. */
async function withBody(
	{ exchange, body }: RouteContext,
	work: (input: Record<string, unknown>) => Promise<unknown> | unknown,
): Promise<void> {
	const input = jsonObject(body);
	if (!input) return exchange.sendJson(400, { error: 'Expected a JSON object' });
	try {
		exchange.sendJson(200, await work(input));
	} catch (error) {
		exchange.sendJson(400, { error: (error as Error).message });
	}
}

export const callbackSettings: Route = {
	path: /^\/_emulator\/callbacks\/?$/,
	methods: ['GET', 'PUT'],
	handle(context) {
		const { exchange, callbacks } = context;
		if (exchange.record.method === 'GET') return exchange.sendJson(200, callbacks.view);
		void withBody(context, (input) => {
			callbacks.configure(input as CallbackConfig);
			return callbacks.view;
		});
	},
};

export const sendCallback: Route = {
	path: /^\/_emulator\/callbacks\/send\/?$/,
	methods: ['POST'],
	handle(context) {
		void withBody(context, async (input) => {
			if (typeof input.docId !== 'string' || input.docId === '')
				throw new Error('docId (a string) is required');
			const sent = await context.callbacks.send(input as unknown as CallbackRequest);
			const { kind, url, documentId, headers, sentAt, status, reply, ms } = sent;
			return {
				kind,
				url,
				documentId,
				headers,
				body: sent.body.toString('utf8'),
				sentAt,
				status,
				reply: reply.slice(0, REPLY_CHARS),
				ms,
			};
		});
	},
};
