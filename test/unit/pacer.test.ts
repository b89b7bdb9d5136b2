/**
 * The run's pacing (transport/pacer) step by step, on a clock the test moves: how a 429 sets
 * the rate, which 429s count, and how the rate comes back.
 */
import { Pacer } from '../../nodes/OneFlow/transport/pacer';

const START = 1_000_000;
const never = () => false;

beforeEach(() => {
	jest.useFakeTimers({ now: START });
});
afterEach(() => {
	jest.useRealTimers();
});

/** Moves the clock to `at` ms after START. */
function at(ms: number): number {
	jest.setSystemTime(START + ms);
	return START + ms;
}

/** `count` requests sent evenly from `from` to `to` ms after START, each acquired without waiting; their send times. */
async function sendEvenly(
	pacer: Pacer,
	count: number,
	from: number,
	to: number,
): Promise<number[]> {
	const times: number[] = [];
	for (let index = 0; index < count; index++) {
		at(from + ((to - from) * index) / count);
		times.push(await pacer.acquire(never));
	}
	return times;
}

describe('Pacer', () => {
	test('sends without limit until the first 429', async () => {
		const pacer = new Pacer();
		await sendEvenly(pacer, 200, 0, 100);
		pacer.answered(at(120));
		expect(pacer.currentRate).toBeUndefined();
	});

	test('a 429 sets the rate to 70 % of what the run was sending', async () => {
		const pacer = new Pacer();
		const sent = await sendEvenly(pacer, 50, 0, 900);
		pacer.throttled(undefined, at(950), sent[49]);
		expect(pacer.currentRate).toBeCloseTo(35, 5);
	});

	test('the 429s of requests sent before the slow-down slow the run down once', async () => {
		const pacer = new Pacer();
		const sent = await sendEvenly(pacer, 50, 0, 900);
		pacer.throttled(undefined, at(950), sent[40]);
		// Answers that come late (a busy machine) are still the same burst.
		pacer.throttled(undefined, at(1200), sent[45]);
		pacer.throttled(undefined, at(1300), sent[49]);
		expect(pacer.currentRate).toBeCloseTo(35, 5);
	});

	test('a 429 to a request sent after the slow-down slows the run down again', async () => {
		const pacer = new Pacer();
		const sent = await sendEvenly(pacer, 50, 0, 900);
		pacer.throttled(undefined, at(950), sent[49]);
		await jest.advanceTimersByTimeAsync(1000);
		const later = await pacer.acquire(never);
		pacer.throttled(undefined, Date.now() + 20, later);
		expect(pacer.currentRate).toBeLessThan(35 * 0.7 + 1e-9);
	});

	test('Retry-After pauses every request of the run', async () => {
		const pacer = new Pacer();
		const sent = await sendEvenly(pacer, 10, 0, 100);
		pacer.throttled(2000, at(150), sent[9]);
		let acquired = false;
		void pacer.acquire(never).then(() => (acquired = true));
		await jest.advanceTimersByTimeAsync(1900);
		expect(acquired).toBe(false);
		await jest.advanceTimersByTimeAsync(200);
		expect(acquired).toBe(true);
	});

	test('after a Retry-After pause the rate is measured over the time spent sending, so it does not collapse', async () => {
		const pacer = new Pacer();
		const sent = await sendEvenly(pacer, 50, 0, 900);
		pacer.throttled(1000, at(950), sent[49]);
		expect(pacer.currentRate).toBeCloseTo(35, 5);
		// The pause ends at 1950; the run sends its small burst again and the first answer comes.
		at(1950);
		await pacer.acquire(never);
		await pacer.acquire(never);
		pacer.answered(at(1970));
		// Counting the paused second as sending would make that 2 requests per second.
		expect(pacer.currentRate).toBeGreaterThanOrEqual(15);
	});

	test('the rate comes back to where 1Flow refused it, and grows past it once 1Flow stops refusing', async () => {
		const pacer = new Pacer();
		const sent = await sendEvenly(pacer, 50, 0, 900);
		pacer.throttled(undefined, at(950), sent[49]);
		const rates: number[] = [];
		// Sending for 1 s at each step at nearly the allowed rate, so that the run itself does not hold growth back.
		for (let second = 1; second <= 8; second++) {
			const rate = pacer.currentRate as number;
			await sendEvenly(
				pacer,
				Math.floor(rate * 0.9),
				950 + (second - 1) * 1000,
				950 + second * 1000,
			);
			pacer.answered(at(950 + second * 1000));
			rates.push(pacer.currentRate as number);
		}
		expect(rates.every((rate, index) => index === 0 || rate >= rates[index - 1])).toBe(true);
		expect(rates[1]).toBeLessThan(50);
		expect(rates[7]).toBeGreaterThan(50);
	});

	test('Max Requests per Second caps the rate from the start and after any recovery', async () => {
		const pacer = new Pacer(20);
		expect(pacer.currentRate).toBe(20);
		const sent = await sendEvenly(pacer, 2, 0, 200);
		pacer.throttled(undefined, at(100), sent[1]);
		pacer.answered(at(60_000));
		expect(pacer.currentRate).toBeLessThanOrEqual(20);
	});

	test('a cap below the floor a 429 backs off to still holds after the 429', async () => {
		const pacer = new Pacer(0.1);
		const sent = await sendEvenly(pacer, 1, 0, 10);
		pacer.throttled(undefined, at(100), sent[0]);
		expect(pacer.currentRate).toBe(0.1);
		pacer.answered(at(60_000));
		expect(pacer.currentRate).toBe(0.1);
	});
});
