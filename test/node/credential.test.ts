/** The credential's Test button, run the way n8n runs a declarative credential test. */
import type { OneFlowEmulator } from '../../testkit/emulator';
import { testCredential } from '../../testkit/engine';
import {
	SECRET,
	WEBHOOK_ID,
	credentials,
	emulatorsPerTest,
	type OneFlowCredentialData,
} from '../support/one-flow-node';

const startEmulator = emulatorsPerTest();
let emulator: OneFlowEmulator;

beforeEach(async () => {
	emulator = await startEmulator({
		webhooks: [{ id: WEBHOOK_ID, secret: SECRET, documents: ['doc_a'] }],
	});
});

const test = async (overrides: Partial<OneFlowCredentialData>) =>
	await testCredential({ type: 'oneFlowApi', data: credentials(emulator, overrides) });

describe('credential test', () => {
	it('succeeds when 1Flow answers 400 to an empty docId, and deletes nothing', async () => {
		const result = await test({});
		expect(result.status).toBe('OK');
		expect(emulator.requests.map((request) => [request.docId, request.status])).toEqual([
			['', 400],
		]);
		expect(emulator.hasDocument(WEBHOOK_ID, 'doc_a')).toBe(true);
	});

	it('accepts a trailing slash and surrounding spaces', async () => {
		expect(
			(await test({ baseUrl: `${emulator.baseUrl}/ `, webhookId: ` ${WEBHOOK_ID} ` })).status,
		).toBe('OK');
	});

	it('reports a rejected secret', async () => {
		const result = await test({ webhookSecret: 'not-it' });
		expect(result).toEqual({
			status: 'Error',
			message:
				'Webhook secret rejected: check Webhook Secret (leave it empty if the webhook has none)',
		});
	});

	it('reports an unknown webhook ID', async () => {
		const result = await test({ webhookId: 'wh_other' });
		expect(result).toEqual({
			status: 'Error',
			message: 'Webhook ID not found: check Webhook ID and Base URL',
		});
	});

	it('reports a redirect without following it', async () => {
		emulator.setFaults({ redirectTo: 'https://elsewhere.example' });
		const result = await test({});
		expect(result.message).toContain('Base URL redirects elsewhere');
	});

	it.each([
		[{ webhookId: '../admin' }, 'Webhook ID'],
		[{ webhookSecret: 'a\nb' }, 'line break'],
		[{ baseUrl: 'http://app.1flow.io' }, 'https://'],
	])('rejects %j before sending anything', async (overrides, message) => {
		const result = await test(overrides);
		expect(result.status).toBe('Error');
		expect(result.message).toContain(message);
		expect(result.message).not.toContain(SECRET);
		expect(emulator.requests).toHaveLength(0);
	});
});
