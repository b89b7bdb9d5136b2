/**
 * This package as n8n 2.x's Community Nodes installer fetches it (`npm pack <name>@<version>`
 * from its registry) and lays it out: the packed tarball unpacked into
 * `<userFolder>/.n8n/nodes/node_modules/n8n-nodes-1flow`, dev/peer/optional dependencies
 * dropped from its package.json, `npm install` (shallow, no scripts) inside it, and its version
 * recorded in `.n8n/nodes/package.json`. Node types are then `n8n-nodes-1flow.<node>`, as in
 * examples/.
 */
import { execFile, spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { PACKAGE_NAME, REPO_ROOT } from '../repo';

function run(command: string, args: string[], options: SpawnSyncOptions): string {
	const result = spawnSync(command, args, { encoding: 'utf8', ...options });
	if (result.status !== 0)
		throw new Error(
			`${command} ${args.join(' ')} failed (${result.status ?? result.signal}):\n${String(result.stderr)}`,
		);
	return String(result.stdout);
}

/** `npm pack` of the built repository (or another built copy of it) into `destination`; returns the tarball's path. */
export function packPackage(destination: string, packageDir = REPO_ROOT): string {
	// --ignore-scripts: prepack would build again; the callers have just built.
	const stdout = run(
		'npm',
		['pack', '--silent', '--ignore-scripts', '--pack-destination', destination],
		{ cwd: packageDir },
	);
	return join(destination, stdout.trim().split('\n').pop() as string);
}

/**
 * `npm pack <spec>` from `registry` into `destination`, as n8n's installer fetches a package;
 * returns the tarball's path. Asynchronous: the registry may be a server of this very process.
 */
export async function packFromRegistry(
	registry: string,
	spec: string,
	destination: string,
	cacheDir: string,
): Promise<string> {
	const args = ['pack', spec, `--registry=${registry}`, `--cache=${cacheDir}`, '--quiet'];
	try {
		const { stdout } = await promisify(execFile)('npm', args, { cwd: destination });
		return join(destination, stdout.trim().split('\n').pop() as string);
	} catch (error) {
		const { stderr } = error as { stderr?: string };
		throw new Error(`npm ${args.join(' ')} failed:\n${stderr ?? String(error)}`, { cause: error });
	}
}

function readJson(file: string): Record<string, unknown> {
	return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
}

/** Installs (or replaces) the packed package in an n8n user folder; returns where it went. */
export function installCommunityPackage(userFolder: string, tarball: string): string {
	const nodesDir = join(userFolder, '.n8n', 'nodes');
	const packageDir = join(nodesDir, 'node_modules', PACKAGE_NAME);
	rmSync(packageDir, { recursive: true, force: true });
	mkdirSync(packageDir, { recursive: true });
	run('tar', ['-xzf', tarball, '-C', packageDir, '--strip-components=1'], {});

	const manifestPath = join(packageDir, 'package.json');
	const manifest = readJson(manifestPath);
	for (const key of ['devDependencies', 'peerDependencies', 'optionalDependencies'])
		delete manifest[key];
	writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
	const flags = [
		'--audit=false',
		'--fund=false',
		'--bin-links=false',
		'--install-strategy=shallow',
		'--ignore-scripts=true',
		'--package-lock=false',
		'--loglevel=error',
	];
	run('npm', ['install', ...flags], { cwd: packageDir });

	const nodesManifestPath = join(nodesDir, 'package.json');
	const nodesManifest = existsSync(nodesManifestPath)
		? readJson(nodesManifestPath)
		: { name: 'installed-nodes', private: true };
	nodesManifest.dependencies = {
		...(nodesManifest.dependencies as object | undefined),
		[PACKAGE_NAME]: manifest.version,
	};
	writeFileSync(nodesManifestPath, JSON.stringify(nodesManifest, null, 2));
	return packageDir;
}
