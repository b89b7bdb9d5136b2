/**
 * Jest global set-up of the end-to-end suite: installs the packed package into a fresh n8n
 * user folder as n8n's Community Nodes installer does and imports every credential and
 * workflow there, once; each topic file then works on its own copy (./support/topic).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import { installCommunityPackage } from '../../testkit/n8n';
import { freePort } from '../../testkit/free-port';
import { N8nInstance } from './support/instance';
import { suiteEnvironment, writeSuiteSetup } from './support/suite';
import { IDS, suiteWorkflows, type Credential } from './support/workflows';

export default async function globalSetup(): Promise<void> {
	const { major, tarball, workDir } = suiteEnvironment();
	const templateFolder = join(workDir, 'template');
	rmSync(templateFolder, { recursive: true, force: true });
	mkdirSync(templateFolder, { recursive: true, mode: 0o700 });
	installCommunityPackage(templateFolder, tarball);

	const emulatorPort = await freePort();
	let openAiPort = await freePort();
	while (openAiPort === emulatorPort) openAiPort = await freePort();
	const webhookId = 'wh_e2e';
	const secret = `e2e-secret-${randomBytes(12).toString('hex')}`;
	const wrongSecret = `e2e-wrong-${randomBytes(12).toString('hex')}`;
	const signingSecret = `e2e-signing-${randomBytes(12).toString('hex')}`;
	const baseUrl = `http://127.0.0.1:${emulatorPort}`;
	const credOk: Credential = {
		id: IDS.credOk,
		name: '1Flow e2e',
		type: 'oneFlowApi',
		data: { baseUrl, webhookId, webhookSecret: secret },
	};
	const credBad: Credential = {
		id: IDS.credBad,
		name: '1Flow e2e (wrong secret)',
		type: 'oneFlowApi',
		data: { baseUrl, webhookId, webhookSecret: wrongSecret },
	};
	const openAi: Credential = {
		id: IDS.credOpenAi,
		name: 'OpenAI (e2e fake)',
		type: 'openAiApi',
		data: { apiKey: 'sk-e2e-not-a-key', url: `http://127.0.0.1:${openAiPort}/v1` },
	};

	const signing: Credential = {
		id: IDS.credSigning,
		name: '1Flow callback signing (e2e)',
		type: 'oneFlowCallbackApi',
		data: { signingSecret },
	};

	const template = await N8nInstance.open(major, templateFolder);
	await template.import('credentials', [credOk, credBad, openAi, signing]);
	await template.import('workflow', suiteWorkflows(credOk, credBad, openAi, signing));
	rmSync(join(templateFolder, 'e2e-input'), { recursive: true, force: true });
	writeSuiteSetup({
		major,
		workDir,
		templateFolder,
		emulatorPort,
		openAiPort,
		webhookId,
		secret,
		wrongSecret,
		signingSecret,
		outputs: template.outputs,
	});
}
