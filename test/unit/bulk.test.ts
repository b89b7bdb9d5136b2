import { deleteDocuments, parseRetryAfter, retryDelayMs, type BulkSettings } from '../../nodes/OneFlow/helpers/bulk';
import type { AttemptOutcome } from '../../nodes/OneFlow/transport';
import { interpretAttempt } from '../../nodes/OneFlow/transport/errors';

const deleteUrl = 'http://127.0.0.1:1/api/webhook/wh/document/delete';
const read = (docId: string, outcome: AttemptOutcome) =>
	interpretAttempt(outcome, { docId, deleteUrl, secret: '', timeoutMs: 1000 });
const ok = (docId: string): AttemptOutcome => ({ kind: 'response', status: 200, body: { success: true, documentId: docId, message: 'ok' } });
const status = (code: number, retryAfter?: string): AttemptOutcome => ({ kind: 'response', status: code, body: { error: `HTTP ${code}` }, retryAfter });
const settings = (overrides: Partial<BulkSettings> = {}): BulkSettings => ({
	concurrency: 5,
	maxRetries: 3,
	stopOnFailure: false,
	treatNotFoundAsDeleted: false,
	checkWebhook: async () => undefined,
	backoffBaseMs: 1,
	backoffCapMs: 5,
	...overrides,
});
const delay = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

describe('parseRetryAfter', () => {
	const now = Date.parse('2026-11-29T12:00:00Z');
	it('reads seconds and HTTP dates', () => {
		expect(parseRetryAfter('3', now)).toBe(3000);
		expect(parseRetryAfter('0.5', now)).toBe(500);
		expect(parseRetryAfter('Sun, 29 Nov 2026 12:00:07 GMT', now)).toBe(7000);
		expect(parseRetryAfter('Sun, 29 Nov 2026 11:00:00 GMT', now)).toBe(0);
	});
	it('ignores what it cannot read', () => {
		expect(parseRetryAfter(undefined, now)).toBeUndefined();
		expect(parseRetryAfter('soon', now)).toBeUndefined();
		expect(parseRetryAfter('-1', now)).toBeUndefined();
	});
});

describe('retryDelayMs', () => {
	it('grows exponentially with jitter between half and all of the step, up to the cap', () => {
		const base = { backoffBaseMs: 100, backoffCapMs: 1000 };
		expect(retryDelayMs(1, undefined, 0, base, () => 0)).toBe(50);
		expect(retryDelayMs(1, undefined, 0, base, () => 1)).toBe(100);
		expect(retryDelayMs(3, undefined, 0, base, () => 1)).toBe(400);
		expect(retryDelayMs(10, undefined, 0, base, () => 1)).toBe(1000);
	});
	it('honours Retry-After up to its cap', () => {
		expect(retryDelayMs(1, '2', 0, { backoffBaseMs: 100 }, () => 0)).toBe(2000);
		expect(retryDelayMs(1, '600', 0, { retryAfterCapMs: 60000 }, () => 0)).toBe(60000);
	});
});

