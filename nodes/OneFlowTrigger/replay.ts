/**
 * Callbacks this n8n process accepted recently. A second delivery while remembered (a replay,
 * or 1Flow retrying) starts nothing. A signature over the timestamp is remembered for the
 * timestamp window, after which the timestamp check refuses it anyway; one over the body
 * alone, which a fresh timestamp does not invalidate, for a day. Kept per process (lost on
 * restart): n8n with several webhook processes keeps one list in each.
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
