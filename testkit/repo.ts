/** Where this repository is, from its sources or from their compiled copy in .build/. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export const PACKAGE_NAME = 'n8n-nodes-1flow';

function findRepoRoot(from: string): string {
	for (let dir = resolve(from); ; dir = dirname(dir)) {
		const manifest = join(dir, 'package.json');
		if (
			existsSync(manifest) &&
			(JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === PACKAGE_NAME
		) {
			return dir;
		}
		if (dirname(dir) === dir)
			throw new Error(`No package.json named "${PACKAGE_NAME}" above ${from}`);
	}
}

/** The folder of the package.json named n8n-nodes-1flow above this file. */
export const REPO_ROOT = findRepoRoot(__dirname);
