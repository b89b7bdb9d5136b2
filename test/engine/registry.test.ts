/**
 * The test kit's npm registry on 127.0.0.1, as npm itself uses it: `npm pack` of the package
 * from it yields the very tarball it serves, and anything else is not there.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { packFromRegistry, packPackage } from '../../testkit/n8n';
import { PackageRegistry } from '../../testkit/registry';

let dir: string;
let registry: PackageRegistry;
let url: string;

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), 'n8n-nodes-1flow-registry-'));
	registry = new PackageRegistry(packPackage(dir));
	url = await registry.start();
});

afterAll(async () => {
	await registry.stop();
	rmSync(dir, { recursive: true, force: true });
});

test('npm pack <name>@<version> from the registry gives back the packed tarball, byte for byte', async () => {
	const served = readFileSync(join(dir, `${registry.name}-${registry.version}.tgz`));
	const fetchedDir = mkdtempSync(join(dir, 'fetched-'));
	const fetched = await packFromRegistry(
		url,
		`${registry.name}@${registry.version}`,
		fetchedDir,
		join(dir, 'npm-cache'),
	);
	expect(readFileSync(fetched).equals(served)).toBe(true);
	expect(registry.requests.map(({ url: path, status }) => `${status} ${path}`)).toEqual(
		expect.arrayContaining([
			`200 /${registry.name}`,
			`200 /${registry.name}/-/${registry.name}-${registry.version}.tgz`,
		]),
	);
});

test('another package, or another version, is not found', async () => {
	const cache = join(dir, 'npm-cache');
	await expect(packFromRegistry(url, 'n8n-workflow@2.41.0', dir, cache)).rejects.toThrow(/E404/);
	await expect(packFromRegistry(url, `${registry.name}@99.0.0`, dir, cache)).rejects.toThrow(
		/ETARGET|No matching version/,
	);
});
