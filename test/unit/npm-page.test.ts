/**
 * What npm publishes and shows: the tarball holds only what a user's n8n needs (the compiled
 * nodes and credentials, README, LICENSE, package.json), nothing large; the README, which npm
 * and n8n's Community Nodes page show, stays short and links every page of docs/ and the
 * changelog, which has an entry for the version being published.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { REPO_ROOT } from '../../testkit/repo';

interface PackedFile {
	path: string;
	size: number;
}

/** The files `npm pack` would put in the tarball (the build already ran: --ignore-scripts). */
function packedFiles(): PackedFile[] {
	const json = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
		cwd: REPO_ROOT,
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'ignore'],
	});
	return (JSON.parse(json) as Array<{ files: PackedFile[] }>)[0].files;
}

const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');

test('the tarball holds only dist/, README.md, LICENSE.md and package.json, no file over 100 KB', () => {
	const files = packedFiles();
	const stray = files
		.map((file) => file.path)
		.filter((path) => !['README.md', 'LICENSE.md', 'package.json'].includes(path))
		.filter((path) => !/^dist\/(nodes|credentials|icons)\//.test(path));
	expect(stray).toEqual([]);
	expect(files.filter((file) => /(^|\/)(test|testkit)\/|\.test\.|\.map$/.test(file.path))).toEqual(
		[],
	);
	expect(files.filter((file) => file.size > 100 * 1024)).toEqual([]);

	const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
		n8n: { nodes: string[]; credentials: string[] };
	};
	const paths = new Set(files.map((file) => file.path));
	for (const entry of [...manifest.n8n.nodes, ...manifest.n8n.credentials])
		expect({ entry, packed: paths.has(entry) }).toEqual({ entry, packed: true });
	expect(paths.has('dist/icons/oneflow.svg')).toBe(true);
});

test('the README is at most 300 lines and links every page of docs/', () => {
	expect(readme.trimEnd().split('\n').length).toBeLessThanOrEqual(300);
	const pages = readdirSync(join(REPO_ROOT, 'docs')).filter((name) => name.endsWith('.md'));
	expect(pages.length).toBeGreaterThan(0);
	const unlinked = pages.filter((page) => !readme.includes(`](docs/${page}`));
	expect(unlinked).toEqual([]);
});

test('the README links CHANGELOG.md, which has an entry for the version in package.json', () => {
	const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
		version: string;
	};
	const changelog = readFileSync(join(REPO_ROOT, 'CHANGELOG.md'), 'utf8');
	expect(readme).toContain('](CHANGELOG.md)');
	expect(changelog).toMatch(new RegExp(`^## v?${version.replaceAll('.', '\\.')}( |$)`, 'm'));
});

test("the README's and docs' relative links point at files that exist", () => {
	const docs = readdirSync(join(REPO_ROOT, 'docs'))
		.filter((name) => name.endsWith('.md'))
		.map((name) => ({ dir: 'docs', text: readFileSync(join(REPO_ROOT, 'docs', name), 'utf8') }));
	const broken: string[] = [];
	for (const { dir, text } of [{ dir: '.', text: readme }, ...docs]) {
		for (const [, target] of text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
			if (/^[a-z]+:/.test(target)) continue;
			try {
				readFileSync(join(REPO_ROOT, dir, target));
			} catch {
				broken.push(`${dir}: ${target}`);
			}
		}
	}
	expect(broken).toEqual([]);
});
