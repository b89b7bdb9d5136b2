/**
 * Checks of user input that can fail before any request is sent. Each check returns the clean
 * value or a Failure (what is wrong, and what to do) and never echoes the webhook secret.
 */
import { inputFailure, isFailure, type Failure } from './failure';

export const DEFAULT_BASE_URL = 'https://app.1flow.io';

/** One path segment: no `.`, `/`, `%`, `?`, `#` or whitespace, so it cannot change the URL's path. */
const WEBHOOK_ID_PATTERN = /^[A-Za-z0-9_-]{1,200}$/;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

function isLoopbackHost(hostname: string): boolean {
	return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/** Turns the credential's base URL into a URL prefix with no trailing slash. */
export function normalizeBaseUrl(raw: unknown): string | Failure {
	const hint = `Set Base URL in the 1Flow API credential to your 1Flow address, e.g. ${DEFAULT_BASE_URL} (DocVision: https://app.doc-vision.com).`;
	if (typeof raw !== 'string' || raw.trim() === '') {
		return inputFailure('The 1Flow API credential has no Base URL', hint);
	}
	let url: URL;
	try {
		url = new URL(raw.trim());
	} catch {
		return inputFailure('The Base URL in the 1Flow API credential is not a valid URL', hint);
	}
	if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
		return inputFailure(
			`The Base URL must use https:// (got ${url.protocol}//${url.host})`,
			`The webhook secret travels in a header, so 1Flow is only reached over HTTPS; plain http:// is accepted for localhost only. ${hint}`,
		);
	}
	if (url.username || url.password || url.search || url.hash) {
		return inputFailure(
			'The Base URL must not contain a user name, password, query or fragment',
			hint,
		);
	}
	const path = url.pathname.replace(/\/+$/, '');
	if (/\/api\/webhook(\/|$)/.test(path)) {
		return inputFailure(
			'The Base URL contains a webhook path',
			`Base URL is only the address of 1Flow (such as ${DEFAULT_BASE_URL}); put the webhook ID in its own field.`,
		);
	}
	return `${url.origin}${path}`;
}

export function normalizeWebhookId(raw: unknown): string | Failure {
	const hint =
		'Copy the webhook ID from 1Flow into the 1Flow API credential: only letters, digits, "-" and "_" are allowed.';
	const value = typeof raw === 'string' ? raw.trim() : '';
	if (value === '') return inputFailure('The 1Flow API credential has no Webhook ID', hint);
	if (!WEBHOOK_ID_PATTERN.test(value)) {
		return inputFailure(
			'The Webhook ID in the 1Flow API credential contains characters a webhook ID cannot have',
			hint,
		);
	}
	return value;
}

/** The secret as sent in the Authorization header; '' means "send no header". */
export function normalizeWebhookSecret(raw: unknown): string | Failure {
	if (raw === undefined || raw === null) return '';
	if (typeof raw !== 'string') {
		return inputFailure(
			'The Webhook Secret in the 1Flow API credential is not text',
			'Enter it again.',
		);
	}
	const value = raw.trim();
	if (CONTROL_CHARACTERS.test(value)) {
		return inputFailure(
			'The Webhook Secret in the 1Flow API credential contains a line break or control character',
			'Paste the secret again as a single line, exactly as 1Flow shows it.',
		);
	}
	return value;
}

/** Headers that carry the webhook secret; none when the webhook has no secret configured. */
export function authorizationHeaders(secret: string): Record<string, string> {
	return secret === '' ? {} : { Authorization: secret };
}

export interface OneFlowConnection {
	/** `{base}/api/webhook/{webhookId}`: every endpoint of the webhook lies below it. */
	webhookUrl: string;
	/** Authorization header value, '' when the webhook has no secret. */
	secret: string;
}

export function resolveConnection(
	credentials: Record<string, unknown>,
): OneFlowConnection | Failure {
	const baseUrl = normalizeBaseUrl(credentials.baseUrl ?? DEFAULT_BASE_URL);
	if (isFailure(baseUrl)) return baseUrl;
	const webhookId = normalizeWebhookId(credentials.webhookId);
	if (isFailure(webhookId)) return webhookId;
	const secret = normalizeWebhookSecret(credentials.webhookSecret);
	if (isFailure(secret)) return secret;
	return { webhookUrl: `${baseUrl}/api/webhook/${webhookId}`, secret };
}

function describeType(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'a list';
	return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** Accepts a string or a number (sent as its decimal string); anything else is a Failure. */
export function normalizeDocId(raw: unknown): string | Failure {
	const hint =
		'Map "Document ID" to the field that holds the 1Flow document ID, e.g. {{ $json.id }}. By default it reads docId, documentId or body.documentId from the incoming item.';
	if (raw === undefined || raw === null || raw === '') {
		return inputFailure('No document ID', hint);
	}
	if (typeof raw === 'number') {
		if (!Number.isFinite(raw))
			return inputFailure(`The document ID is not a finite number (${raw})`, hint);
		if (Number.isInteger(raw) && !Number.isSafeInteger(raw)) {
			return inputFailure(
				'The document ID is a number too large to be exact',
				'Pass the document ID as text (a string) so no digits are lost.',
			);
		}
		return String(raw);
	}
	if (typeof raw !== 'string') {
		return inputFailure(`The document ID must be text or a number, not ${describeType(raw)}`, hint);
	}
	const value = raw.trim();
	if (value === '') return inputFailure('The document ID is empty', hint);
	return value;
}
