/** Every scenario of the benchmark by its --only name, in the order a full run makes them. */
import { get } from './get';
import { keepalive } from './keepalive';
import { overhead } from './overhead';
import { placement } from './placement';
import { profile } from './profile';
import { queue } from './queue';
import { rateLimit } from './ratelimit';
import { scale } from './scale';
import type { Scenario } from './scenario';
import { throughput } from './throughput';
import { trigger } from './trigger';
import { upload } from './upload';

export const SCENARIOS: Record<string, Scenario> = {
	throughput,
	keepalive,
	overhead,
	scale,
	ratelimit: rateLimit,
	placement,
	profile,
	upload,
	get,
	queue,
	trigger,
};
