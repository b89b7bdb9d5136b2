/** `npm run n8n:install [-- --n8n 2|1|all]`: installs the pinned n8n ahead of time and says where. */
import { parseArgs } from 'node:util';

import { ensureN8n } from '../testkit/n8n';
import { N8N_OPTION, n8nMajors } from './n8n-majors';

const { values } = parseArgs({ options: N8N_OPTION });
for (const major of n8nMajors(values.n8n)) {
	const app = ensureN8n(major);
	console.log(`n8n ${app.version}: ${app.binPath} (node ${process.execPath})`);
}
