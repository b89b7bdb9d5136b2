/**
 * Runs the 1Flow emulator from the command line:
 *
 *   node .build/test/emulator/cli.js [--port 5680] [--host 127.0.0.1] [--latency 20] [--rate 100] [--seed-docs N]
 *
 * Stops on SIGINT / SIGTERM.
 */
import { DEMO_WEBHOOK, OneFlowEmulator, demoDocIds } from './server';
import type { FaultConfig } from './server';

interface CliOptions {
	port: number;
	host: string;
	latencyMs?: number;
	rate?: number;
	seedDocs: number;
}

function parseNumber(flag: string, value: string | undefined, min: number): number {
	const parsed = Number(value);
	if (value === undefined || value.trim() === '' || !Number.isFinite(parsed) || parsed < min) {
		throw new Error(`${flag} expects a number >= ${min}, got ${value ?? 'nothing'}`);
	}
	return parsed;
}

export function parseArgs(argv: string[]): CliOptions {
	const options: CliOptions = { port: 5680, host: '127.0.0.1', seedDocs: 10 };
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
		const value = (): string | undefined => (inline !== undefined ? inline : argv[++i]);
		switch (flag) {
			case '--port':
				options.port = parseNumber(flag, value(), 0);
				break;
			case '--host':
				options.host = value() ?? options.host;
				break;
			case '--latency':
				options.latencyMs = parseNumber(flag, value(), 0);
				break;
			case '--rate':
				options.rate = parseNumber(flag, value(), 0);
				break;
			case '--seed-docs':
				options.seedDocs = Math.floor(parseNumber(flag, value(), 0));
				break;
			case '--help':
			case '-h':
				process.stdout.write(
					'Usage: node .build/test/emulator/cli.js [--port 5680] [--host 127.0.0.1] [--latency MS] [--rate PER_SECOND] [--seed-docs N]\n',
				);
				process.exit(0);
				break;
			default:
				throw new Error(`Unknown argument: ${arg}`);
		}
	}
	return options;
}

async function main(): Promise<void> {
	const options = parseArgs(process.argv.slice(2));
	const faults: FaultConfig = {};
	if (options.latencyMs !== undefined) faults.latencyMs = options.latencyMs;
	if (options.rate !== undefined && options.rate > 0) faults.rateLimitPerSecond = options.rate;
	const docIds = demoDocIds(options.seedDocs);
	const emulator = new OneFlowEmulator({
		host: options.host,
		port: options.port,
		faults,
		webhooks: [{ id: DEMO_WEBHOOK.id, secret: DEMO_WEBHOOK.secret, documents: docIds }],
	});
	const baseUrl = await emulator.start();
	const lines = [
		'1Flow emulator listening',
		`  base URL:    ${baseUrl}`,
		`  webhook ID:  ${DEMO_WEBHOOK.id}`,
		`  secret:      ${DEMO_WEBHOOK.secret}   (the public DEMO secret, not a real one)`,
		`  documents:   ${docIds.length === 0 ? 'none' : `${docIds[0]} .. ${docIds[docIds.length - 1]} (${docIds.length})`}`,
		`  latency:     ${options.latencyMs ?? 0} ms`,
		`  rate limit:  ${faults.rateLimitPerSecond ? `${faults.rateLimitPerSecond}/s` : 'off'}`,
		`  endpoint:    POST ${baseUrl}/api/webhook/${DEMO_WEBHOOK.id}/document/delete  {"docId":"..."}`,
		'Press Ctrl+C to stop.',
	];
	process.stdout.write(`${lines.join('\n')}\n`);

	let stopping = false;
	const shutdown = (signal: string) => {
		if (stopping) return;
		stopping = true;
		process.stdout.write(`\n${signal} received, stopping (${emulator.requestCount} requests served)\n`);
		emulator.stop().then(
			() => process.exit(0),
			() => process.exit(1),
		);
	};
	process.on('SIGINT', () => shutdown('SIGINT'));
	process.on('SIGTERM', () => shutdown('SIGTERM'));
}

if (require.main === module) {
	main().catch((error: unknown) => {
		process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
		process.exit(1);
	});
}
