/** What the benchmark ran on. */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';

function packageVersion(root: string, name: string): string {
	try {
		return (
			JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as {
				version: string;
			}
		).version;
	} catch {
		return 'unknown';
	}
}

/** The machine and versions a run was made with, for the report. */
export function machine(root: string) {
	const cpus = os.cpus();
	return {
		cpus: cpus.length,
		cpuModel: cpus[0]?.model ?? 'unknown',
		totalMemoryMb: Math.round(os.totalmem() / 1024 / 1024),
		platform: `${os.platform()} ${os.release()} ${os.arch()}`,
		node: process.version,
		n8nCore: packageVersion(root, 'n8n-core'),
		n8nWorkflow: packageVersion(root, 'n8n-workflow'),
		backendNetwork: packageVersion(root, '@n8n/backend-network'),
		axios: packageVersion(root, 'axios'),
		undici: packageVersion(root, 'undici'),
		loadAverageAtStart: os.loadavg().map((value) => Number(value.toFixed(2))),
		gcExposed: typeof (globalThis as { gc?: unknown }).gc === 'function',
	};
}
