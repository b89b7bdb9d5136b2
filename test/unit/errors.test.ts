import type { AttemptOutcome } from '../../nodes/OneFlow/transport';
import { networkFailureOf } from '../../nodes/OneFlow/transport';
import { interpretAttempt, quoteApiText } from '../../nodes/OneFlow/transport/errors';

const context = {
	docId: 'doc_1',
	deleteUrl: 'https://app.1flow.io/api/webhook/wh/document/delete',
	secret: 'sup3r-secret',
	timeoutMs: 1000,
};
const response = (status: number, body: unknown, extra: { retryAfter?: string; location?: string } = {}): AttemptOutcome => ({
	kind: 'response',
	status,
	body,
	...extra,
});

describe('interpretAttempt', () => {
	it('reads a confirmed delete', () => {
		expect(
			interpretAttempt(response(200, { success: true, message: 'Document deleted successfully', documentId: 'doc_1' }), context),
		).toEqual({ type: 'deleted', documentId: 'doc_1', message: 'Document deleted successfully' });
	});

	it('falls back to the docId sent when 1Flow omits documentId', () => {
		const verdict = interpretAttempt(response(200, { success: true }), context);
		expect(verdict).toMatchObject({ type: 'deleted', documentId: 'doc_1' });
	});

	it.each([
		['no success flag', { message: 'ok' }],
		['success false', { success: false }],
		['a non-JSON body', '<html>gateway</html>'],
		['an empty body', ''],
	])('does not report a delete for a 200 with %s', (_, body) => {
		const verdict = interpretAttempt(response(200, body), context);
		expect(verdict.type).toBe('fail');
	});

	it.each([
		[400, 'fail', 'rejected document ID "doc_1": Missing or invalid docId'],
		[401, 'fail', 'rejected the webhook secret'],
		[403, 'fail', 'refused to delete document "doc_1" (HTTP 403)'],
		[404, 'notFound', 'not found in 1Flow, or the webhook ID is wrong'],
		[501, 'fail', 'failed with HTTP 501'],
	])('maps %i to %s', (status, type, message) => {
		const verdict = interpretAttempt(response(status, { error: 'Missing or invalid docId in request body' }), context);
		expect(verdict.type).toBe(type);
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
	])('retries %i (may have been carried out: %s, rate limited: %s)', (status, maybeCarriedOut, rateLimited) => {
		const verdict = interpretAttempt(response(status, { error: 'x' }, { retryAfter: '2' }), context);
		expect(verdict).toMatchObject({ type: 'retry', maybeCarriedOut, rateLimited, retryAfter: '2' });
	});

	it.each([
		['timeout', true],
		['reset', true],
		['refused', false],
		['unreachable', false],
	] as const)('retries a %s (may have been carried out: %s)', (reason, maybeCarriedOut) => {
		expect(interpretAttempt({ kind: 'network', reason }, context)).toMatchObject({ type: 'retry', maybeCarriedOut });
	});

	it('quotes a docId short and escaped, whatever it holds', () => {
		const verdict = interpretAttempt(response(413, {}), { ...context, docId: `a"b\n${'x'.repeat(5000)}` });
		const message = 'failure' in verdict ? verdict.failure.message : '';
		expect(message).toContain('"a\\"b\\nxxx');
		expect(message).not.toContain('\n');
		expect(message.length).toBeLessThan(200);
	});

	it('does not retry a cancelled request', () => {
		expect(interpretAttempt({ kind: 'network', reason: 'cancelled' }, context).type).toBe('fail');
	});

	it('names only the origin of a redirect target and never follows it', () => {
		const verdict = interpretAttempt(
			response(302, '', { location: 'https://evil.example/steal?token=abc' }),
			context,
		);
		expect(verdict.type).toBe('fail');
		const text = JSON.stringify(verdict);
		expect(text).toContain('https://evil.example');
		expect(text).not.toContain('token=abc');
	});

	it('cuts the secret out of 1Flow texts', () => {
		const verdict = interpretAttempt(response(401, { error: 'Secret sup3r-secret is wrong' }), context);
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
		[{ name: 'CanceledError' }, 'cancelled'],
		[{ code: 'ERR_CANCELED' }, 'cancelled'],
		[{ code: 'ENOTFOUND' }, 'unreachable'],
		[new Error('something else'), 'other'],
		['a string', 'other'],
	])('reads %j as %s', (error, reason) => {
		expect(networkFailureOf(error)).toBe(reason);
	});
});
