/**
 * The set-up the 1Flow Trigger's engine tests share: the trigger's webhook listening in n8n's
 * engine (one node, as in an active workflow), the emulator's callback sender pointed at it
 * with the signing secret, both closed after each test, and the check that the secret
 * surfaced nowhere.
 */
import { randomBytes } from 'node:crypto';

import { CallbackSender, type CallbackConfig } from '../../testkit/emulator';
import { openWebhook, type StaticDataStore, type WebhookEndpoint } from '../../testkit/engine';

/** New for every test file, so a leak cannot hide behind a fixed value. */
export const SIGNING_SECRET = `whsec-${randomBytes(12).toString('hex')}`;

export interface TriggerSettings {
	/** Default ['document.ready']. */
	events?: string[];
	options?: Record<string, unknown>;
	/** The credential's signing secret; null: no credential on the node. Default SIGNING_SECRET. */
	credentialSecret?: string | null;
	/** How the sender signs (default: SIGNING_SECRET, hex of timestamp.body). */
	sender?: CallbackConfig;
	/** The trigger's name in the workflow (its static data is kept under it). */
	name?: string;
	/** The workflow's static data, shared with other triggers opened on it (default: its own). */
	staticData?: StaticDataStore;
	/** The node's id: the same id is the same trigger (default: a new one). */
	id?: string;
	/** `manual` listens on the Test URL; default the Production URL. */
	mode?: 'manual' | 'webhook';
}

export interface OpenTrigger {
	endpoint: WebhookEndpoint;
	sender: CallbackSender;
	/** The items every run handed on past the trigger, in order of the callbacks (after the runs ended). */
	runs(): Promise<Array<Array<Record<string, unknown>>>>;
}

/** Triggers opened through the returned function are closed after each test. */
export function triggersPerTest(): (settings?: TriggerSettings) => Promise<OpenTrigger> {
	let opened: WebhookEndpoint[] = [];
	afterEach(async () => {
		await Promise.all(opened.map((endpoint) => endpoint.close()));
		opened = [];
	});
	return async (settings = {}) => {
		const secret =
			settings.credentialSecret === undefined ? SIGNING_SECRET : settings.credentialSecret;
		const endpoint = await openWebhook({
			node: 'oneFlowTrigger',
			name: settings.name,
			id: settings.id,
			mode: settings.mode,
			staticData: settings.staticData,
			parameters: {
				events: settings.events ?? ['document.ready'],
				options: settings.options ?? {},
			},
			credentials: secret === null ? undefined : { oneFlowCallbackApi: { signingSecret: secret } },
		});
		opened.push(endpoint);
		const sender = new CallbackSender({
			secret: SIGNING_SECRET,
			...settings.sender,
			url: endpoint.url,
		});
		const runs = async () => {
			await endpoint.runsEnded();
			return endpoint.calls
				.filter((call) => call.ran !== undefined && call.ran.length > 0)
				.map((call) => (call.ran ?? []).map((item) => item.json as Record<string, unknown>));
		};
		return { endpoint, sender, runs };
	};
}

/** The signing secret is in no answer, item, error or log line of this trigger. */
export function expectNoSecretIn({ endpoint, sender }: OpenTrigger): void {
	const surfaces = {
		answers: sender.sent.map((sent) => sent.reply),
		items: endpoint.calls.map((call) => JSON.stringify(call.workflowData ?? null)),
		errors: endpoint.calls.map((call) => String(call.error?.message ?? '')),
		logs: endpoint.logs(),
	};
	for (const [surface, texts] of Object.entries(surfaces)) {
		expect({ surface, leaks: texts.some((text) => text.includes(SIGNING_SECRET)) }).toEqual({
			surface,
			leaks: false,
		});
	}
	// The check read something: callbacks were answered.
	expect(sender.sent.length).toBeGreaterThan(0);
}
