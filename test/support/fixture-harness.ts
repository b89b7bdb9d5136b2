/**
 * The set-up of the engine harness's own tests (test/engine): the fixture package
 * (../engine/fixture) written once per test file, and an emulator its node deletes through,
 * with the documents restored and the record cleared before each test.
 */
import { OneFlowEmulator } from '../../testkit/emulator';
import { runNode, type CredentialData, type RunNodeOptions } from '../../testkit/engine';
import { createFixturePackage, type FixturePackage } from '../engine/fixture';

export const SECRET = 'sEcReT-9f2c7a1e-do-not-log';
export const WEBHOOK = 'wh-1';
/** Answered 200 by the emulator's script when webhook and secret are right: a passing credential test. */
export const PROBE_WEBHOOK = 'wh-probe';
const DOCUMENTS = ['a', 'b', 'c'];

/** The fixture package, written before the file's first test and removed after its last. */
export function fixturePackagePerFile(): { readonly dir: string } {
	let fixture: FixturePackage | undefined;
	beforeAll(() => {
		fixture = createFixturePackage();
	});
	afterAll(() => fixture?.remove());
	return {
		get dir() {
			if (!fixture) throw new Error('the fixture package is written in beforeAll');
			return fixture.dir;
		},
	};
}

/** The fixture package and an emulator holding WEBHOOK's documents, for the tests of one file. */
export function fixtureHarness() {
	const fixture = fixturePackagePerFile();
	const emulator = new OneFlowEmulator({
		webhooks: [
			{ id: WEBHOOK, secret: SECRET, documents: DOCUMENTS },
			{ id: PROBE_WEBHOOK, secret: SECRET },
		],
		faults: {
			script: ({ webhookId, docId }) => {
				if (docId === 'slow') return { kind: 'hang' };
				if (webhookId === PROBE_WEBHOOK)
					return { kind: 'status', status: 200, body: { success: true } };
				return undefined;
			},
		},
	});

	beforeAll(async () => {
		await emulator.start();
	});

	afterAll(async () => {
		await emulator.stop();
	});

	beforeEach(() => {
		emulator.addDocuments(WEBHOOK, DOCUMENTS);
		emulator.resetRecord();
	});

	function credentials(overrides: CredentialData = {}): CredentialData {
		return { baseUrl: emulator.baseUrl, webhookId: WEBHOOK, webhookSecret: SECRET, ...overrides };
	}

	function run(
		options: Omit<RunNodeOptions, 'packageDir' | 'node' | 'credentials' | 'items'> & {
			credentials?: CredentialData;
			items: Array<Record<string, unknown>>;
		},
	) {
		const { credentials: fields, items, ...rest } = options;
		return runNode({
			...rest,
			node: 'oneFlow',
			packageDir: fixture.dir,
			credentials: fields === undefined ? undefined : { oneFlowApi: fields },
			items: items.map((json) => ({ json })),
		});
	}

	const sentDocIds = () => emulator.requests.map((request) => request.docId);
	return { fixture, emulator, credentials, run, sentDocIds };
}

export const byDocId = { docId: '={{ $json.docId }}' };
