/**
 * What the suite's global set-up prepared for every topic file: one n8n user folder with the
 * package installed and every credential and workflow imported (the template each topic
 * copies), the secrets, and the fixed ports the 1Flow emulator and the fake OpenAI server
 * of each topic listen on (the imported credentials point there).
 *
 * scripts/test-n8n.ts runs the suite with E2E_N8N_MAJOR, E2E_TARBALL and E2E_WORK_DIR set.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { N8nMajor } from '../../../testkit/n8n';

export interface SuiteSetup {
	major: N8nMajor;
	workDir: string;
	templateFolder: string;
	emulatorPort: number;
	openAiPort: number;
	webhookId: string;
	secret: string;
	wrongSecret: string;
	/** The 1Flow Trigger's Webhook Signing Secret (credential IDS.credSigning). */
	signingSecret: string;
	/** What n8n printed while the template was made. */
	outputs: Array<{ args: string[]; output: string }>;
}

function environment(name: string): string {
	const value = process.env[name];
	if (!value) throw new Error(`${name} is not set: run the end-to-end suite with npm run test:n8n`);
	return value;
}

export function suiteEnvironment(): { major: N8nMajor; tarball: string; workDir: string } {
	const major = Number(environment('E2E_N8N_MAJOR'));
	if (major !== 1 && major !== 2) throw new Error(`E2E_N8N_MAJOR must be 1 or 2, not ${major}`);
	return { major, tarball: environment('E2E_TARBALL'), workDir: environment('E2E_WORK_DIR') };
}

const setupFile = (workDir: string) => join(workDir, 'suite-setup.json');

export function writeSuiteSetup(setup: SuiteSetup): void {
	writeFileSync(setupFile(setup.workDir), JSON.stringify(setup, null, 2));
}

export function readSuiteSetup(): SuiteSetup {
	return JSON.parse(readFileSync(setupFile(suiteEnvironment().workDir), 'utf8')) as SuiteSetup;
}
