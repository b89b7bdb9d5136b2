/**
 * CPU profile of one stretch of work in this process (node:inspector), summarised by
 * where the time went: package / node internals / GC / idle, the busiest functions, and
 * the inclusive (synchronous) time under a few functions of interest.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

interface CallFrame {
	functionName: string;
	url: string;
	lineNumber: number;
	columnNumber: number;
}

interface ProfileNode {
	id: number;
	callFrame: CallFrame;
	children?: number[];
}

interface CpuProfile {
	nodes: ProfileNode[];
	startTime: number;
	endTime: number;
	samples: number[];
	timeDeltas: number[];
}

export interface ProfileSummary {
	file: string;
	totalMs: number;
	idleMs: number;
	busyMs: number;
	categories: Array<{ name: string; selfMs: number; share: number }>;
	topFunctions: Array<{ name: string; where: string; category: string; selfMs: number }>;
	probes: Array<{ name: string; inclusiveMs: number }>;
}

export async function profile<T>(
	file: string,
	work: () => Promise<T>,
	samplingMicros = 200,
): Promise<{ result: T; profile: CpuProfile }> {
	const session = new Session();
	session.connect();
	try {
		await session.post('Profiler.enable');
		await session.post('Profiler.setSamplingInterval', { interval: samplingMicros });
		await session.post('Profiler.start');
		let outcome: { ok: true; value: T } | { ok: false; error: unknown };
		try {
			outcome = { ok: true, value: await work() };
		} catch (error) {
			outcome = { ok: false, error };
		}
		const { profile: recorded } = (await session.post('Profiler.stop')) as unknown as {
			profile: CpuProfile;
		};
		writeFileSync(file, JSON.stringify(recorded));
		if (!outcome.ok) throw outcome.error;
		return { result: outcome.value, profile: recorded };
	} finally {
		session.disconnect();
	}
}

function packageOf(url: string): string | undefined {
	const at = url.lastIndexOf('/node_modules/');
	if (at === -1) return undefined;
	const rest = url.slice(at + '/node_modules/'.length).split('/');
	return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
}

function categoryOf(frame: CallFrame): string {
	const { functionName, url } = frame;
	if (functionName === '(garbage collector)') return 'GC';
	if (functionName === '(idle)') return 'idle';
	if (functionName === '(program)') return 'V8 / native (program)';
	if (url === '') return `native (${functionName || 'anonymous'})`;
	if (url.startsWith('node:')) {
		if (/_http_|internal\/http|node:http/.test(url)) return 'node: http';
		if (/node:net|internal\/net|stream|internal\/tcp|dns/.test(url)) return 'node: net / streams';
		if (/timers/.test(url)) return 'node: timers';
		if (/events|abort/.test(url)) return 'node: events / AbortSignal';
		return 'node: other';
	}
	const pkg = packageOf(url);
	if (pkg !== undefined) return pkg;
	if (url.includes('/dist/nodes/') || url.includes('/dist/credentials/'))
		return 'n8n-nodes-1flow (dist)';
	if (url.includes('/.build/testkit/')) return 'test kit (engine harness)';
	if (url.includes('/.build/scripts/')) return 'bench script';
	return 'other';
}

function shortUrl(url: string): string {
	const at = url.lastIndexOf('/node_modules/');
	if (at !== -1) return url.slice(at + '/node_modules/'.length);
	const dist = url.indexOf('/dist/');
	if (dist !== -1) return url.slice(dist + 1);
	const build = url.indexOf('/.build/');
	if (build !== -1) return url.slice(build + 1);
	return url.replace(/^file:\/\//, '');
}

/** A probe: a function name and a piece of its script URL, to tell same-named functions apart. */
export interface Probe {
	label: string;
	functionName: string;
	urlIncludes: string;
}

export function summarise(
	file: string,
	recorded: CpuProfile,
	probes: Probe[],
	top = 25,
): ProfileSummary {
	const byId = new Map<number, ProfileNode>();
	const parent = new Map<number, number>();
	for (const node of recorded.nodes) {
		byId.set(node.id, node);
		for (const child of node.children ?? []) parent.set(child, node.id);
	}
	const selfMicros = new Map<number, number>();
	const { samples, timeDeltas } = recorded;
	for (let i = 0; i < samples.length; i++) {
		// timeDeltas[i + 1] is the time until the next sample: attribute it to sample i.
		const delta = timeDeltas[i + 1] ?? 0;
		selfMicros.set(samples[i], (selfMicros.get(samples[i]) ?? 0) + Math.max(0, delta));
	}

	const categories = new Map<string, number>();
	const functions = new Map<
		string,
		{ name: string; where: string; category: string; micros: number }
	>();
	let total = 0;
	let idle = 0;
	for (const [id, micros] of selfMicros) {
		const frame = byId.get(id)!.callFrame;
		const category = categoryOf(frame);
		total += micros;
		if (category === 'idle') idle += micros;
		categories.set(category, (categories.get(category) ?? 0) + micros);
		const where = frame.url === '' ? '' : `${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
		const key = `${frame.functionName}@${where}`;
		const entry = functions.get(key) ?? {
			name: frame.functionName || '(anonymous)',
			where,
			category,
			micros: 0,
		};
		entry.micros += micros;
		functions.set(key, entry);
	}

	// Inclusive time of the probes: a sample counts once per probe found on its stack.
	const probeMicros = probes.map(() => 0);
	const matches = new Map<number, number[]>();
	const matchesOf = (id: number): number[] => {
		let found = matches.get(id);
		if (found === undefined) {
			const frame = byId.get(id)!.callFrame;
			found = [];
			probes.forEach((probe, index) => {
				if (frame.functionName === probe.functionName && frame.url.includes(probe.urlIncludes))
					found!.push(index);
			});
			matches.set(id, found);
		}
		return found;
	};
	for (const [id, micros] of selfMicros) {
		const seen = new Set<number>();
		for (
			let current: number | undefined = id;
			current !== undefined;
			current = parent.get(current)
		) {
			for (const index of matchesOf(current)) seen.add(index);
		}
		for (const index of seen) probeMicros[index] += micros;
	}

	const busy = total - idle;
	const ms = (micros: number) => Math.round(micros / 100) / 10;
	return {
		file,
		totalMs: ms(total),
		idleMs: ms(idle),
		busyMs: ms(busy),
		categories: [...categories.entries()]
			.filter(([name]) => name !== 'idle')
			.sort((a, b) => b[1] - a[1])
			.map(([name, micros]) => ({ name, selfMs: ms(micros), share: busy > 0 ? micros / busy : 0 })),
		topFunctions: [...functions.values()]
			.filter((entry) => entry.category !== 'idle')
			.sort((a, b) => b.micros - a.micros)
			.slice(0, top)
			.map((entry) => ({
				name: entry.name,
				where: entry.where,
				category: entry.category,
				selfMs: ms(entry.micros),
			})),
		probes: probes.map((probe, index) => ({
			name: probe.label,
			inclusiveMs: ms(probeMicros[index]),
		})),
	};
}
