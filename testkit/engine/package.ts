/** Loading a community package the way n8n loads an installed one: its dist, through n8n-core. */
import './env';

import { realpathSync } from 'node:fs';

import { PackageDirectoryLoader } from 'n8n-core';

const loaders = new Map<string, Promise<PackageDirectoryLoader>>();

/**
 * Loads the package's `dist` through n8n-core's PackageDirectoryLoader (the files named in
 * package.json's "n8n" section), once per package folder.
 */
export async function loadPackage(packageDir: string): Promise<PackageDirectoryLoader> {
	const key = realpathSync(packageDir);
	let pending = loaders.get(key);
	if (pending === undefined) {
		pending = (async () => {
			const loader = new PackageDirectoryLoader(key);
			try {
				await loader.loadAll();
			} catch (error) {
				throw new Error(
					`n8n could not load the package in ${key} (is it built? npm run build): ${(error as Error).message}`,
					{
						cause: error,
					},
				);
			}
			if (loader.loadedNodes.length === 0) {
				throw new Error(`The package in ${key} declares no nodes in its "n8n" section`);
			}
			return loader;
		})();
		loaders.set(key, pending);
		pending.catch(() => loaders.delete(key));
	}
	return await pending;
}
