/**
 * One topic file's world: its own copy of the prepared n8n user folder, the 1Flow emulator
 * on the port the imported credentials point at, and a way to run stored workflows.
 */
import { cpSync } from 'node:fs';
import { join } from 'node:path';

import type { IRun } from 'n8n-workflow';

import { OneFlowEmulator, type FaultConfig, type RecordedRequest } from '../../../testkit/emulator';
import { N8nInstance, tail, type Execution } from './instance';
import { readSuiteSetup, type SuiteSetup } from './suite';

/** 1Flow answers 400 for a docId it cannot accept; the node's own checks let this one through. */
export const REJECTS_DOC_BAD_REQUEST: FaultConfig = {
	script: ({ docId }) =>
		docId === 'doc_bad_request'
			? { kind: 'status', status: 400, body: { error: 'Missing or invalid docId in request body' } }
			: undefined,
};

export interface Topic {
	setup: SuiteSetup;
	instance: N8nInstance;
	emulator: OneFlowEmulator;
	/** Runs a stored workflow (with extra environment variables, if any); fails when n8n printed no run. */
	execute(workflowId: string, env?: NodeJS.ProcessEnv): Promise<Execution & { run: IRun }>;
	requestsFor(docId: string): RecordedRequest[];
	close(): Promise<void>;
}

/**
 * The topic of the calling test file, opened before its tests and closed after them; call
 * the returned function inside tests.
 */
export function topicOfThisFile(
	name: string,
	documents: string[],
	faults?: FaultConfig,
): () => Topic {
	let topic: Topic | undefined;
	beforeAll(async () => {
		topic = await openTopic(name, documents, faults);
	});
	afterAll(async () => await topic?.close());
	return () => {
		if (topic === undefined) throw new Error(`topic ${name} did not open`);
		return topic;
	};
}

/** Opens a topic whose emulator holds `documents` for the suite's webhook. */
async function openTopic(name: string, documents: string[], faults?: FaultConfig): Promise<Topic> {
	const setup = readSuiteSetup();
	const userFolder = join(setup.workDir, name);
	cpSync(setup.templateFolder, userFolder, { recursive: true });
	const instance = await N8nInstance.open(setup.major, userFolder);
	const emulator = new OneFlowEmulator({
		port: setup.emulatorPort,
		webhooks: [{ id: setup.webhookId, secret: setup.secret, documents }],
		faults,
	});
	await emulator.start();
	return {
		setup,
		instance,
		emulator,
		async execute(workflowId, env) {
			const result = await instance.execute(workflowId, env);
			if (result.signal === 'SIGSEGV' && result.run) {
				// Seen with n8n 1.123.81 on Node 24: a segfault while exiting, after the run was reported.
				result.code = result.run.data.resultData.error ? 1 : 0;
				process.stderr.write(
					`n8n execute --id=${workflowId} crashed with SIGSEGV while exiting, after printing its result; judged on the printed result\n`,
				);
			}
			if (!result.run)
				throw new Error(
					`no run data in the output of n8n execute --id=${workflowId} (exit ${result.code}):\n${tail(result.output)}`,
				);
			return { ...result, run: result.run };
		},
		requestsFor: (docId) => emulator.requests.filter((request) => request.docId === docId),
		async close() {
			await instance.stopServer();
			await emulator.stop();
		},
	};
}
