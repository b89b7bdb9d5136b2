/**
 * Memory of the benchmark's own process: a forced gc() (with --expose-gc) and RSS and heap
 * sampled while a run goes on.
 */
export interface MemoryMeasurement {
	baselineRss: number;
	peakRss: number;
	baselineHeapUsed: number;
	peakHeapUsed: number;
	/** RSS and heap after the run's result was dropped and gc() ran. */
	afterGcRss?: number;
	afterGcHeapUsed?: number;
	samples: number;
}

export function gcIfAvailable(): boolean {
	const gc = (globalThis as { gc?: () => void }).gc;
	if (typeof gc !== 'function') return false;
	gc();
	gc();
	return true;
}

/** Samples RSS and heap while work runs (on this event loop, so also right at the end). */
export class MemorySampler {
	private timer: NodeJS.Timeout | undefined;
	peakRss = 0;
	peakHeapUsed = 0;
	samples = 0;

	start(intervalMs: number): void {
		this.sample();
		this.timer = setInterval(() => this.sample(), intervalMs);
	}

	sample(): void {
		const usage = process.memoryUsage();
		this.samples++;
		if (usage.rss > this.peakRss) this.peakRss = usage.rss;
		if (usage.heapUsed > this.peakHeapUsed) this.peakHeapUsed = usage.heapUsed;
	}

	stop(): void {
		this.sample();
		clearInterval(this.timer);
	}
}
