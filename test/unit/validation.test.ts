import { isFailure } from '../../nodes/OneFlow/shared/failure';
import {
	normalizeBaseUrl,
	normalizeDocId,
	normalizeWebhookId,
	normalizeWebhookSecret,
	resolveConnection,
} from '../../nodes/OneFlow/shared/validation';

describe('normalizeBaseUrl', () => {
	it.each([
		['https://app.1flow.io', 'https://app.1flow.io'],
		['https://app.1flow.io/', 'https://app.1flow.io'],
		['  https://app.doc-vision.com//  ', 'https://app.doc-vision.com'],
		['https://example.com/1flow/', 'https://example.com/1flow'],
		['http://localhost:5680', 'http://localhost:5680'],
		['http://127.0.0.1:8080/', 'http://127.0.0.1:8080'],
		['http://[::1]:3000', 'http://[::1]:3000'],
	])('accepts %s as %s', (raw, expected) => {
		expect(normalizeBaseUrl(raw)).toBe(expected);
	});

	it.each([
		['', 'has no Base URL'],
		['app.1flow.io', 'not a valid URL'],
		['http://app.1flow.io', 'must use https://'],
		['http://10.0.0.5', 'must use https://'],
		['ftp://app.1flow.io', 'must use https://'],
		['https://user:pw@app.1flow.io', 'must not contain'],
		['https://app.1flow.io/?x=1', 'must not contain'],
		['https://app.1flow.io/#top', 'must not contain'],
		['https://app.1flow.io/api/webhook/abc/document/delete', 'contains a webhook path'],
	])('rejects %j', (raw, problem) => {
		const result = normalizeBaseUrl(raw);
		expect(isFailure(result)).toBe(true);
		expect(isFailure(result) && result.message).toContain(problem);
	});

	it('does not echo a password embedded in the URL', () => {
		const result = normalizeBaseUrl('https://user:hunter2@app.1flow.io');
		expect(JSON.stringify(result)).not.toContain('hunter2');
	});
});

describe('normalizeWebhookId', () => {
	it.each(['abc123xyz', 'wh_demo', 'A-b_9', '  padded  '])('accepts %j', (raw) => {
		expect(normalizeWebhookId(raw)).toBe(raw.trim());
	});

	it.each([
		'',
		'   ',
		'.',
		'..',
		'a/b',
		'../x',
		'a?b',
		'a#b',
		'a%2e',
		'a b',
		'a\tb',
		'ä',
		undefined,
		42,
	])('rejects %j', (raw) => {
		expect(isFailure(normalizeWebhookId(raw))).toBe(true);
	});
});

describe('normalizeWebhookSecret', () => {
	it('trims and keeps an empty secret empty', () => {
		expect(normalizeWebhookSecret('  s3cret  ')).toBe('s3cret');
		expect(normalizeWebhookSecret('')).toBe('');
		expect(normalizeWebhookSecret(undefined)).toBe('');
	});

	it.each(['top\nsecret', 'top\r\nsecret', 'a\u0000b', 'x\u007f'])(
		'rejects %j without echoing it',
		(raw) => {
			const result = normalizeWebhookSecret(raw);
			expect(isFailure(result)).toBe(true);
			expect(JSON.stringify(result)).not.toContain('secret"');
			expect(JSON.stringify(result)).not.toContain(raw.slice(0, 3));
		},
	);
});

describe('resolveConnection', () => {
	it('builds the webhook URL from checked parts', () => {
		expect(
			resolveConnection({
				baseUrl: 'https://app.1flow.io/',
				webhookId: ' abc ',
				webhookSecret: ' s ',
			}),
		).toEqual({
			webhookUrl: 'https://app.1flow.io/api/webhook/abc',
			secret: 's',
		});
	});

	it('reports the first failure', () => {
		const result = resolveConnection({
			baseUrl: 'https://app.1flow.io',
			webhookId: '..',
			webhookSecret: 'x',
		});
		expect(isFailure(result) && result.message).toContain('Webhook ID');
	});
});

describe('normalizeDocId', () => {
	it.each([
		['doc_1', 'doc_1'],
		['  doc_2 ', 'doc_2'],
		[123, '123'],
		[0, '0'],
		[1.5, '1.5'],
	])('accepts %j as %j', (raw, expected) => {
		expect(normalizeDocId(raw)).toBe(expected);
	});

	it.each([
		[undefined, 'No document ID'],
		[null, 'No document ID'],
		['', 'No document ID'],
		['   ', 'is empty'],
		[{ id: 1 }, 'not an object'],
		[['a'], 'not a list'],
		[true, 'not a boolean'],
		[Number.NaN, 'not a finite number'],
		[Number.POSITIVE_INFINITY, 'not a finite number'],
		[2 ** 60, 'too large'],
	])('rejects %j', (raw, problem) => {
		const result = normalizeDocId(raw);
		expect(isFailure(result) && result.message).toContain(problem);
	});
});
