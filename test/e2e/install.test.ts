/** The packed package installed as a community node, and the credentials and workflows n8n stored. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { PACKAGE_NAME } from '../../testkit/repo';
import { expectNoSecretStored } from './support/secrets';
import { topicOfThisFile } from './support/topic';
import { IDS } from './support/workflows';

const topic = topicOfThisFile('install', []);

test('install the packed package as a community node and import credentials and workflows', () => {
	const { instance, setup } = topic();
	expect(
		existsSync(join(instance.userFolder, '.n8n', 'nodes', 'node_modules', PACKAGE_NAME, 'dist')),
	).toBe(true);
	const workflowIds = Object.entries(IDS)
		.filter(([key]) => !key.startsWith('cred'))
		.map(([, id]) => id);
	const stored = instance
		.query<{ id: string }>('SELECT id FROM workflow_entity')
		.map((row) => row.id);
	expect(stored).toEqual(expect.arrayContaining(workflowIds));
	const credentials = instance.query<{ id: string; data: string }>(
		'SELECT id, data FROM credentials_entity',
	);
	expect(credentials.map((row) => row.id).sort()).toEqual(
		[IDS.credBad, IDS.credOk, IDS.credOpenAi, IDS.credSigning].sort(),
	);
	// Stored encrypted.
	expect(
		credentials.every((row) =>
			[setup.secret, setup.wrongSecret, setup.signingSecret].every(
				(secret) => !row.data.includes(secret),
			),
		),
	).toBe(true);
});

test('the webhook secret is not in the database files or any n8n output of the installation', () => {
	expectNoSecretStored(topic(), { executions: 0, marker: IDS.credOk });
});
