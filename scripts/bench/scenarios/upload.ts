/**
 * Upload: one large file, stored in n8n's filesystem binary-data mode, uploaded by the node in
 * n8n's engine (a fresh process per size), the emulator in its child process. The node's
 * process should not grow by the file's size: the file is streamed from disk to the socket.
 */
import { measureInFreshProcess, peakGrowth } from '../document-runs';
import { mb, seconds, verdict, type Table } from '../table';
import { log, type Scenario } from './scenario';

const MIB = 1024 * 1024;
/** The target: peak RSS growth while uploading 100 MB. */
const TARGET_GROWTH_BYTES = 32 * MIB;
const TARGET_SIZE_MB = 100;
/** The diagnostic run collects garbage this often: what is left is what the upload holds. */
const DIAGNOSTIC_GC_MS = 20;

export const upload: Scenario = async ({ emulator, options }) => {
	// Three sizes tell streaming (growth flat across sizes) from buffering (growth follows the size).
	const sizesMb = options.quick ? [20, TARGET_SIZE_MB] : [20, TARGET_SIZE_MB, 400];
	const plan = [
		...sizesMb.map((sizeMb) => ({ sizeMb, gcEveryMs: undefined as number | undefined })),
		{ sizeMb: TARGET_SIZE_MB, gcEveryMs: DIAGNOSTIC_GC_MS },
	];
	const runs = [];
	for (const { sizeMb, gcEveryMs } of plan) {
		log(
			`upload: a ${sizeMb} MB file in filesystem binary-data mode, in a fresh process${gcEveryMs ? `, a minor gc() every ${gcEveryMs} ms (diagnostic)` : ''}`,
		);
		await emulator.prepare({
			faults: { latencyMs: 0 },
			prefix: `upload${sizeMb}_`,
			count: 0,
			record: false,
		});
		const sizeBytes = sizeMb * MIB;
		const result = await measureInFreshProcess({
			kind: 'upload',
			baseUrl: emulator.baseUrl,
			packageDir: options.packageDir,
			sizeBytes,
			gcEveryMs,
		});
		// The last upload is the measured one (the worker warms up with a small file first).
		const received = (await emulator.stats()).uploads.at(-1);
		const intact =
			received?.size === sizeBytes &&
			received.sha256 === result.sha256 &&
			result.fileSize === sizeBytes;
		runs.push({ sizeMb, gcEveryMs, result, growth: peakGrowth(result.memory), intact });
	}
	const plainRuns = runs.filter((run) => run.gcEveryMs === undefined);
	// Flat: the largest file grows the process by less than twice what the 100 MB one does.
	const flat =
		plainRuns.length < 2 ||
		plainRuns[plainRuns.length - 1].growth <
			2 * plainRuns[Math.min(1, plainRuns.length - 1)].growth;
	const target = runs.find((run) => run.sizeMb === TARGET_SIZE_MB && run.gcEveryMs === undefined);
	const collected = runs.find((run) => run.gcEveryMs !== undefined);
	const pass =
		target !== undefined &&
		target.intact &&
		target.result.status === 'success' &&
		target.growth < TARGET_GROWTH_BYTES;
	const table: Table = {
		title:
			"7. Upload: one file from n8n's filesystem binary-data store, through n8n's request helper, to the emulator (child process)",
		headers: [
			'file MB',
			'minor gc() every',
			'wall s',
			'MB/s',
			'base RSS MB',
			'peak RSS MB',
			'growth MB',
			'Buffers growth MB',
			'heap growth MB',
			'received intact',
			'status',
		],
		rows: runs.map(({ sizeMb, gcEveryMs, result, growth, intact }) => [
			sizeMb,
			gcEveryMs ? `${gcEveryMs} ms` : 'V8 decides',
			seconds(result.wallMs),
			(sizeMb / (result.wallMs / 1000)).toFixed(0),
			mb(result.memory.baselineRss),
			mb(result.memory.baselineRss + growth),
			mb(growth),
			mb(result.memory.peakArrayBuffers - result.memory.baselineArrayBuffers),
			mb(result.memory.peakHeapUsed - result.memory.baselineHeapUsed),
			intact ? 'yes' : 'NO',
			result.error ?? result.status,
		]),
		notes: [
			`target: peak RSS growth < ${mb(TARGET_GROWTH_BYTES)} MB while uploading ${TARGET_SIZE_MB} MB: ${verdict(pass)}`,
			`streamed, not buffered: growth ${plainRuns.map((run) => `${mb(run.growth)} MB`).join(' / ')} for ${plainRuns.map((run) => run.sizeMb).join(' / ')} MB files (${flat ? 'levels off instead of following the file size' : 'FOLLOWS THE FILE SIZE'}).`,
			`held by the upload itself: ${mb(collected?.growth)} MB growth when a minor (young-generation) gc() runs every ${DIAGNOSTIC_GC_MS} ms (< ${mb(TARGET_GROWTH_BYTES)} MB: ${verdict(collected !== undefined && collected.growth < TARGET_GROWTH_BYTES)}). The rest is garbage: every 64 KiB chunk read from the store is a new Buffer, and V8 collects Buffer memory only once about 64 MB of it has piled up since the last collection. Node code can neither start a collection nor read n8n's binary stream into a reused buffer.`,
			"growth = peak RSS (sampled every 5 ms, or the kernel's high-water mark when the run set a new one) minus RSS after warm-up and gc(); the file was written into the store from a stream before the baseline.",
			"received intact: the emulator's size and SHA-256 of the multipart part equal the file's, and the node reported that size.",
			'Buffers growth: process.memoryUsage().arrayBuffers, where file chunks live while in flight.',
		],
	};
	return { tables: [table], data: { runs, targetGrowthBytes: TARGET_GROWTH_BYTES, pass, flat } };
};
