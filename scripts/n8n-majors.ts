/** The `--n8n 2|1|all` option of the commands that use a real n8n. */
import type { N8nMajor } from '../testkit/n8n';

export const N8N_OPTION = { n8n: { type: 'string', default: '2' } } as const;

export function n8nMajors(value: string): N8nMajor[] {
	if (value === 'all') return [2, 1];
	if (value === '2' || value === '1') return [Number(value) as N8nMajor];
	throw new Error(`--n8n expects 2, 1 or all (got ${value})`);
}
