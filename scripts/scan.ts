/**
 * `npm run scan`: n8n's own community-package scanner (`@n8n/scan-community-package`, the gate
 * before n8n verifies a package) on this checkout and on the tarball `npm publish` would upload.
 *
 * Its command line downloads a published version and checks its npm provenance first; here its
 * analysis runs as it runs there, on local files: the source with the full rule sets (inline
 * eslint-disable comments ignored), and the tarball's compiled .js with its package.json.
 * The scanner is an ES module; compiled to CommonJS it is loaded with require(), which Node 24 allows.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';

import {
	analyzePackage,
	SOURCE_FILE_PATTERNS,
	type ScanResult,
} from '@n8n/scan-community-package/scanner/scanner.mjs';

import { packPackage } from '../testkit/n8n';
import { REPO_ROOT } from '../testkit/repo';

async function main(): Promise<number> {
	const workDir = mkdtempSync(join(tmpdir(), 'n8n-nodes-1flow-scan-'));
	try {
		const tarball = packPackage(workDir);
		const unpacked = join(workDir, 'package');
		execFileSync('tar', ['-xzf', tarball, '-C', workDir]);
		const legs: Array<[string, ScanResult]> = [
			['source checkout', await analyzePackage(REPO_ROOT, SOURCE_FILE_PATTERNS)],
			['packed tarball', await analyzePackage(unpacked, ['**/*.js', 'package.json'])],
		];
		for (const [leg, result] of legs) {
			process.stdout.write(
				`${result.passed ? 'passed' : 'FAILED'}: n8n's community scanner on the ${leg}${result.message ? ` (${result.message})` : ''}\n`,
			);
			if (result.details) process.stdout.write(`${result.details}\n`);
		}
		return legs.every(([, result]) => result.passed) ? 0 : 1;
	} finally {
		rmSync(workDir, { recursive: true, force: true });
	}
}

main().then(
	(code) => (process.exitCode = code),
	(error: unknown) => {
		process.stderr.write(
			`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
		);
		process.exitCode = 1;
	},
);
