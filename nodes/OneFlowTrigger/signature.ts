/**
 * Verifying 1Flow's signed callbacks: X-Webhook-Signature, an HMAC-SHA256 keyed with the
 * Webhook Signing Secret, and X-Webhook-Timestamp, Unix time in milliseconds.
 *
 * 1Flow does not document which string it signs nor how it encodes the digest, so every
 * plausible form is accepted: the raw body, or "<timestamp>.<raw body>"; hex (with or without
 * a "sha256=" prefix) or base64. Each needs the secret, so accepting all of them is as safe as
 * accepting one. When 1Flow's form turns out to be another, SIGNED_PREFIXES is the one place
 * to change.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Why a callback was refused; said in n8n's log only, never to the caller. */
export type Refusal =
	| 'no signature'
	| 'no timestamp'
	| 'unreadable timestamp'
	| 'timestamp outside the window'
	| 'signature mismatch';

/** The two headers, read and checked before anything costly (no secret, no body yet). */
export interface SignedHeaders {
	digest: Buffer;
	timestamp: string;
}

/** What comes before the raw body in each signed string the trigger accepts, by form. */
const SIGNED_PREFIXES = {
	body: () => '',
	'timestamp.body': (timestamp: string) => `${timestamp}.`,
} as const;
export type SignedForm = keyof typeof SIGNED_PREFIXES;

const DIGEST_BYTES = 32;

/** The digest a signature header carries, whatever its encoding; undefined when it is none. */
function digestOf(signature: string): Buffer | undefined {
	const value = signature.trim().replace(/^sha256=/i, '');
	if (/^[0-9a-f]{64}$/i.test(value)) return Buffer.from(value, 'hex');
	if (/^[A-Za-z0-9+/_-]{43}=?$/.test(value)) {
		const digest = Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
		return digest.length === DIGEST_BYTES ? digest : undefined;
	}
	return undefined;
}

/** Milliseconds since the epoch; a value in seconds is read as seconds. */
function timestampMsOf(timestamp: string): number | undefined {
	if (!/^\d{1,16}$/.test(timestamp)) return undefined;
	const number = Number(timestamp);
	return number < 1e11 ? number * 1000 : number;
}

/** The headers when both are there, readable and the timestamp within the window; else why not. */
export function checkHeaders(
	signature: string | undefined,
	timestamp: string | undefined,
	nowMs: number,
	toleranceMs: number,
): SignedHeaders | Refusal {
	if (!signature) return 'no signature';
	if (!timestamp) return 'no timestamp';
	const trimmed = timestamp.trim();
	const timestampMs = timestampMsOf(trimmed);
	if (timestampMs === undefined) return 'unreadable timestamp';
	// Written so that a window of NaN or Infinity lets nothing through.
	if (!Number.isFinite(toleranceMs) || !(Math.abs(nowMs - timestampMs) <= toleranceMs))
		return 'timestamp outside the window';
	const digest = digestOf(signature);
	if (!digest) return 'signature mismatch';
	return { digest, timestamp: trimmed };
}

/**
 * Which accepted form the digest is an HMAC of: the body alone, or one that also covers the
 * timestamp; undefined when none.
 */
export function signedForm(
	headers: SignedHeaders,
	rawBody: Buffer,
	secret: string,
): SignedForm | undefined {
	let matched: SignedForm | undefined;
	for (const form of Object.keys(SIGNED_PREFIXES) as SignedForm[]) {
		const prefix = SIGNED_PREFIXES[form];
		const expected = createHmac('sha256', secret)
			.update(prefix(headers.timestamp))
			.update(rawBody)
			.digest();
		// Every form is computed and compared, so the time taken does not tell which one matched.
		if (timingSafeEqual(expected, headers.digest)) matched = form;
	}
	return matched;
}