describe('deleteDocuments', () => {
	it('keeps input order and never has more than `concurrency` requests in flight', async () => {
		let inFlight = 0;
		let most = 0;
		const ids = Array.from({ length: 40 }, (_, i) => `doc_${i}`);
		const results = await deleteDocuments(
			ids,
			async (docId) => {
				inFlight++;
				most = Math.max(most, inFlight);
				await delay(Number(docId.split('_')[1]) % 3);
				inFlight--;
				return ok(docId);
			},
			read,
			settings({ concurrency: 4 }),
		);
		expect(most).toBe(4);
		expect(results.map((result) => result.status === 'deleted' && result.documentId)).toEqual(ids);
	});

	it('retries 5xx until success, and gives up after maxRetries', async () => {
		const attempts = new Map<string, number>();
		const send = async (docId: string) => {
			const attempt = (attempts.get(docId) ?? 0) + 1;
			attempts.set(docId, attempt);
			if (docId === 'flaky') return attempt < 3 ? status(503) : ok(docId);
			return status(500);
		};
		const [flaky, broken] = await deleteDocuments(['flaky', 'broken'], send, read, settings({ maxRetries: 2 }));
		expect(flaky).toMatchObject({ status: 'deleted', confirmedByRetry: false });
		expect(broken).toMatchObject({ status: 'failed', failure: { httpCode: 500 } });
		expect(broken.status === 'failed' && broken.failure.description).toContain('3 attempts');
		expect(attempts.get('flaky')).toBe(3);
		expect(attempts.get('broken')).toBe(3);
	});

	it.each([400, 401, 404])('never retries %i', async (code) => {
		let sent = 0;
		await deleteDocuments(['doc'], async () => (sent++, status(code)), read, settings());
		expect(sent).toBe(1);
	});

	it('reports a document deleted when a retry after a lost answer finds it gone', async () => {
		const outcomes: AttemptOutcome[] = [{ kind: 'network', reason: 'timeout' }, status(404)];
		const [result] = await deleteDocuments(['doc'], async () => outcomes.shift() as AttemptOutcome, read, settings());
		expect(result).toMatchObject({ status: 'deleted', documentId: 'doc', confirmedByRetry: true });
	});

	it('does not claim a delete by a lost attempt when the webhook itself is unknown', async () => {
		const outcomes: AttemptOutcome[] = [{ kind: 'network', reason: 'reset' }, status(404)];
		const unknownWebhook = { message: 'The webhook ID was not found in 1Flow', description: 'check it', httpCode: 404 };
		let checks = 0;
		const [result] = await deleteDocuments(
			['doc'],
			async () => outcomes.shift() as AttemptOutcome,
			read,
			settings({ checkWebhook: async () => (checks++, unknownWebhook) }),
		);
		expect(result).toEqual({ status: 'failed', failure: unknownWebhook });
		expect(checks).toBe(1);
	});

	it.each([
		['a refused connection', { kind: 'network', reason: 'refused' } as AttemptOutcome],
		['a 502 from a gateway', status(502)],
		['a 503', status(503)],
	])('does not read a 404 after %s as a delete', async (_, first) => {
		const outcomes: AttemptOutcome[] = [first, status(404)];
		const [result] = await deleteDocuments(['doc'], async () => outcomes.shift() as AttemptOutcome, read, settings());
		expect(result.status).toBe('notFound');
	});

	it('gives up a retry wait once another document failed and the run stops', async () => {
		// 'slow' waits out a 60 s Retry-After unless the stop reaches its wait: jest's timeout guards.
		const results = await deleteDocuments(
			['slow', 'bad'],
			async (docId) => (docId === 'slow' ? status(503, '600') : (await delay(50), status(400))),
			read,
			settings({ concurrency: 2, stopOnFailure: true }),
		);
		expect(results.map((result) => result.status)).toEqual(['failed', 'failed']);
	});


	it('pauses every worker after a 429, not only the one that got it', async () => {
		const sentAt: Array<{ docId: string; at: number }> = [];
		let limited = false;
		const start = Date.now();
		await deleteDocuments(
			['a', 'b', 'c', 'd'],
			async (docId) => {
				sentAt.push({ docId, at: Date.now() - start });
				if (docId === 'a' && !limited) {
					limited = true;
					return status(429, '0.3');
				}
				await delay(20);
				return ok(docId);
			},
			read,
			settings({ concurrency: 2 }),
		);
		// 'b' was already in flight; 'c' and 'd' start only after the shared pause.
		const late = sentAt.filter((entry) => entry.docId === 'c' || entry.docId === 'd');
		expect(late).toHaveLength(2);
		for (const entry of late) expect(entry.at).toBeGreaterThanOrEqual(280);
	});

	it('stops starting new deletes after a failure when asked to', async () => {
		const sent: string[] = [];
		const results = await deleteDocuments(
			['a', 'bad', 'c', 'd', 'e'],
			async (docId) => {
				sent.push(docId);
				return docId === 'bad' ? status(400) : ok(docId);
			},
			read,
			settings({ concurrency: 1, stopOnFailure: true }),
		);
		expect(sent).toEqual(['a', 'bad']);
		expect(results.map((result) => result.status)).toEqual(['deleted', 'failed', 'notSent', 'notSent', 'notSent']);
	});

	it('keeps going after a 404 when missing documents count as deleted', async () => {
		const results = await deleteDocuments(
			['gone', 'b'],
			async (docId) => (docId === 'gone' ? status(404) : ok(docId)),
			read,
			settings({ concurrency: 1, stopOnFailure: true, treatNotFoundAsDeleted: true }),
		);
		expect(results.map((result) => result.status)).toEqual(['notFound', 'deleted']);
	});

	it('sends nothing more once the execution is cancelled', async () => {
		const controller = new AbortController();
		const sent: string[] = [];
		const results = await deleteDocuments(
			['a', 'b', 'c', 'd'],
			async (docId) => {
				sent.push(docId);
				if (docId === 'b') controller.abort();
				return ok(docId);
			},
			read,
			settings({ concurrency: 1, signal: controller.signal }),
		);
		expect(sent).toEqual(['a', 'b']);
		expect(results.map((result) => result.status)).toEqual(['deleted', 'deleted', 'notSent', 'notSent']);
	});

	it('stops waiting for a retry when cancelled', async () => {
		// Retry-After asks for 60 s, past jest's 30 s test timeout: only a prompt stop passes.
		const controller = new AbortController();
		const promise = deleteDocuments(
			['a'],
			async () => status(503, '600'),
			read,
			settings({ signal: controller.signal }),
		);
		await delay(50);
		controller.abort();
		const [result] = await promise;
		expect(result.status).toBe('failed');
	});
});
