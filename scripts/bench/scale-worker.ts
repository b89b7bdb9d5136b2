/**
 * Child-process entry for the scale scenario (forked by ./measure.ts with --expose-gc): runs
 * the node over `${prefix}0 .. ${prefix}(warmup-1)` to warm up, then measures a run over the
 * next `count` documents, with RSS starting from this fresh process.
 */
import '../../testkit/engine/env';

import { docIdsFor } from './emulator';
import { executeNode, setPackageDir, type ScaleWorkerRequest } from './measure';

process.once('message', (request: ScaleWorkerRequest) => {
	void (async () => {
		try {
			setPackageDir(request.packageDir);
			const ids = docIdsFor(request.prefix, request.warmup + request.count);
			if (request.warmup > 0)
				await executeNode(request.baseUrl, ids.slice(0, request.warmup), request.concurrency);
			const execution = await executeNode(
				request.baseUrl,
				ids.slice(request.warmup),
				request.concurrency,
				true,
			);
			process.send?.({ ok: true, execution }, () => process.exit(0));
		} catch (error) {
			process.send?.(
				{
					ok: false,
					error: error instanceof Error ? (error.stack ?? error.message) : String(error),
				},
				() => process.exit(1),
			);
		}
	})();
});
