/** Runs scripts/bench/document-worker in a fresh `node --expose-gc` process and returns its measurement. */
import { fork } from 'node:child_process';
import { join } from 'node:path';

import type { DocumentWorkerRequest, DocumentWorkerResult, MemoryPeaks } from './document-worker';

export type { DocumentWorkerResult, MemoryPeaks };

export async function measureInFreshProcess(
	request: DocumentWorkerRequest,
): Promise<DocumentWorkerResult> {
	const child = fork(join(__dirname, 'document-worker.js'), [], {
		execArgv: ['--expose-gc'],
		stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
	});
	const result = await new Promise<DocumentWorkerResult>((resolve, reject) => {
		child.once(
			'message',
			(message: { ok: true; result: DocumentWorkerResult } | { ok: false; error: string }) => {
				if (message.ok) resolve(message.result);
				else reject(new Error(`document worker: ${message.error}`));
			},
		);
		child.once('exit', (code) =>
			reject(new Error(`document worker exited (${code}) without a result`)),
		);
		child.send(request);
	});
	await new Promise<void>((resolve) =>
		child.exitCode !== null ? resolve() : child.once('exit', () => resolve()),
	);
	return result;
}

/** RSS growth over the run's baseline: the sampled peak, or the kernel's high-water mark when the run set a new one. */
export function peakGrowth(memory: MemoryPeaks): number {
	const kernelPeak = memory.maxRssAfter > memory.maxRssBefore ? memory.maxRssAfter : 0;
	return Math.max(memory.peakRss, kernelPeak) - memory.baselineRss;
}
