/**
 * `npm run emulator [-- --port 5680] [--host 127.0.0.1] [--latency MS] [--rate PER_SECOND] [--seed-docs N]`:
 * the 1Flow emulator on its own, with the demo webhook, until Ctrl+C.
 */
import { parseArgs } from 'node:util';

import {
	DEFAULT_PROCESSING,
	DEMO_SIGNING_SECRET,
	DEMO_WEBHOOK,
	OneFlowEmulator,
	demoDocIds,
	type FaultConfig,
} from '../testkit/emulator';

const USAGE =
	'Usage: npm run emulator -- [--port 5680] [--host 127.0.0.1] [--latency MS] [--rate PER_SECOND] [--seed-docs N]';

function numberOption(flag: string, value: string | undefined, fallback: number): number {
	if (value === undefined) return fallback;
	const parsed = Number(value);
	if (value.trim() === '' || !Number.isFinite(parsed) || parsed < 0)
		throw new Error(`--${flag} expects a number >= 0, got ${value}\n${USAGE}`);
	return parsed;
}

async function main(): Promise<void> {
	const { values } = parseArgs({
		options: {
			port: { type: 'string' },
			host: { type: 'string', default: '127.0.0.1' },
			latency: { type: 'string' },
			rate: { type: 'string' },
			'seed-docs': { type: 'string' },
			help: { type: 'boolean', short: 'h', default: false },
		},
	});
	if (values.help) {
		console.log(USAGE);
		return;
	}
	const latencyMs = numberOption('latency', values.latency, 0);
	const rate = numberOption('rate', values.rate, 0);
	const faults: FaultConfig = { latencyMs };
	if (rate > 0) faults.rateLimitPerSecond = rate;
	const docIds = demoDocIds(Math.floor(numberOption('seed-docs', values['seed-docs'], 10)));
	const emulator = new OneFlowEmulator({
		host: values.host,
		port: numberOption('port', values.port, 5680),
		faults,
		webhooks: [{ ...DEMO_WEBHOOK, documents: docIds }],
		callbacks: { secret: DEMO_SIGNING_SECRET },
	});
	const baseUrl = await emulator.start();
	console.log(
		[
			'1Flow emulator listening',
			`  base URL:    ${baseUrl}`,
			`  webhook ID:  ${DEMO_WEBHOOK.id}`,
			`  secret:      ${DEMO_WEBHOOK.secret}   (the public DEMO secret, not a real one)`,
			`  documents:   ${docIds.length === 0 ? 'none' : `${docIds[0]} .. ${docIds[docIds.length - 1]} (${docIds.length})`}`,
			`  latency:     ${latencyMs} ms`,
			`  rate limit:  ${rate > 0 ? `${rate}/s` : 'off'}`,
			`  endpoints:   POST ${baseUrl}/api/webhook/${DEMO_WEBHOOK.id}/document/upload  (multipart field "file", or {"url": ...})`,
			`               GET  ${baseUrl}/api/webhook/${DEMO_WEBHOOK.id}/document/get?docId=...  (also POST {"docId":"..."})`,
			`               POST ${baseUrl}/api/webhook/${DEMO_WEBHOOK.id}/document/delete  {"docId":"..."}`,
			`  processing:  an upload is PENDING, PARTIAL, EXTRACTED for ${DEFAULT_PROCESSING.pendingMs} / ${DEFAULT_PROCESSING.partialMs} / ${DEFAULT_PROCESSING.extractedMs} ms, then INDEXED`,
			`  sample file: ${baseUrl}/samples/invoice.pdf  (for uploads by URL; the emulator fetches from loopback only)`,
			`  callbacks:   signed with ${DEMO_SIGNING_SECRET} (the public DEMO signing secret); set where they go:`,
			`               PUT ${baseUrl}/_emulator/callbacks  {"url":"...","secret"?:"...","form"?:{"signs":"timestamp.body","encoding":"hex"}}`,
			`               POST ${baseUrl}/_emulator/callbacks/send  {"docId":"doc_001","kind":"signed"}   (docs/development.md)`,
			'Press Ctrl+C to stop.',
		].join('\n'),
	);

	const shutdown = (signal: string) => {
		console.log(`\n${signal} received, stopping (${emulator.requestCount} requests served)`);
		emulator.stop().then(
			() => process.exit(0),
			() => process.exit(1),
		);
	};
	process.once('SIGINT', () => shutdown('SIGINT'));
	process.once('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
	console.error(error instanceof Error ? error.message : String(error));
	process.exit(1);
});
