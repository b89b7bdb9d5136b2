/**
 * n8n's editor in a real browser, for the editor topic: sign-in, the nodes panel, the node
 * details view (NDV), the credential form, and a screenshot of every step. Selectors are
 * n8n's own `data-test-id` attributes (as in n8n 2.41.1's editor).
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { selectors, type BrowserContext, type Locator, type Page } from 'playwright-core';

import { launchChromium } from '../../../testkit/browser';
import { httpRequest } from '../../../testkit/http';

const OWNER = {
	email: 'e2e@example.com',
	firstName: 'E2E',
	lastName: 'Owner',
	password: 'E2e-password-1',
};

/**
 * Sets up the owner account through REST. Seen with n8n 2.41.1: a set-up sent as soon as the
 * server answers can be answered 200 and still be lost while n8n finishes starting, so it is
 * repeated until the owner can log in.
 */
export async function setUpOwner(baseUrl: string): Promise<void> {
	const headers = { 'browser-id': 'e2e-owner-setup' };
	for (let attempt = 1; ; attempt++) {
		await httpRequest(`${baseUrl}/rest/owner/setup`, { body: OWNER, headers });
		const login = await httpRequest(`${baseUrl}/rest/login`, {
			body: { emailOrLdapLoginId: OWNER.email, password: OWNER.password },
			headers,
		});
		if (login.status === 200) return;
		if (attempt === 20)
			throw new Error(
				`the owner cannot log in after ${attempt} set-ups: ${login.status} ${login.text.slice(0, 200)}`,
			);
		await sleep(1000);
	}
}

export class Editor {
	private shots = 0;
	private closed = false;

	private constructor(
		private readonly context: BrowserContext,
		readonly page: Page,
		readonly baseUrl: string,
		/** Where every step's screenshot goes. */
		readonly screenshotDir: string,
	) {}

	/** Chromium with a fresh profile under `workDir`, on n8n at `baseUrl`. */
	static async open(baseUrl: string, workDir: string): Promise<Editor> {
		selectors.setTestIdAttribute('data-test-id');
		mkdirSync(workDir, { recursive: true });
		const context = await launchChromium(mkdtempSync(join(workDir, 'chromium-profile-')));
		context.setDefaultTimeout(20_000);
		const page = context.pages()[0] ?? (await context.newPage());
		const screenshotDir = join(workDir, 'screenshots');
		mkdirSync(screenshotDir, { recursive: true });
		return new Editor(context, page, baseUrl, screenshotDir);
	}

	async close(): Promise<void> {
		if (this.closed) return;
		this.closed = true;
		await this.context.close();
	}

	/** Runs one step of the test and saves a screenshot after it, whether it passed or not. */
	async step(name: string, body: () => Promise<void>): Promise<void> {
		try {
			await body();
		} finally {
			this.shots += 1;
			const file = join(this.screenshotDir, `${String(this.shots).padStart(2, '0')}-${name}.png`);
			await this.page.screenshot({ path: file }).catch(() => undefined);
		}
	}

	/**
	 * The text of an element once it matches `pattern` (the editor renders tables after the panel
	 * opens, later on a busy machine); the last text read when it never does, for the assertion.
	 */
	async textMatching(locator: Locator, pattern: RegExp, timeoutMs = 20_000): Promise<string> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const text = await locator.innerText().catch(() => '');
			if (pattern.test(text) || Date.now() > deadline) return text;
			await this.page.waitForTimeout(200);
		}
	}

	byTestId(id: string): Locator {
		return this.page.getByTestId(id);
	}

	async goto(path: string): Promise<void> {
		await this.page.goto(`${this.baseUrl}${path}`);
	}

	/** The sign-in form, as a user fills it in. */
	async signIn(): Promise<void> {
		await this.goto('/signin');
		await this.byTestId('emailOrLdapLoginId').locator('input').fill(OWNER.email);
		await this.byTestId('password').locator('input').fill(OWNER.password);
		await this.byTestId('form-submit-button').click();
		await this.page.waitForURL(/\/home\//);
	}

	/** n8n's REST API, called from the signed-in page (its cookie and browser id). */
	async rest<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
		const reply = await this.page.evaluate(
			async ({ method, path, body }) => {
				const headers = {
					'content-type': 'application/json',
					'browser-id': localStorage.getItem('n8n-browserId') ?? '',
				};
				const response = await fetch(path, {
					method,
					headers,
					body: body === undefined ? undefined : JSON.stringify(body),
				});
				return { status: response.status, text: await response.text() };
			},
			{ method, path, body },
		);
		if (reply.status !== 200)
			throw new Error(`${method} ${path}: ${reply.status} ${reply.text.slice(0, 300)}`);
		return (JSON.parse(reply.text) as { data: T }).data;
	}

	get nodeCreator(): Locator {
		return this.byTestId('node-creator');
	}

	creatorItem(text: string | RegExp): Locator {
		return this.nodeCreator.getByTestId('item-iterator-item').filter({ hasText: text });
	}

	/** Opens the nodes panel with the canvas's + button and searches. */
	async searchNodes(text: string): Promise<void> {
		await this.byTestId('node-creator-plus-button').click();
		await this.byTestId('node-creator-search-bar').fill(text);
	}

	/** A new workflow starting with "Trigger manually". */
	async newWorkflowWithManualTrigger(): Promise<void> {
		await this.goto('/workflow/new');
		await this.searchNodes('manual');
		await this.creatorItem('Trigger manually').click();
		await this.byTestId('canvas-node').first().waitFor();
		await this.nodeCreator.waitFor({ state: 'hidden' });
	}

	get ndv(): Locator {
		return this.byTestId('ndv');
	}

	/** Opens the NDV's "Add Option" list and returns its entries (Escape closes it). */
	async openOptionList(): Promise<string[]> {
		await this.ndv.getByTestId('collection-parameter-add').click();
		return (await this.page.getByRole('option').allInnerTexts()).map((name) => name.trim());
	}

	/** Opens a canvas node's details by its name. */
	async openNode(name: string): Promise<void> {
		await this.byTestId('canvas-node').filter({ hasText: name }).dblclick();
		await this.ndv.waitFor();
	}

	async closeNode(): Promise<void> {
		await this.byTestId('ndv-close-button').click();
		await this.ndv.waitFor({ state: 'hidden' });
	}

	get credentialModal(): Locator {
		return this.byTestId('editCredential-modal');
	}

	async fillCredential(fields: Record<string, string>): Promise<void> {
		for (const [name, value] of Object.entries(fields)) {
			await this.credentialModal
				.getByTestId(`parameter-input-${name}`)
				.locator('input')
				.fill(value);
		}
	}

	/**
	 * What the credential form's connection banner says (n8n's headline, and the credential
	 * test's own text under "More details"), once it mentions `expected` or after 15 s.
	 */
	async readTest(expected: string): Promise<string> {
		const container = this.credentialModal.getByTestId('node-credentials-config-container');
		let text = '';
		for (const deadline = Date.now() + 15_000; Date.now() < deadline; await sleep(250)) {
			const moreDetails = container.getByText('More details', { exact: true });
			if (await moreDetails.isVisible()) await moreDetails.click();
			// The banner, without the fields below it.
			text = (await container.innerText()).split(/\n\s*Base URL\s*\*/)[0];
			if (text.includes(expected)) break;
		}
		return text;
	}

	/** Saves the credential form, which makes n8n test it, and reads the test's outcome. */
	async saveAndReadTest(expected: string): Promise<string> {
		await this.credentialModal.getByTestId('credential-save-button').click();
		return await this.readTest(expected);
	}
}
