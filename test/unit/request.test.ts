import { readAnswer } from '../../nodes/OneFlow/helpers/request';
import { quoteApiText } from '../../nodes/OneFlow/shared/quote';
import { DELETE, UPLOAD } from '../../nodes/OneFlow/texts/actions';
import type { Answer } from '../../nodes/OneFlow/transport';
import { networkFailureOf } from '../../nodes/OneFlow/transport/network';

const context = {
	url: 'https://app.1flow.io/api/webhook/wh/document/delete',
	secret: 'sup3r-secret',
	timeoutMs: 1000,
	deadlineMs: 4000,
};
const read = (answer: Answer, docId = 'doc_1') =>
	readAnswer(answer, () => DELETE.about(docId), context);
const response = (
	status: number,
	body: unknown,
	extra: { retryAfter?: string; location?: string } = {},
): Answer => ({
	kind: 'response',
	status,
	body,
	...extra,
});

describe('readAnswer', () => {
	it('hands on the body of a confirmed answer', () => {
		const body = { success: true, message: 'Document deleted successfully', documentId: 'doc_1' };
		expect(read(response(200, body))).toEqual({ status: 'succeeded', value: body });
	});

	it.each([
		['no success flag', { message: 'ok' }],
		['success false', { success: false }],
		['a non-JSON body', '<html>gateway</html>'],
		['an empty body', ''],
	])('does not report a delete for a 200 with %s', (_, body) => {
		const verdict = read(response(200, body));
		expect([verdict.status, 'retry' in verdict]).toEqual(['failed', false]);
	});

	it.each([
		[400, 'failed', 'rejected document ID "doc_1": Missing or invalid docId'],
		[401, 'failed', 'rejected the webhook secret'],
		[403, 'failed', 'refused to delete document "doc_1" (HTTP 403)'],
		[404, 'failed', 'not found in 1Flow, or the webhook ID is wrong'],
		[501, 'failed', 'failed with HTTP 501'],
	])('maps %i to %s', (status, type, message) => {
		const verdict = read(response(status, { error: 'Missing or invalid docId in request body' }));
		expect([verdict.status, 'retry' in verdict]).toEqual([type, false]);
		expect('failure' in verdict && verdict.failure.message).toContain(message);
		expect('failure' in verdict && verdict.failure.httpCode).toBe(status);
	});

	it.each([
		[408, false, false],
		[429, false, true],
		[500, false, false],
		[502, false, false],
		[503, false, false],
		[504, false, false],
	])(
		'retries %i (may have been carried out: %s, rate limited: %s)',
		(status, answerLost, rateLimited) => {
			const verdict = read(response(status, { error: 'x' }, { retryAfter: '2' }));
			expect(verdict).toMatchObject({
				status: 'failed',
				retry: { why: rateLimited ? 'rateLimited' : 'fault', answerLost, retryAfter: '2' },
			});
		},
	);

	it.each([
		['timeout', true],
		['deadline', true],
		['reset', true],
		['refused', false],
		['unreachable', false],
	] as const)('retries a %s (may have been carried out: %s)', (reason, answerLost) => {
		expect(read({ kind: 'network', reason })).toMatchObject({
			status: 'failed',
			retry: { why: 'fault', answerLost },
		});
	});

	it('quotes a docId short and escaped, whatever it holds', () => {
		const verdict = read(response(413, {}), `a"b\n${'x'.repeat(5000)}`);
		const message = 'failure' in verdict ? verdict.failure.message : '';
		expect(message).toContain('"a\\"b\\nxxx');
		expect(message).not.toContain('\n');
		expect(message.length).toBeLessThan(200);
	});

	it('does not retry a cancelled request', () => {
		const verdict = read({ kind: 'network', reason: 'cancelled' });
		expect([verdict.status, 'retry' in verdict]).toEqual(['failed', false]);
	});

	it('does not retry an answer too large to read: it would come as large again', () => {
		const verdict = read({ kind: 'network', reason: 'tooLarge' });
		expect([verdict.status, 'retry' in verdict]).toEqual(['failed', false]);
		expect('failure' in verdict && verdict.failure.message).toBe(
			'1Flow\'s answer to the delete of document "doc_1" was larger than 16 MiB',
		);
	});

	it('never sends an upload again after its deadline: 1Flow may have taken the file', () => {
		const answer: Answer = { kind: 'network', reason: 'deadline' };
		const verdict = readAnswer(answer, () => UPLOAD.about('a.pdf'), context, false);
		expect([verdict.status, 'retry' in verdict]).toEqual(['failed', false]);
		expect('failure' in verdict && verdict.failure).toMatchObject({
			message: '1Flow\'s answer took longer than 4 s while uploading file "a.pdf"',
			description: expect.stringContaining('the document may have been created in 1Flow'),
		});
	});

	it('names only the origin of a redirect target and never follows it', () => {
		const verdict = read(response(302, '', { location: 'https://evil.example/steal?token=abc' }));
		expect([verdict.status, 'retry' in verdict]).toEqual(['failed', false]);
		const text = JSON.stringify(verdict);
		expect(text).toContain('https://evil.example');
		expect(text).not.toContain('token=abc');
	});

	it('cuts the secret out of 1Flow texts', () => {
		const verdict = read(response(401, { error: 'Secret sup3r-secret is wrong' }));
		expect(JSON.stringify(verdict)).not.toContain('sup3r-secret');
		expect(JSON.stringify(verdict)).toContain('[redacted]');
	});
});

describe('quoteApiText', () => {
	it('shortens long texts and folds white space', () => {
		const quoted = quoteApiText(`a\n\n${'x'.repeat(1000)}`, '');
		expect(quoted.startsWith('a x')).toBe(true);
		expect(quoted.length).toBeLessThanOrEqual(301);
	});
});

describe('networkFailureOf', () => {
	it.each([
		[{ code: 'ECONNREFUSED' }, 'refused'],
		[{ cause: { code: 'ECONNRESET' } }, 'reset'],
		[{ cause: { cause: { code: 'ECONNABORTED' } } }, 'timeout'],
		[{ message: 'timeout of 50ms exceeded' }, 'timeout'],
		[{ message: 'socket hang up' }, 'reset'],
		[{ code: 'ERR_BAD_RESPONSE', message: 'stream has been aborted' }, 'reset'],
		[{ name: 'CanceledError' }, 'cancelled'],
		[{ code: 'ERR_CANCELED' }, 'cancelled'],
		[{ code: 'ENOTFOUND' }, 'unreachable'],
		[new Error('something else'), 'other'],
		['a string', 'other'],
	])('reads %j as %s', (error, reason) => {
		expect(networkFailureOf(error)).toBe(reason);
	});
});
