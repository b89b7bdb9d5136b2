/** What the 1Flow Trigger answers, as the engine and the end-to-end tests expect it. */

/** A callback that started a run. */
export const RUN_STARTED = { received: true, started: true };
/** A callback accepted that starts nothing: a repeat, or an event not chosen. */
export const ACKNOWLEDGED = { received: true, started: false };

/** The receiver's answer: parsed when it is JSON, else the text (n8n's own, e.g. a 422). */
export function answerOf(sent: { reply: string }): unknown {
	try {
		return JSON.parse(sent.reply);
	} catch {
		return sent.reply;
	}
}

/** The trigger's `callbackId` on every item: 16 characters of body digest, 7 of time. */
export const CALLBACK_ID = expect.stringMatching(/^[A-Za-z0-9_-]{16}[0-9a-z]{7}$/) as unknown;
