/** The engine harness's testCredential, with a fixture package (./fixture) against the emulator. */
import { testCredential, type CredentialData } from '../../testkit/engine';
import { PROBE_WEBHOOK, fixtureHarness } from '../support/fixture-harness';

const { fixture, emulator, credentials } = fixtureHarness();

describe('testCredential', () => {
	const test = (overrides: CredentialData = {}) =>
		testCredential({ type: 'oneFlowApi', data: credentials(overrides), packageDir: fixture.dir });

	it('succeeds when the test request is answered with 2xx', async () => {
		const result = await test({ webhookId: PROBE_WEBHOOK });
		expect(result).toEqual({ status: 'OK', message: 'Connection successful!' });
		expect(emulator.requests.map(({ path, authorized }) => ({ path, authorized }))).toEqual([
			{ path: `/api/webhook/${PROBE_WEBHOOK}/document/delete`, authorized: true },
		]);
	});

	it("fails with n8n's message (the status text) for other statuses", async () => {
		expect(await test({ webhookSecret: 'wrong' })).toEqual({
			status: 'Error',
			message: 'Unauthorized',
		});
		// The fixture's test request sends an empty docId, which 1Flow rejects with 400 once
		// webhook and secret are right.
		expect(await test()).toEqual({ status: 'Error', message: 'Bad Request' });
	});

	it('maps a responseCode rule', async () => {
		expect(await test({ webhookId: 'unknown' })).toEqual({
			status: 'Error',
			message: 'Unknown webhook ID',
		});
	});

	it('reports an unreachable host by its error code', async () => {
		expect(await test({ baseUrl: 'http://127.0.0.1:1' })).toEqual({
			status: 'Error',
			message: 'ECONNREFUSED',
		});
	});
});
