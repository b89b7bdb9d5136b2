/**
 * The set-up every engine test of the 1Flow node shares: a webhook secret unique to the test
 * file, emulators stopped after each test, the node run in n8n's engine with a credential
 * pointing at an emulator, and the check that the secret surfaced nowhere.
 */
import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';

import { OneFlowEmulator, type EmulatorOptions } from '../../testkit/emulator';
import {
	runNode,
	type InputItem,
	type OnErrorSetting,
	type RunNodeOptions,
	type RunNodeResult,
} from '../../testkit/engine';

/** The secret of WEBHOOK_ID: new for every test file, so a leak cannot hide behind a fixed value. */
export const SECRET = `s3cr3t-${randomBytes(8).toString('hex')}`;
export const WEBHOOK_ID = 'wh_test';

/** The fields of the package's `oneFlowApi` credential. */
export type OneFlowCredentialData = {
	baseUrl: string;
	webhookId: string;
	webhookSecret?: string;
};

export interface RunSettings {
	/** Default: delete. */
	operation?: string;
	/** Parameters of the operation besides `options` (e.g. docId); unset ones keep the node's defaults. */
	parameters?: Record<string, unknown>;
	options?: Record<string, unknown>;
	onError?: OnErrorSetting;
	/** Changes to the credential that points at the emulator with WEBHOOK_ID and SECRET. */
	credentials?: Partial<OneFlowCredentialData>;
	downstream?: boolean;
	signal?: AbortSignal;
	/** Files of each input item, by item index. */
	files?: Array<InputItem['binary']>;
	/** Binary data already in n8n's store (or pointing at a file that is gone), by item index. */
	storedBinaries?: Array<InputItem['storedBinary']>;
	binaryDataMode?: RunNodeOptions['binaryDataMode'];
}

/** The node's two ways of sending: n8n's request helper (default) and "Reuse Connections". */
export const TRANSPORTS = [
	{ transport: "n8n's request helper", reuseConnections: false },
	{ transport: 'keep-alive fetch (Reuse Connections)', reuseConnections: true },
];

/** Set while a suite of describeEachTransport runs: runOneFlow then sends that way. */
let reuseConnections: boolean | undefined;

/** The suite, once per transport: both must keep the same contract. */
export function describeEachTransport(
	name: string,
	suite: (transport: (typeof TRANSPORTS)[number]) => void,
): void {
	describe.each(TRANSPORTS)(`${name} ($transport)`, (transport) => {
		beforeAll(() => (reuseConnections = transport.reuseConnections));
		afterAll(() => (reuseConnections = undefined));
		suite(transport);
	});
}

/** Emulators started through the returned function are stopped after each test. */
export function emulatorsPerTest(): (options?: EmulatorOptions) => Promise<OneFlowEmulator> {
	let started: OneFlowEmulator[] = [];
	afterEach(async () => {
		await Promise.all(started.map((emulator) => emulator.stop()));
		started = [];
	});
	return async (options) => {
		const emulator = new OneFlowEmulator(options);
		started.push(emulator);
		await emulator.start();
		return emulator;
	};
}

export function credentials(
	emulator: OneFlowEmulator,
	overrides: Partial<OneFlowCredentialData> = {},
): OneFlowCredentialData {
	return { baseUrl: emulator.baseUrl, webhookId: WEBHOOK_ID, webhookSecret: SECRET, ...overrides };
}

/** Runs the 1Flow node on items (their json) against the emulator, and checks the secret stayed hidden. */
export async function runOneFlow(
	emulator: OneFlowEmulator,
	items: Array<Record<string, unknown>>,
	settings: RunSettings = {},
): Promise<RunNodeResult> {
	const result = await runNode({
		node: 'oneFlow',
		credentials: { oneFlowApi: credentials(emulator, settings.credentials) },
		parameters: {
			resource: 'document',
			operation: settings.operation ?? 'delete',
			...settings.parameters,
			options: optionsFor(settings),
		},
		items: items.map((json, index) => ({
			json,
			binary: settings.files?.[index],
			storedBinary: settings.storedBinaries?.[index],
		})),
		onError: settings.onError,
		downstream: settings.downstream,
		signal: settings.signal,
		binaryDataMode: settings.binaryDataMode,
	});
	expectNoSecret(result);
	return result;
}

/** The run's options, with the transport of the suite around it unless the run sets its own. */
function optionsFor(settings: RunSettings): Record<string, unknown> {
	return { ...(reuseConnections === undefined ? {} : { reuseConnections }), ...settings.options };
}

/** The secret must not appear anywhere a user, an agent or a log reader could see it. */
function expectNoSecret(result: RunNodeResult): void {
	const error = result.error as (Error & { description?: unknown }) | undefined;
	const places: Record<string, string> = {
		'error message': String(error?.message),
		'error description': String(error?.description),
		'JSON of the error': JSON.stringify(error) ?? '',
		'inspect of the error': inspect(error, { depth: 10, showHidden: true }),
		'main output': JSON.stringify(result.main),
		'error output': JSON.stringify(result.errorOutput),
		'run data': JSON.stringify(result.runData),
		logs: result.logs.join('\n'),
	};
	for (const [where, text] of Object.entries(places)) {
		expect({ where, leaks: text.includes(SECRET) }).toEqual({ where, leaks: false });
	}
}
