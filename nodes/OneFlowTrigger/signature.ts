/**
 * Verifying 1Flow's signed callbacks: X-Webhook-Signature, an HMAC-SHA256 keyed with the
 * Webhook Signing Secret, and X-Webhook-Timestamp, Unix time in milliseconds.
 *
 * 1Flow does not document which string it signs nor how it encodes the digest, so every
 * plausible form is accepted: the raw body, or "<timestamp>.<raw body>"; hex (with or without
 * a "sha256=" prefix) or base64. Each needs the secret, so accepting all of them is as safe as
 * accepting one. When 1Flow's form turns out to be another, SIGNED_STRINGS is the one place
 * to change.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface SignedRequest {
	/** The request body exactly as received: never JSON parsed and serialised again. */
	rawBody: Buffer;
	signature?: string;
	timestamp?: string;
}

/** Why a callback was refused; said in n8n's log only, never to the caller. */
export type Refusal =
	| 'no signature'
	| 'no timestamp'
	| 'unreadable timestamp'
	| 'timestamp outside the window'
	| 'signature mismatch';

export type Verification =
	/** `timestampSigned`: the signature covers the timestamp, so a replay cannot bring a fresh one. */
	| { verified: true; timestampMs: number; fingerprint: string; timestampSigned: boolean }
	| { verified: false; refusal: Refusal };

interface SignedString {
	coversTimestamp: boolean;
	of(rawBody: Buffer, timestamp: string): Buffer;
}

const SIGNED_STRINGS: SignedString[] = [
	{ coversTimestamp: false, of: (rawBody) => rawBody },
	{
		coversTimestamp: true,
		of: (rawBody, timestamp) => Buffer.concat([Buffer.from(`${timestamp}.`), rawBody]),
	},
];

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
	const value = timestamp.trim();
	if (!/^\d{1,16}$/.test(value)) return undefined;
	const number = Number(value);
	return number < 1e11 ? number * 1000 : number;
}

export function verifySignature(
	request: SignedRequest,
	secret: string,
	nowMs: number,
	toleranceMs: number,
): Verification {
	if (!request.signature) return { verified: false, refusal: 'no signature' };
	if (!request.timestamp) return { verified: false, refusal: 'no timestamp' };
	const timestampMs = timestampMsOf(request.timestamp);
	if (timestampMs === undefined) return { verified: false, refusal: 'unreadable timestamp' };
	if (Math.abs(nowMs - timestampMs) > toleranceMs)
		return { verified: false, refusal: 'timestamp outside the window' };

	const given = digestOf(request.signature);
	if (!given) return { verified: false, refusal: 'signature mismatch' };
	let matched: SignedString | undefined;
	for (const signedString of SIGNED_STRINGS) {
		const expected = createHmac('sha256', secret)
			.update(signedString.of(request.rawBody, request.timestamp.trim()))
			.digest();
		// Every form is computed and compared, so the time taken does not tell which one matched.
		if (timingSafeEqual(expected, given)) matched ??= signedString;
	}
	if (!matched) return { verified: false, refusal: 'signature mismatch' };
	return {
		verified: true,
		timestampMs,
		fingerprint: given.toString('hex'),
		timestampSigned: matched.coversTimestamp,
	};
}
