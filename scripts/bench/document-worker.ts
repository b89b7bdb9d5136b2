/**
 * Child-process entry for the upload and get scenarios (forked with --expose-gc): one measured
 * run of the node in n8n's engine, with this fresh process's memory as the baseline.
 *
 * - upload: a file of `sizeBytes` is written into n8n's filesystem binary-data store from a
 *   stream (never held whole) before the measurement; then the node uploads it.
 * - get: the node reads `docId` into one item per line item.
 *
 * Both warm up first on a small run (modules loaded, code compiled), so the measured growth is
 * the operation's own.
 */
import '../../testkit/engine/env';

import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';

import type { IBinaryKeyData } from 'n8n-workflow';

import { WORKFLOW_ID, runNode, storeBinaries, useBinaryDataMode } from '../../testkit/engine';
import { WEBHOOK } from './emulator';
import { gcIfAvailable } from './memory';

export type DocumentWorkerRequest =
	| { kind: 'upload'; baseUrl: string; packageDir?: string; sizeBytes: number; gcEveryMs?: number }
	| { kind: 'get'; baseUrl: string; packageDir?: string; warmupDocId: string; docId: string };

export interface MemoryPeaks {
	baselineRss: number;
	/** Highest RSS sampled every 5 ms during the run. */
	peakRss: number;
	/** The kernel's high-water mark of this process before and after the run (getrusage maxrss). */
	maxRssBefore: number;
	maxRssAfter: number;
	baselineArrayBuffers: number;
	peakArrayBuffers: number;
	baselineHeapUsed: number;
	peakHeapUsed: number;
}

export interface DocumentWorkerResult {
	wallMs: number;
	memory: MemoryPeaks;
	status: string;
	error?: string;
	/** upload: what the node reported and what was sent. */
	documentId?: unknown;
	fileSize?: unknown;
	sha256?: string;
	/** get: output items, and whether every one is paired with input item 0. */
	items?: number;
	allPairedToInput?: boolean;
}

const CHUNK = 64 * 1024;

/** `size` bytes of a repeating pattern, as a stream, and its SHA-256 once it has been read. */
function patternStream(size: number): { stream: Readable; digest: () => string } {
	const hash = createHash('sha256');
	const chunk = Buffer.alloc(CHUNK);
	for (let i = 0; i < CHUNK; i++) chunk[i] = (i * 31 + 7) & 0xff;
	let left = size;
	const stream = Readable.from(
		(function* () {
			while (left > 0) {
				const piece = left >= CHUNK ? chunk : chunk.subarray(0, left);
				left -= piece.length;
				hash.update(piece);
				yield piece;
			}
		})(),
	);
	return { stream, digest: () => hash.digest('hex') };
}

async function storedFile(
	size: number,
	fileName: string,
): Promise<{ binary: IBinaryKeyData; sha256: string }> {
	const { stream, digest } = patternStream(size);
	const binary = await storeBinaries(
		{ data: { data: stream, mimeType: 'application/pdf', fileName } },
		{ workflowId: WORKFLOW_ID, executionId: `bench-${fileName}` },
	);
	return { binary, sha256: digest() };
}

class Sampler {
	private timer: NodeJS.Timeout | undefined;
	readonly baseline = process.memoryUsage();
	readonly maxRssBefore = process.resourceUsage().maxRSS * 1024;
	peakRss = this.baseline.rss;
	peakArrayBuffers = this.baseline.arrayBuffers;
	peakHeapUsed = this.baseline.heapUsed;

	start(): void {
		this.timer = setInterval(() => this.sample(), 5);
	}

	sample(): void {
		const usage = process.memoryUsage();
		this.peakRss = Math.max(this.peakRss, usage.rss);
		this.peakArrayBuffers = Math.max(this.peakArrayBuffers, usage.arrayBuffers);
		this.peakHeapUsed = Math.max(this.peakHeapUsed, usage.heapUsed);
	}

	stop(): MemoryPeaks {
		this.sample();
		clearInterval(this.timer);
		const { baseline } = this;
		return {
			baselineRss: baseline.rss,
			peakRss: this.peakRss,
			maxRssBefore: this.maxRssBefore,
			maxRssAfter: process.resourceUsage().maxRSS * 1024,
			baselineArrayBuffers: baseline.arrayBuffers,
			peakArrayBuffers: this.peakArrayBuffers,
			baselineHeapUsed: baseline.heapUsed,
			peakHeapUsed: this.peakHeapUsed,
		};
	}
}

async function run(
	request: DocumentWorkerRequest,
	item: { json: Record<string, unknown>; storedBinary?: IBinaryKeyData },
) {
	const upload = request.kind === 'upload';
	return await runNode({
		node: 'oneFlow',
		packageDir: request.packageDir,
		credentials: {
			oneFlowApi: {
				baseUrl: request.baseUrl,
				webhookId: WEBHOOK.id,
				webhookSecret: WEBHOOK.secret,
			},
		},
		parameters: {
			resource: 'document',
			operation: request.kind,
			options: upload ? { timeout: 300_000 } : { output: 'lineItems' },
		},
		items: [item],
		binaryDataMode: 'filesystem',
	});
}

async function measure(request: DocumentWorkerRequest): Promise<DocumentWorkerResult> {
	await useBinaryDataMode('filesystem');
	let item: { json: Record<string, unknown>; storedBinary?: IBinaryKeyData };
	let sha256: string | undefined;
	if (request.kind === 'upload') {
		await run(request, {
			json: {},
			storedBinary: (await storedFile(1024 * 1024, 'warmup.pdf')).binary,
		});
		const file = await storedFile(request.sizeBytes, 'large.pdf');
		item = { json: {}, storedBinary: file.binary };
		sha256 = file.sha256;
	} else {
		await run(request, { json: { docId: request.warmupDocId } });
		item = { json: { docId: request.docId } };
	}
	gcIfAvailable();
	await new Promise((resolve) => setTimeout(resolve, 200));
	gcIfAvailable();
	const sampler = new Sampler();
	sampler.start();
	// Diagnostic: a young-generation collection (a few ms) every gcEveryMs frees the Buffers of chunks
	// already sent, so what growth is left is what the upload holds.
	const minorGc = () =>
		(globalThis as { gc?: (options: { type: 'minor' }) => void }).gc?.({ type: 'minor' });
	const collector =
		request.kind === 'upload' && request.gcEveryMs
			? setInterval(minorGc, request.gcEveryMs)
			: undefined;
	const started = performance.now();
	const result = await run(request, item);
	const wallMs = performance.now() - started;
	clearInterval(collector);
	const memory = sampler.stop();
	const first = result.main[0]?.json ?? {};
	return {
		wallMs,
		memory,
		status: result.status,
		error: result.error?.message,
		...(request.kind === 'upload'
			? { documentId: first.documentId, fileSize: first.fileSize, sha256 }
			: {
					items: result.main.length,
					allPairedToInput: result.main.every(
						(output) => (output.pairedItem as { item?: number } | undefined)?.item === 0,
					),
				}),
	};
}

process.once('message', (request: DocumentWorkerRequest) => {
	measure(request).then(
		(result) => process.send?.({ ok: true, result }, () => process.exit(0)),
		(error: unknown) =>
			process.send?.(
				{
					ok: false,
					error: error instanceof Error ? (error.stack ?? error.message) : String(error),
				},
				() => process.exit(1),
			),
	);
});
