/** The check every topic ends with: the webhook and signing secrets are nowhere n8n stored or printed them. */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

import type { Topic } from './topic';

/**
 * `executions`: how many runs the topic stored at least; `marker`: a text the stored runs (or,
 * without runs, the database) must contain, so that the check cannot pass by reading the
 * wrong place.
 */
export function expectNoSecretStored(
	topic: Topic,
	{ executions, marker }: { executions: number; marker: string },
): void {
	const { instance, setup } = topic;
	const secrets = [setup.secret, setup.wrongSecret, setup.signingSecret];
	const leaks = (text: string | Buffer) => secrets.some((secret) => text.includes(secret));
	const rows = instance.query<{ executionId: number; data: string; workflowData: string }>(
		'SELECT executionId, data, workflowData FROM execution_data',
	);
	expect(rows.length).toBeGreaterThanOrEqual(executions);
	const files = instance.databaseFiles();
	const stored =
		executions > 0 ? rows.map((row) => row.data) : files.map((file) => readFileSync(file));
	expect({ marker, found: stored.some((data) => data.includes(marker)) }).toEqual({
		marker,
		found: true,
	});
	for (const row of rows)
		expect({
			execution: row.executionId,
			leaks: leaks(row.data) || leaks(row.workflowData),
		}).toEqual({ execution: row.executionId, leaks: false });
	for (const file of files)
		expect({ file: basename(file), leaks: leaks(readFileSync(file)) }).toEqual({
			file: basename(file),
			leaks: false,
		});
	for (const { args, output } of [...setup.outputs, ...instance.outputs]) {
		expect({ command: `n8n ${args.join(' ')}`, leaks: leaks(output) }).toEqual({
			command: `n8n ${args.join(' ')}`,
			leaks: false,
		});
	}
}
