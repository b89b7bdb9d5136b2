/**
 * What every `/api/webhook/{webhookId}/document/...` endpoint shares: reading the webhook
 * ID, checking it and the secret in 1Flow's order (webhook 404, then secret 401), and
 * reading fields of a JSON body.
 */
import type { Answer } from '../faults';
import type { RouteContext } from './route';

/** `/api/webhook/{webhookId}/document/{name}`, with an optional trailing slash. */
export function webhookPath(name: string): RegExp {
	return new RegExp(`^/api/webhook/([^/?#]+)/document/${name}/?$`);
}

function decodePathSegment(segment: string): string {
	try {
		return decodeURIComponent(segment);
	} catch {
		return segment;
	}
}

/** The request's webhook ID; records it and whether the request may use that webhook. */
export function readWebhook({ exchange, params, store }: RouteContext): string {
	const webhookId = decodePathSegment(params[0]);
	exchange.record.webhookId = webhookId;
	exchange.record.authorized = store.isAuthorized(webhookId, exchange.req.headers.authorization);
	return webhookId;
}

/** 1Flow's first two checks: the answer that refuses the request, or undefined. */
export function refusal({ exchange, store }: RouteContext, webhookId: string): Answer | undefined {
	if (!store.hasWebhook(webhookId)) return { status: 404, body: { error: 'Webhook not found' } };
	if (!exchange.record.authorized)
		return { status: 401, body: { error: 'Invalid or missing webhook secret' } };
	return undefined;
}

/** A field of a JSON object body; undefined when the body is empty, not JSON or not an object. */
export function jsonField(body: Buffer, name: string): unknown {
	if (body.length === 0) return undefined;
	let parsed: unknown;
	try {
		parsed = JSON.parse(body.toString('utf8'));
	} catch {
		return undefined;
	}
	if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
	return (parsed as Record<string, unknown>)[name];
}
