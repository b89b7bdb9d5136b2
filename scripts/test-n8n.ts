/**
 * `npm run test:n8n [-- --n8n 2|1|all] [--queue] [--keep] [--only trigger|editor|…]`: the
 * end-to-end suite (test/e2e, its own jest config) in a real n8n: packs the built package,
 * installs the pinned n8n on first use and runs the suite once per n8n major line. `--queue`:
 * the queue-mode suite instead (test/e2e/queue: n8n 2.x with PostgreSQL, Redis and workers).
 * `--only`: the topics whose file names match. Prints `tests: N passed, N failed` last.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';

import { ensureChromium } from '../testkit/browser';
import { ensureN8n, packPackage, type N8nMajor } from '../testkit/n8n';
import { REPO_ROOT } from '../testkit/repo';
import { N8N_OPTION, n8nMajors } from './n8n-majors';

const log = (message: string) => process.stderr.write(`[1flow] ${message}\n`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

interface Counts {
	passed: number;
	failed: number;
}

/** Runs the suite against one n8n; the counts come from jest's JSON report. */
function runSuite(
	major: N8nMajor,
	tarball: string,
	workDir: string,
	config: string,
	only?: string,
): Counts {
	const report = join(workDir, `jest-n8n-${major}.json`);
	const jest = join(REPO_ROOT, 'node_modules', '.bin', 'jest');
	const topics = only === undefined ? [] : ['--testPathPatterns', only];
	spawnSync(jest, ['--config', config, '--json', `--outputFile=${report}`, ...topics], {
		cwd: REPO_ROOT,
		stdio: 'inherit',
		env: {
			...process.env,
			E2E_N8N_MAJOR: String(major),
			E2E_TARBALL: tarball,
			E2E_WORK_DIR: join(workDir, `n8n-${major}`),
		},
	});
	if (!existsSync(report)) return { passed: 0, failed: 1 };
	const { numPassedTests, numFailedTests, numRuntimeErrorTestSuites } = JSON.parse(
		readFileSync(report, 'utf8'),
	) as Record<string, number>;
	return { passed: numPassedTests, failed: numFailedTests + numRuntimeErrorTestSuites };
}

function main(): number {
	const options = {
		...N8N_OPTION,
		keep: { type: 'boolean', default: false },
		queue: { type: 'boolean', default: false },
		only: { type: 'string' },
	} as const;
	const { values } = parseArgs({ options });
	const majors = n8nMajors(values.n8n);
	if (values.queue && majors.join() !== '2')
		throw new Error('--queue runs on n8n 2.x only (--n8n 2)');
	const config = values.queue ? 'jest.queue.config.js' : 'jest.e2e.config.js';
	const started = Date.now();
	// The editor test (n8n 2.x) drives Debian's Chromium.
	if (majors.includes(2) && !values.queue) ensureChromium();
	const workDir = mkdtempSync(join(tmpdir(), 'n8n-nodes-1flow-e2e-'));
	const tarball = packPackage(workDir);
	log(`Packed ${basename(tarball)} (${Math.round(statSync(tarball).size / 1024)} KiB)`);

	const total: Counts = { passed: 0, failed: 0 };
	for (const major of majors) {
		const installStarted = Date.now();
		const app = ensureN8n(major);
		const installMs = Date.now() - installStarted;
		log(
			`n8n ${app.version} under Node ${process.version}${installMs > 5000 ? `, installed in ${seconds(installMs)}` : ''}`,
		);
		const suiteStarted = Date.now();
		const counts = runSuite(major, tarball, workDir, config, values.only);
		log(
			`n8n ${app.version}: ${counts.passed} passed, ${counts.failed} failed in ${seconds(Date.now() - suiteStarted)}`,
		);
		total.passed += counts.passed;
		total.failed += counts.failed;
	}

	if (values.keep || total.failed > 0) log(`Work folder kept for inspection: ${workDir}`);
	else rmSync(workDir, { recursive: true, force: true });
	log(`total ${seconds(Date.now() - started)}`);
	process.stdout.write(`tests: ${total.passed} passed, ${total.failed} failed\n`);
	return total.failed > 0 ? 1 : 0;
}

process.exitCode = main();
