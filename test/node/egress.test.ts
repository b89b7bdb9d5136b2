/**
 * n8n's outbound-request rules (SSRF protection, N8N_SSRF_*) hold in both ways of sending:
 * n8n's helper applies them itself, the keep-alive client asks n8n's egress filter before each
 * request. n8n reads these settings once per process (here: per test file), so they are
 * switched on for this whole file; 127.0.0.0/8, where the emulator listens, is blocked by default.
 */
import type { NodeApiError } from 'n8n-workflow';

import {
	describeEachTransport,
	emulatorsPerTest,
	runOneFlow,
	SECRET,
	WEBHOOK_ID,
} from '../support/one-flow-node';

const SETTING = 'N8N_SSRF_PROTECTION_ENABLED';
const before = process.env[SETTING];
beforeAll(() => (process.env[SETTING] = 'true'));
afterAll(() => {
	if (before === undefined) delete process.env[SETTING];
	else process.env[SETTING] = before;
});

const startEmulator = emulatorsPerTest();

describeEachTransport('with SSRF protection on', ({ reuseConnections }) => {
	test('a blocked address gets no request, and the error says the request failed before 1Flow answered', async () => {
		const emulator = await startEmulator({
			webhooks: [{ id: WEBHOOK_ID, secret: SECRET, documents: ['doc_001'] }],
		});
		const result = await runOneFlow(emulator, [{ docId: 'doc_001' }], {
			options: { maxRetries: 0 },
		});
		expect(result.error?.message).toBe(
			'The request to delete document "doc_001" failed before 1Flow answered',
		);
		expect(emulator.requestCount).toBe(0);
		expect(emulator.connectionCount).toBe(0);
		expect(emulator.hasDocument(WEBHOOK_ID, 'doc_001')).toBe(true);
		// The keep-alive client says which rule stopped it; n8n's helper only throws.
		const { description } = result.error as NodeApiError;
		if (reuseConnections)
			expect(description).toContain(
				`n8n's outbound-request rules (N8N_SSRF_*) do not allow ${emulator.baseUrl}`,
			);
		else expect(description).not.toContain('N8N_SSRF');
	});
});

// The egress check resolves the host name before fetch would: its failure reads as fetch's would.
// (Through n8n's helper the same run says so too in n8n; under Jest the DNS error comes from
// another realm than n8n-workflow's, so NodeApiError drops it and the node cannot read it.)
test('with Reuse Connections, a host name that does not resolve is unreachable', async () => {
	const emulator = await startEmulator({
		webhooks: [{ id: WEBHOOK_ID, secret: SECRET, documents: ['doc_001'] }],
	});
	const credentials = { baseUrl: 'https://no-such-host.invalid' };
	const result = await runOneFlow(emulator, [{ docId: 'doc_001' }], {
		credentials,
		options: { maxRetries: 0, reuseConnections: true },
	});
	expect(result.error?.message).toBe(
		'Could not reach 1Flow at https://no-such-host.invalid to delete document "doc_001"',
	);
	expect((result.error as NodeApiError).description).toContain(
		"n8n's outbound-request rules were checked before sending",
	);
});
