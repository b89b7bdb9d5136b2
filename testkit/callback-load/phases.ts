/**
 * 1Flow callbacks as a bulk upload brings them: all at once (burst), on a fixed schedule
 * whatever the answers (stream, open loop) and a fixed number in flight (surge, closed loop).
 * Every callback names its own document, so that each answer can be matched to an execution.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

import type { CallbackSender, SentCallback } from '../emulator';

/** `count` distinct document IDs `<prefix><n>`, n from `first` on. */
export function documentIds(prefix: string, count: number, first = 1): string[] {
	return Array.from({ length: count }, (_, index) => `${prefix}${first + index}`);
}

/** Every callback at the same moment. */
export async function burst(sender: CallbackSender, docIds: string[]): Promise<SentCallback[]> {
	return await Promise.all(docIds.map((docId) => sender.send({ docId })));
}

export interface StreamResult {
	sent: SentCallback[];
	/** How far the latest callback left after its scheduled time (this process's own delay). */
	maxLateMs: number;
}

/** Callback i leaves `i / perSecond` seconds after the first, answered or not (open loop). */
export async function stream(
	sender: CallbackSender,
	docIds: string[],
	perSecond: number,
): Promise<StreamResult> {
	const started = performance.now();
	const pending: Array<Promise<SentCallback>> = [];
	let maxLateMs = 0;
	for (const [index, docId] of docIds.entries()) {
		const due = started + (index * 1000) / perSecond;
		const wait = due - performance.now();
		if (wait > 0) await sleep(wait);
		maxLateMs = Math.max(maxLateMs, performance.now() - due);
		pending.push(sender.send({ docId }));
	}
	return { sent: await Promise.all(pending), maxLateMs };
}

/** `inFlight` callbacks at a time: the next leaves when an answer came (closed loop). */
export async function surge(
	sender: CallbackSender,
	docIds: string[],
	inFlight: number,
): Promise<SentCallback[]> {
	const sent: SentCallback[] = [];
	let next = 0;
	const lane = async () => {
		while (next < docIds.length) sent.push(await sender.send({ docId: docIds[next++] }));
	};
	await Promise.all(Array.from({ length: Math.min(inFlight, docIds.length) }, lane));
	return sent;
}

export interface AnswerTimes {
	/** Callbacks that got an HTTP answer (any status). */
	answered: number;
	p50Ms?: number;
	p99Ms?: number;
	maxMs?: number;
}

/** Nearest-rank percentile of ascending values. */
function percentile(sorted: number[], share: number): number | undefined {
	if (sorted.length === 0) return undefined;
	return sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)];
}

/** Time from sending to the whole answer, over the callbacks that got one. */
export function answerTimes(sent: SentCallback[]): AnswerTimes {
	const ms = sent
		.filter((one) => one.status !== 0)
		.map((one) => one.ms)
		.sort((a, b) => a - b);
	return {
		answered: ms.length,
		p50Ms: percentile(ms, 0.5),
		p99Ms: percentile(ms, 0.99),
		maxMs: ms.at(-1),
	};
}

/** Answers by HTTP status ("0": none within the sender's timeout). */
export function statusCounts(sent: SentCallback[]): Record<string, number> {
	const counts: Record<string, number> = {};
	for (const one of sent) counts[one.status] = (counts[one.status] ?? 0) + 1;
	return counts;
}
