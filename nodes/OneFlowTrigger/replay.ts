/**
 * Callbacks this n8n process accepted recently. A second delivery within the timestamp window
 * (a replay, or 1Flow retrying) starts nothing; after the window the timestamp check refuses
 * it anyway. Kept per process: n8n with several webhook processes keeps one list in each.
 */
const MAX_ENTRIES = 100_000;

/** key -> time until which a repeat is recognised. */
const accepted = new Map<string, number>();

function forgetExpired(now: number): void {
	for (const [key, until] of accepted) if (until <= now) accepted.delete(key);
	// Still full: the oldest entries go first (a Map keeps insertion order).
	for (const key of accepted.keys()) {
		if (accepted.size < MAX_ENTRIES) break;
		accepted.delete(key);
	}
}

/** True the first time `key` is seen before `until`; later calls until then are repeats. */
export function isFirstDelivery(key: string, now: number, until: number): boolean {
	const known = accepted.get(key);
	if (known !== undefined && known > now) return false;
	if (accepted.size >= MAX_ENTRIES) forgetExpired(now);
	accepted.set(key, until);
	return true;
}
