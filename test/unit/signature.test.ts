import { createHmac } from 'node:crypto';

import { isFirstDelivery } from '../../nodes/OneFlowTrigger/replay';
import { verifySignature } from '../../nodes/OneFlowTrigger/signature';

const SECRET = 'whsec_unit';
const NOW = Date.parse('2026-11-30T12:00:00Z');
const WINDOW = 300_000;
const rawBody = Buffer.from('{"event":"document.ready","documentId":"doc_1", "spacing" : "kept"}');
const hmac = (data: Buffer | string, secret = SECRET) => createHmac('sha256', secret).update(data);

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

	it.each(forms)('accepts %s', (_, signature) => {
		const verification = verifySignature({ rawBody, signature, timestamp }, SECRET, NOW, WINDOW);
		expect(verification).toMatchObject({ verified: true, timestampMs: NOW - 1000 });
	});

	it('gives the same fingerprint to the same signature, another to another', () => {
		const sign = (signature: string) =>
			verifySignature({ rawBody, signature, timestamp }, SECRET, NOW, WINDOW);
		const [hex, prefixed, base64] = [forms[0][1], forms[2][1], forms[3][1]].map(sign);
		expect(hex).toEqual(prefixed);
		expect(hex).toEqual(base64);
		expect(sign(forms[4][1])).not.toEqual(hex);
	});

	it('says whether the signature covers the timestamp (a replay cannot bring a fresh one)', () => {
		const sign = (signature: string) =>
			verifySignature({ rawBody, signature, timestamp }, SECRET, NOW, WINDOW);
		expect(
			forms
				.map(([name, signature]) => [name, sign(signature)])
				.map(([name, verification]) => [
					name,
					(verification as { timestampSigned: boolean }).timestampSigned,
				]),
		).toEqual(forms.map(([name]) => [name, name.includes('timestamp')]));
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
		expect(verification).toMatchObject({
			verified: true,
			timestampMs: Math.floor(NOW / 1000) * 1000,
		});
	});
});

describe('isFirstDelivery', () => {
	it('recognises a repeat until the given time, and not after', () => {
		const key = `unit:${Math.random()}`;
		expect(isFirstDelivery(key, 1000, 5000)).toBe(true);
		expect(isFirstDelivery(key, 4999, 9000)).toBe(false);
		expect(isFirstDelivery(key, 5000, 9000)).toBe(true);
		expect(isFirstDelivery(`${key}:other`, 5000, 9000)).toBe(true);
	});
});
