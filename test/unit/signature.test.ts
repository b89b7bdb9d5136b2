import { createHmac } from 'node:crypto';

import { checkHeaders, signedForm } from '../../nodes/OneFlowTrigger/signature';

const SECRET = 'whsec_unit';
const NOW = Date.parse('2026-11-30T12:00:00Z');
const WINDOW = 300_000;
const rawBody = Buffer.from('{"event":"document.ready","documentId":"doc_1", "spacing" : "kept"}');
const hmac = (data: Buffer | string, secret = SECRET) => createHmac('sha256', secret).update(data);

/** The headers' checks, then the HMAC, as the trigger runs them. */
function verifySignature(
	request: { rawBody: Buffer; signature?: string; timestamp?: string },
	secret: string,
	now: number,
	window: number,
) {
	const headers = checkHeaders(request.signature, request.timestamp, now, window);
	if (typeof headers === 'string') return { verified: false, refusal: headers };
	const form = signedForm(headers, request.rawBody, secret);
	return form !== undefined
		? { verified: true, form }
		: { verified: false, refusal: 'signature mismatch' };
}

describe('verifySignature', () => {
	const timestamp = String(NOW - 1000);
	const forms: Array<[string, string]> = [
		['hex of the raw body', hmac(rawBody).digest('hex')],
		['upper-case hex', hmac(rawBody).digest('hex').toUpperCase()],
		['sha256=hex of the raw body', `sha256=${hmac(rawBody).digest('hex')}`],
		['base64 of the raw body', hmac(rawBody).digest('base64')],
		['hex of timestamp.body', hmac(`${timestamp}.${rawBody.toString()}`).digest('hex')],
		[
			'sha256=hex of timestamp.body',
			`sha256=${hmac(`${timestamp}.${rawBody.toString()}`).digest('hex')}`,
		],
		['base64 of timestamp.body', hmac(`${timestamp}.${rawBody.toString()}`).digest('base64')],
		['base64url of timestamp.body', hmac(`${timestamp}.${rawBody.toString()}`).digest('base64url')],
	];

	it.each(forms)('accepts %s, and says which string it covers', (name, signature) => {
		const verification = verifySignature({ rawBody, signature, timestamp }, SECRET, NOW, WINDOW);
		const form = name.endsWith('timestamp.body') ? 'timestamp.body' : 'body';
		expect(verification).toEqual({ verified: true, form });
	});

	it.each([
		['no signature', { signature: undefined }, 'no signature'],
		['no timestamp', { timestamp: undefined }, 'no timestamp'],
		['a timestamp that is not a number', { timestamp: 'yesterday' }, 'unreadable timestamp'],
		['a stale timestamp', { timestamp: String(NOW - WINDOW - 1) }, 'timestamp outside the window'],
		[
			'a timestamp from the future',
			{ timestamp: String(NOW + WINDOW + 1) },
			'timestamp outside the window',
		],
		['another secret', { signature: hmac(rawBody, 'other').digest('hex') }, 'signature mismatch'],
		[
			'a signature of another body',
			{ signature: hmac('{"event":"document.ready","documentId":"doc_2"}').digest('hex') },
			'signature mismatch',
		],
		[
			'a truncated signature',
			{ signature: hmac(rawBody).digest('hex').slice(0, 40) },
			'signature mismatch',
		],
		['garbage', { signature: 'sha256=not-a-signature' }, 'signature mismatch'],
		[
			'an HMAC of re-serialised JSON',
			{ signature: hmac(JSON.stringify(JSON.parse(rawBody.toString()))).digest('hex') },
			'signature mismatch',
		],
	])('refuses %s', (_, change, refusal) => {
		const request = { rawBody, signature: hmac(rawBody).digest('hex'), timestamp, ...change };
		expect(verifySignature(request, SECRET, NOW, WINDOW)).toEqual({ verified: false, refusal });
	});

	it.each([NaN, Infinity])('a window of %s lets nothing through', (window) => {
		const signature = hmac(rawBody).digest('hex');
		expect(verifySignature({ rawBody, signature, timestamp }, SECRET, NOW, window)).toEqual({
			verified: false,
			refusal: 'timestamp outside the window',
		});
	});

	it('refuses a signature over one timestamp sent with another', () => {
		const signature = hmac(`${NOW - 5000}.${rawBody.toString()}`).digest('hex');
		expect(verifySignature({ rawBody, signature, timestamp }, SECRET, NOW, WINDOW)).toMatchObject({
			verified: false,
		});
	});

	it('reads a timestamp in seconds as seconds', () => {
		const seconds = String(Math.floor(NOW / 1000));
		const verification = verifySignature(
			{ rawBody, signature: hmac(rawBody).digest('hex'), timestamp: seconds },
			SECRET,
			NOW,
			WINDOW,
		);
		expect(verification).toEqual({ verified: true, form: 'body' });
		const old = String(Math.floor((NOW - WINDOW - 1000) / 1000));
		expect(checkHeaders('sig', old, NOW, WINDOW)).toBe('timestamp outside the window');
	});
});
