/** Why a keep-alive request was aborted for its timeout (fetch rejects with the abort reason). */
const TIMED_OUT = Object.freeze({ reason: 'no bytes moved for the whole timeout' });

/**
 * The timeout of n8n's request helper, for fetch: the request is aborted when no bytes moved
 * (connecting, sending, answering) for `ms`, so a large upload that keeps flowing is never cut
 * off, while a server that stops answering is. One timer at a time, re-armed only when it
 * fires after some activity, so marking progress costs nothing.
 */
export class InactivityTimeout {
	readonly controller = new AbortController();
	private lastActivity = Date.now();
	private timer: AbortSignal | undefined;
	private readonly onTimer = () => this.expired();

	constructor(private readonly ms: number) {
		this.arm(ms);
	}

	/** Bytes moved: the timeout starts again. */
	touch(): void {
		this.lastActivity = Date.now();
	}

	/** The request is over: the pending timer is let go (Node then drops it with its signal). */
	finish(): void {
		this.timer?.removeEventListener('abort', this.onTimer);
		this.timer = undefined;
	}

	get timedOut(): boolean {
		return this.controller.signal.aborted;
	}

	private arm(delay: number): void {
		// AbortSignal.timeout's timer does not keep n8n's process alive after the run.
		this.timer = AbortSignal.timeout(Math.max(1, delay));
		this.timer.addEventListener('abort', this.onTimer, { once: true });
	}

	private expired(): void {
		if (this.timer === undefined) return;
		const idle = Date.now() - this.lastActivity;
		if (idle >= this.ms) this.controller.abort(TIMED_OUT);
		else this.arm(this.ms - idle);
	}
}
