/** A real n8n for `npm run dev` and the end-to-end suite. */
export { ensureN8n, isN8nInstalled, cacheDir, type N8nMajor } from './install';
export { n8nEnv } from './env';
export { n8nCli, startN8n, type CliResult, type N8nServer } from './process';
export { installCommunityPackage, packFromRegistry, packPackage } from './community-package';
