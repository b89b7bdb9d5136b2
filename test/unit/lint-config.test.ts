/**
 * `"strict": true` in package.json asks `n8n-node lint` to accept only its own default
 * eslint.config.mjs; what this repository lints beyond it lives in eslint.dev.config.mjs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { REPO_ROOT } from '../../testkit/repo';

const DEFAULT_CONFIG = join(
	REPO_ROOT,
	'node_modules/@n8n/node-cli/dist/template/templates/shared/default/eslint.config.mjs',
);

test("eslint.config.mjs is @n8n/node-cli's default, byte for byte, and package.json asks for strict mode", () => {
	const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
		n8n: { strict?: boolean };
	};
	expect(readFileSync(join(REPO_ROOT, 'eslint.config.mjs'), 'utf8')).toBe(
		readFileSync(DEFAULT_CONFIG, 'utf8'),
	);
	expect(manifest.n8n.strict).toBe(true);
});
