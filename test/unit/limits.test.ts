/**
 * One attempt's limits: the timeout counts from the last byte that moved, as n8n's helper's
 * does; the deadline bounds the whole attempt however the bytes move; the answer read is capped.
 */
import {
	AttemptLimits,
	MAX_ANSWER_BYTES,
	attemptDeadlineMs,
	readAnswerBody,
} from '../../nodes/OneFlow/transport/limits';
import { sleep, waitFor } from '../support/wait';

const LONG = 60_000;

describe('AttemptLimits', () => {
	test('the timeout does not fire while bytes keep moving, however long the request takes in total', async () => {
		const limits = new AttemptLimits(1000, LONG);
		for (let elapsed = 0; elapsed < 2500; elapsed += 50) {
			limits.touch();
			await sleep(50);
		}
		expect([limits.hit, limits.signal().aborted]).toEqual([undefined, false]);
		limits.finish();
	});

	test('the timeout fires once nothing moved for the whole timeout', async () => {
		const limits = new AttemptLimits(200, LONG);
		limits.touch();
		await waitFor(() => limits.hit !== undefined, 'the timeout');
		expect([limits.hit, limits.signal().aborted]).toEqual(['timeout', true]);
		limits.finish();
	});

	test('the deadline fires while bytes keep moving', async () => {
		const limits = new AttemptLimits(1000, 600);
		const signal = limits.signal();
		while (limits.hit === undefined) {
			limits.touch();
			await sleep(50);
		}
		expect([limits.hit, signal.aborted]).toEqual(['deadline', true]);
		limits.finish();
	});

	test("the execution's cancel aborts the signal without being a limit of the attempt", () => {
		const cancel = new AbortController();
		const limits = new AttemptLimits(1000, LONG);
		const signal = limits.signal(cancel.signal);
		cancel.abort();
		expect([signal.aborted, limits.hit]).toEqual([true, undefined]);
		limits.finish();
	});

	test('the first limit hit stays the reason', () => {
		const limits = new AttemptLimits(1000, LONG);
		const first = limits.stop('tooLarge');
		expect(limits.stop('deadline')).toBe(first);
		expect(limits.hit).toBe('tooLarge');
		limits.finish();
	});

	test('a finished attempt is never aborted', async () => {
		const limits = new AttemptLimits(100, 150);
		limits.finish();
		await sleep(400);
		expect([limits.hit, limits.signal().aborted]).toEqual([undefined, false]);
	});
});

describe('attemptDeadlineMs', () => {
	test('is 4 Timeouts, plus the time to send the request at 1 Mbit/s (128 KiB/s)', () => {
		expect(attemptDeadlineMs(30_000, 0)).toBe(120_000);
		expect(attemptDeadlineMs(1000, 0)).toBe(4000);
		expect(attemptDeadlineMs(30_000, 10 * 1024 * 1024)).toBe(120_000 + 80_000);
	});
});

describe('readAnswerBody', () => {
	async function* chunks(sizes: number[]) {
		for (const size of sizes) yield new Uint8Array(size).fill(0x20);
	}

	test('parses JSON, without a leading byte-order mark, and leaves other text as it is', async () => {
		const limits = new AttemptLimits(1000, LONG);
		async function* of(text: string) {
			yield new TextEncoder().encode(text);
		}
		expect(await readAnswerBody(of('\uFEFF{"success":true}'), null, limits)).toEqual({
			success: true,
		});
		expect(await readAnswerBody(of('<html>gateway</html>'), null, limits)).toBe(
			'<html>gateway</html>',
		);
		expect(await readAnswerBody(undefined, null, limits)).toBe('');
		limits.finish();
	});

	test('reads an answer of exactly 16 MiB', async () => {
		const limits = new AttemptLimits(1000, LONG);
		const sizes = Array.from({ length: 16 }, () => 1024 * 1024);
		const text = await readAnswerBody(chunks(sizes), String(MAX_ANSWER_BYTES), limits);
		// 16 MiB of spaces: not JSON, so the text as it is.
		expect(typeof text === 'string' && text.length).toBe(MAX_ANSWER_BYTES);
		expect(limits.hit).toBeUndefined();
		limits.finish();
	});

	test('stops one byte after 16 MiB, announced or not, and ends the attempt', async () => {
		const unannounced = new AttemptLimits(1000, LONG);
		let pulled = 0;
		async function* endless() {
			for (;;) {
				pulled++;
				yield new Uint8Array(1024 * 1024);
			}
		}
		await expect(readAnswerBody(endless(), null, unannounced)).rejects.toThrow();
		expect([unannounced.hit, unannounced.signal().aborted, pulled]).toEqual(['tooLarge', true, 17]);
		unannounced.finish();

		const announced = new AttemptLimits(1000, LONG);
		const body = chunks([1]);
		await expect(readAnswerBody(body, String(MAX_ANSWER_BYTES + 1), announced)).rejects.toThrow();
		expect(announced.hit).toBe('tooLarge');
		announced.finish();
	});
});
