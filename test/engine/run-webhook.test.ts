/**
 * The engine harness's runWebhook, with the fixture package's trigger (./fixture): what a
 * trigger's webhook receives and answers.
 */
import { createHmac } from 'node:crypto';

import { runWebhook } from '../../testkit/engine';
import { fixturePackagePerFile } from '../support/fixture-harness';

const fixture = fixturePackagePerFile();

describe('runWebhook', () => {
	const SIGNING_SECRET = 'fixture-signing-secret';
	const body = { event: 'document.ready', documentId: 'doc_1' };
	const call = (signature: string) =>
		runWebhook({
			node: 'oneFlowTrigger',
			packageDir: fixture.dir,
			credentials: { oneFlowCallbackApi: { signingSecret: SIGNING_SECRET } },
			parameters: {},
			request: {
				body: JSON.stringify(body),
				headers: { 'content-type': 'application/json', 'x-webhook-signature': signature },
			},
		});

	it('hands a correctly signed call to the workflow, the raw body as signed', async () => {
		const signature = createHmac('sha256', SIGNING_SECRET)
			.update(JSON.stringify(body))
			.digest('hex');
		const result = await call(signature);
		expect(result.error).toBeUndefined();
		// n8n answers a trigger without responseData with the literal text of its default.
		expect([result.reply.status, result.reply.text]).toEqual([200, 'firstEntryJson']);
		expect(result.workflowData).toEqual([[{ json: body }]]);
	});

	it('lets the node refuse a call through the response object, starting nothing', async () => {
		const result = await call('0'.repeat(64));
		expect([result.reply.status, result.reply.text]).toEqual([401, 'invalid signature']);
		expect(result.workflowData).toBeUndefined();
		expect(result.logs.join('\n')).not.toContain(SIGNING_SECRET);
	});
});
