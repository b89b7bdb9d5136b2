/**
 * `npm run release:dry-run`: the release path without publishing anything, so that it cannot
 * rot unseen (.ci/run runs it; it needs the npm registry and nothing else):
 * 1. `npm publish` by hand is refused, with a message naming `npm run release`;
 * 2. `n8n-node release` as publish.yml runs it in GitHub Actions: lint, build, then
 *    `npm publish` with provenance and npm's dry run;
 * 3. the changelog entry `npm run release` writes on a maintainer's machine (auto-changelog, as
 *    n8n-node release's hook runs it after the version bump) lands above the kept history, here
 *    in a copy of CHANGELOG.md.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { REPO_ROOT } from '../testkit/repo';

/** The marker auto-changelog writes above; everything from the first one on is kept. */
const KEPT_FROM = '<!-- auto-changelog-above -->';

const log = (message: string) => process.stderr.write(`[1flow] ${message}\n`);

/**
 * The caller's environment without what would make a publish a release or a dry run already, nor
 * npm's log level (`npm run --silent` passes it on, and would hide what npm publish says).
 */
function plainEnv(): NodeJS.ProcessEnv {
	const env = { ...process.env };
	const settings = /^(RELEASE_MODE|GITHUB_ACTIONS|npm_config_(provenance|dry_run|loglevel))$/i;
	for (const key of Object.keys(env)) if (settings.test(key)) delete env[key];
	return env;
}

/** Runs a command in the repository; its output is shown and returned. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv) {
	const result = spawnSync(command, args, { cwd: REPO_ROOT, env, encoding: 'utf8' });
	const output = `${result.stdout}${result.stderr}`;
	process.stdout.write(output);
	return { status: result.status, output };
}

function publishByHandIsRefused(): string | undefined {
	// --dry-run: should the refusal ever break, nothing is published.
	const { status, output } = run('npm', ['publish', '--dry-run'], plainEnv());
	if (status === 0) return '`npm publish` by hand was not refused';
	if (!output.includes('npm run release')) return 'the refusal does not name `npm run release`';
	return undefined;
}

function releaseAsInGitHubActions(version: string): string | undefined {
	const env = { ...plainEnv(), GITHUB_ACTIONS: 'true', npm_config_dry_run: 'true' };
	const { status, output } = run(join(REPO_ROOT, 'node_modules/.bin/n8n-node'), ['release'], env);
	if (status !== 0) return `n8n-node release exited with ${status}`;
	if (!output.includes(`+ n8n-nodes-1flow@${version}`) || !/\(dry-run\)/.test(output))
		return 'n8n-node release did not reach npm publish (dry run)';
	return undefined;
}

function changelogEntryIsWritten(version: string): string | undefined {
	const dir = mkdtempSync(join(tmpdir(), 'n8n-nodes-1flow-changelog-'));
	try {
		const copy = join(dir, 'CHANGELOG.md');
		copyFileSync(join(REPO_ROOT, 'CHANGELOG.md'), copy);
		const before = readFileSync(copy, 'utf8');
		const bin = join(REPO_ROOT, 'node_modules/.bin/auto-changelog');
		if (run(bin, ['-p', '--output', copy], plainEnv()).status !== 0) return 'auto-changelog failed';
		const after = readFileSync(copy, 'utf8');
		const kept = before.slice(before.indexOf(KEPT_FROM));
		if (!before.includes(KEPT_FROM) || !after.endsWith(kept))
			return 'the changelog lost what was below its marker';
		const entry = after.slice(0, after.length - kept.length);
		if (!entry.startsWith('# Changelog') || !entry.includes(`\n## ${version} (`))
			return `the changelog has no entry for ${version} above its marker`;
		return undefined;
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

function main(): number {
	const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
		version: string;
	};
	const checks: Array<[string, () => string | undefined]> = [
		['npm publish by hand', publishByHandIsRefused],
		['n8n-node release as in GitHub Actions', () => releaseAsInGitHubActions(version)],
		['the changelog entry', () => changelogEntryIsWritten(version)],
	];
	let failed = 0;
	for (const [name, check] of checks) {
		log(`release dry run: ${name}`);
		const problem = check();
		if (problem !== undefined) failed++;
		log(`release dry run: ${name}: ${problem ?? 'ok'}`);
	}
	return failed > 0 ? 1 : 0;
}

process.exitCode = main();
