/**
 * What a user sees in n8n's editor, in a real browser (Debian's Chromium, driven by
 * playwright-core): the Community nodes page, the nodes panel, the node's fields, the
 * credential form and its test, a run on pinned items, and the node as a tool of an AI Agent.
 * A screenshot of every step goes to <e2e work folder>/n8n-2/editor-browser/screenshots, which
 * `npm run test:n8n` keeps when the suite fails.
 */
import { join } from 'node:path';

import { Editor, setUpOwner } from './support/editor';
import { expectNoSecretStored } from './support/secrets';
import { topicOfThisFile } from './support/topic';
import { IDS, NODE_TYPE } from './support/workflows';

const topic = topicOfThisFile('editor', ['doc_e1']);
let editor: Editor;

beforeAll(async () => {
	const { instance, setup } = topic();
	await instance.startServer();
	await setUpOwner(instance.baseUrl);
	editor = await Editor.open(instance.baseUrl, join(setup.workDir, 'editor-browser'));
});

afterAll(async () => await editor?.close());

const NPM_PAGE = 'https://www.npmjs.com/package/n8n-nodes-1flow';

test('sign in through n8n’s sign-in form', async () => {
	await editor.step('signed-in', async () => {
		await editor.signIn();
		expect(editor.page.url()).toMatch(/\/home\//);
	});
});

test('Settings → Community nodes does not list a package installed by hand (README, Install)', async () => {
	await editor.step('community-nodes', async () => {
		await editor.goto('/settings/community-nodes');
		const page = await editor.byTestId('empty-state').innerText();
		expect(page).toContain('Install a community node');
		expect(page).not.toContain('1flow');
	});
});

test('nodes panel: "1Flow" finds the node; Delete shows its notice, Document ID and options', async () => {
	await editor.step('nodes-panel', async () => {
		await editor.newWorkflowWithManualTrigger();
		await editor.searchNodes('1Flow');
		// n8n lists a node and its trigger as one entry, and describes it with the trigger's description.
		const described = /Starts the workflow when 1Flow has processed a document/;
		expect(await editor.textMatching(editor.creatorItem('1Flow').first(), described)).toMatch(
			described,
		);
		await editor.creatorItem('1Flow').first().click();
		const actions = await editor.nodeCreator.getByTestId('item-iterator-item').allInnerTexts();
		expect(actions).toEqual(
			expect.arrayContaining(['Upload a document', 'Get a document', 'Delete a document']),
		);
		// The trigger's events (Document Ready, Any Event) are the entry's triggers.
		expect(await editor.textMatching(editor.nodeCreator, /Triggers \(2\)/)).toMatch(
			/Triggers \(2\)/,
		);
	});
	await editor.step('delete-node', async () => {
		await editor.creatorItem('Delete a document').click();
		const { ndv } = editor;
		await expect(
			ndv.getByText('Deleting is permanent: 1Flow removes the document').isVisible(),
		).resolves.toBe(true);
		const docId = ndv
			.getByTestId('parameter-input-docId')
			.getByTestId('inline-expression-editor-input');
		expect(await docId.innerText()).toBe(
			'{{ $json.docId ?? $json.documentId ?? $json.body?.documentId }}',
		);
		// The node's documentation link is the package's npm page.
		expect(await ndv.getByRole('link', { name: 'Docs' }).getAttribute('href')).toContain(NPM_PAGE);
	});
	await editor.step('delete-options', async () => {
		expect(await editor.openOptionList()).toEqual(
			expect.arrayContaining([
				'Concurrency',
				'Max Retries',
				'Timeout (Milliseconds)',
				'Treat Not Found as Deleted',
			]),
		);
	});
});

test('credential: created from the node, its Test says what is wrong under "More details"', async () => {
	const { emulator, setup } = topic();
	const modal = editor.credentialModal;
	await editor.step('credential-form', async () => {
		await editor.page.keyboard.press('Escape');
		await editor.ndv.getByTestId('node-credentials-select').click();
		await editor.byTestId('node-credentials-select-item-new').click();
		await modal.waitFor();
		expect(await modal.getByRole('link', { name: 'docs' }).getAttribute('href')).toContain(
			NPM_PAGE,
		);
		// Kept on purpose (README, Credentials): admins can restrict where HTTP Request nodes may send the secret.
		await modal.getByTestId('parameter-input-allowedHttpRequestDomains').waitFor();
	});
	const baseUrl = `http://127.0.0.1:${setup.emulatorPort}`;
	await editor.step('credential-wrong-secret', async () => {
		await editor.fillCredential({
			baseUrl,
			webhookId: setup.webhookId,
			webhookSecret: setup.wrongSecret,
		});
		const banner = await editor.saveAndReadTest('Webhook secret rejected');
		expect(banner).toContain('Couldn’t connect with these settings');
		expect(banner).toContain(
			'Webhook secret rejected: check Webhook Secret (leave it empty if the webhook has none)',
		);
	});
	await editor.step('credential-wrong-webhook-id', async () => {
		await editor.fillCredential({ webhookId: 'wh_unknown', webhookSecret: setup.secret });
		const banner = await editor.saveAndReadTest('Webhook ID not found');
		expect(banner).toContain('Couldn’t connect with these settings');
		expect(banner).toContain('Webhook ID not found: check Webhook ID and Base URL');
	});
	await editor.step('credential-tested', async () => {
		await editor.fillCredential({ webhookId: setup.webhookId });
		// A new credential whose test passes: n8n saves it and closes the form; opened again, it says so.
		await modal.getByTestId('credential-save-button').click();
		await modal.waitFor({ state: 'hidden' });
		await editor.ndv.getByTestId('credential-edit-button').click();
		expect(await editor.readTest('Connection tested successfully')).toContain(
			'Connection tested successfully',
		);
	});
	await modal.getByRole('button', { name: 'Close this dialog' }).click();
	// The test deletes nothing: every request it sent carried an empty docId.
	expect(emulator.requests.length).toBeGreaterThanOrEqual(3);
	expect(emulator.requests.every((request) => request.docId === '')).toBe(true);
	expect(emulator.hasDocument(setup.webhookId, 'doc_e1')).toBe(true);
});

/** Pinned items into the node twice: with "Continue (using error output)", and stopping on bad input. */
function pinnedWorkflow() {
	const credentials = { oneFlowApi: { id: IDS.credOk, name: '1Flow e2e' } };
	const deleteNode = (name: string, y: number, extra: object) => ({
		name,
		type: NODE_TYPE,
		typeVersion: 1,
		position: [260, y],
		parameters: { resource: 'document', operation: 'delete', options: {} },
		credentials,
		...extra,
	});
	return {
		name: 'Editor test: pinned items',
		nodes: [
			{
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			// Runs first (v1 order: top to bottom).
			deleteNode('Delete documents', 0, { onError: 'continueErrorOutput' }),
			deleteNode('Stop on bad input', 240, {}),
		],
		connections: {
			Start: {
				main: [
					['Delete documents', 'Stop on bad input'].map((node) => ({
						node,
						type: 'main',
						index: 0,
					})),
				],
			},
		},
		pinData: {
			Start: [
				{ json: { row: 1, customer: 'Acme', docId: 'doc_e1' } },
				{ json: { row: 2, customer: 'Globex', docId: 'doc_missing' } },
				{ json: { row: 3, customer: 'Initech' } },
			],
		},
		settings: { executionOrder: 'v1' },
	};
}

test('pinned items: success and error outputs keep the user’s columns; a stop names the item as n8n does', async () => {
	const { emulator, setup } = topic();
	await editor.step('pinned-run', async () => {
		const { id } = await editor.rest<{ id: string }>('POST', '/rest/workflows', pinnedWorkflow());
		await editor.goto(`/workflow/${id}`);
		await editor.byTestId('execute-workflow-button').click();
		await editor.page.getByText('Problem in node ‘Stop on bad input‘').waitFor();
		expect(emulator.deleteCount('doc_e1')).toBe(1);
		expect(emulator.hasDocument(setup.webhookId, 'doc_e1')).toBe(false);
	});
	const output = editor.byTestId('output-panel');
	await editor.step('success-output', async () => {
		await editor.openNode('Delete documents');
		const branches = /Success Branch \(1 item\)\s+Error Branch \(2 items\)/;
		expect(await editor.textMatching(output.getByTestId('branches'), branches)).toMatch(branches);
		const deleted = /true\s+true\s+doc_e1\s+Document deleted/;
		expect(await editor.textMatching(output.getByTestId('ndv-data-container'), deleted)).toMatch(
			deleted,
		);
	});
	await editor.step('error-output', async () => {
		await output.getByTestId('tab-1').click();
		const table = await editor.textMatching(
			output.getByTestId('ndv-data-container'),
			/Globex[\s\S]*Initech/,
		);
		expect(table).toMatch(
			/2\s+Globex\s+doc_missing\s+Document "doc_missing" was not found in 1Flow, or the webhook ID is wrong/,
		);
		expect(table).toMatch(/3\s+Initech\s+\S+\s+No document ID/);
		expect(table).toContain('httpCode:404');
	});
	await editor.step('stopped-on-item', async () => {
		await editor.closeNode();
		await editor.openNode('Stop on bad input');
		expect(
			await editor.textMatching(output.getByTestId('node-error-message'), /No document ID/),
		).toBe('No document ID [item 2]');
		await output.getByText('Other info').click();
		// n8n's own error details count items from 0 too.
		expect(await editor.textMatching(output, /Item Index\s+2/)).toMatch(/Item Index\s+2/);
	});
});

/** A workflow whose 1Flow node has no parameters set, as n8n stores a node left as it opened. */
function freshNodeWorkflow() {
	return {
		name: 'Editor test: a fresh 1Flow node',
		nodes: [
			{
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{ name: 'Fresh 1Flow', type: NODE_TYPE, typeVersion: 1, position: [260, 0], parameters: {} },
		],
		connections: {
			Start: { main: [[{ node: 'Fresh 1Flow', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

test('a fresh 1Flow node (no parameters set) opens on Get, not on the permanent Delete', async () => {
	await editor.step('fresh-node', async () => {
		const { id } = await editor.rest<{ id: string }>(
			'POST',
			'/rest/workflows',
			freshNodeWorkflow(),
		);
		await editor.goto(`/workflow/${id}`);
		await editor.openNode('Fresh 1Flow');
		const operation = editor.ndv.getByTestId('parameter-input-operation');
		const shown = async () =>
			`${await operation.innerText()} ${await operation
				.locator('input')
				.first()
				.inputValue()
				.catch(() => '')}`;
		const deadline = Date.now() + 20_000;
		let text = await shown();
		while (!/\bGet\b/.test(text) && Date.now() < deadline) {
			await editor.page.waitForTimeout(200);
			text = await shown();
		}
		expect(text).toMatch(/\bGet\b/);
		expect(text).not.toMatch(/Delete/);
		await editor.ndv.getByTestId('parameter-input-docId').waitFor();
		await expect(
			editor.ndv.getByText('Deleting is permanent: 1Flow removes the document').count(),
		).resolves.toBe(0);
	});
	await editor.closeNode();
});

test('AI agent: the 1Flow tool opens on Get (the default), its Document ID defined by the model', async () => {
	await editor.step('agent-tool', async () => {
		await editor.goto('/workflow/new');
		await editor.searchNodes('AI Agent');
		await editor.creatorItem('AI Agent').first().click();
		await editor.ndv.getByTestId('add-subnode-ai_tool-0').click();
		await editor.byTestId('node-creator-search-bar').fill('1Flow');
		await editor.creatorItem('1Flow Tool').click();
		const docId = editor.ndv.getByTestId('fromAI-override-field');
		expect(await editor.textMatching(docId, /Defined automatically by the model/)).toContain(
			'Defined automatically by the model',
		);
		expect(await editor.ndv.locator('textarea').first().inputValue()).toBe(
			'ID of the 1Flow document to read, exactly as the user gave it',
		);
	});
});

test('the webhook secret is not in stored executions, the database files or any n8n output', async () => {
	await editor.close();
	await topic().instance.stopServer();
	expectNoSecretStored(topic(), { executions: 1, marker: 'doc_e1' });
});
