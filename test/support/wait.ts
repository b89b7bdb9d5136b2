/** Waiting in tests, for a time or until something holds. */
import { setTimeout as sleep } from 'node:timers/promises';

export { sleep };

export async function waitFor(
	condition: () => boolean,
	what: string,
	timeoutMs = 10_000,
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await sleep(5);
	}
}
