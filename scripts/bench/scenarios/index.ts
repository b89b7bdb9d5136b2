/** Every scenario of the benchmark by its --only name, in the order a full run makes them. */
import { overhead } from './overhead';
import { placement } from './placement';
import { profile } from './profile';
import { queue } from './queue';
import { rateLimit } from './ratelimit';
import { scale } from './scale';
import type { Scenario } from './scenario';
import { throughput } from './throughput';

export const SCENARIOS: Record<string, Scenario> = {
	throughput,
	overhead,
	scale,
	ratelimit: rateLimit,
	placement,
	profile,
	queue,
};
