/** Get: a document with 1,000 line items read into one item per line, in a fresh process: time and memory. */
import { measureInFreshProcess, peakGrowth } from '../document-runs';
import { mb, verdict, type Table } from '../table';
import { log, type Scenario } from './scenario';

const LINE_ITEMS = 1000;

export const get: Scenario = async ({ emulator, options }) => {
	log(`get: a document with ${LINE_ITEMS} line items into one item per line, in a fresh process`);
	const prefix = 'lines_';
	await emulator.prepare({
		faults: { latencyMs: 0 },
		prefix,
		count: 2,
		record: false,
		lineItems: LINE_ITEMS,
	});
	const result = await measureInFreshProcess({
		kind: 'get',
		baseUrl: emulator.baseUrl,
		packageDir: options.packageDir,
		warmupDocId: `${prefix}0`,
		docId: `${prefix}1`,
	});
	const growth = peakGrowth(result.memory);
	const ok =
		result.status === 'success' && result.items === LINE_ITEMS && result.allPairedToInput === true;
	const table: Table = {
		title: `8. Get: one document with ${LINE_ITEMS.toLocaleString('en-US')} line items, output "One Item per Line Item"`,
		headers: [
			'line items',
			'output items',
			'all paired to input 0',
			'wall ms',
			'µs/item',
			'base RSS MB',
			'growth MB',
			'heap growth MB',
			'result',
		],
		rows: [
			[
				LINE_ITEMS,
				result.items,
				result.allPairedToInput ? 'yes' : 'NO',
				Math.round(result.wallMs),
				Math.round((result.wallMs * 1000) / LINE_ITEMS),
				mb(result.memory.baselineRss),
				mb(growth),
				mb(result.memory.peakHeapUsed - result.memory.baselineHeapUsed),
				verdict(ok),
			],
		],
		notes: [
			"Wall time is the whole node run in n8n's engine: one Get request (about 90 KB of JSON), shaping, and the engine's handling of the 1,000 output items.",
		],
	};
	return { tables: [table], data: { lineItems: LINE_ITEMS, result, growth, ok } };
};
