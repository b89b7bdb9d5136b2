/**
 * `npm run demo`: against the built-in 1Flow emulator, in n8n's engine,
 * 1. Upload → Get → Delete of one invoice (./demo-upload-get-delete), then
 * 2. examples/demo-bulk-delete.json, printing what happened to each item.
 *
 * `npm run demo -- --base-url https://app.1flow.io --webhook-id ID --secret S --doc-id DOC`
 * runs part 2 against a real 1Flow account instead, deleting only the --doc-id documents given
 * (repeat the flag for several). Deleting is permanent. Part 1 runs against the emulator only.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import type { INodeExecutionData } from 'n8n-workflow';

import { DEMO_WEBHOOK, OneFlowEmulator } from '../testkit/emulator';
import { runNode, type CredentialData, type OnErrorSetting } from '../testkit/engine';
import { REPO_ROOT } from '../testkit/repo';
import { uploadGetDelete } from './demo-upload-get-delete';

interface WorkflowNode {
	name: string;
	type: string;
	parameters: Record<string, unknown>;
	onError?: OnErrorSetting;
}

interface Workflow {
	name: string;
	nodes: WorkflowNode[];
	pinData: Record<string, Array<{ json: Record<string, unknown> }>>;
}

const EXAMPLE = join(REPO_ROOT, 'examples', 'demo-bulk-delete.json');

function loadExample(): {
	workflow: Workflow;
	node: WorkflowNode;
	items: Array<Record<string, unknown>>;
} {
	const workflow = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as Workflow;
	const node = workflow.nodes.find((candidate) => candidate.type.endsWith('.oneFlow'));
	if (!node) throw new Error(`${EXAMPLE} has no 1Flow node`);
	const items = Object.values(workflow.pinData)[0].map((item) => item.json);
	return { workflow, node, items };
}

function cell(value: unknown, width: number): string {
	const text = value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
	return text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);
}

function itemIndexOf(item: INodeExecutionData): number {
	const paired = Array.isArray(item.pairedItem) ? item.pairedItem[0] : item.pairedItem;
	return typeof paired === 'object' && paired !== null ? paired.item : -1;
}

function printTable(
	items: Array<Record<string, unknown>>,
	main: INodeExecutionData[],
	errors: INodeExecutionData[],
): void {
	const rows = new Map<number, { output: string; result: string }>();
	for (const item of main) {
		const json = item.json;
		const result = json.alreadyDeleted
			? 'already gone (404)'
			: json.confirmedByRetry
				? 'deleted (confirmed by retry)'
				: String(json.message ?? '');
		rows.set(itemIndexOf(item), {
			output: json.deleted === false ? 'success*' : 'deleted',
			result,
		});
	}
	for (const item of errors) {
		rows.set(itemIndexOf(item), { output: 'error', result: String(item.json.error ?? '') });
	}
	const line = `${'-'.repeat(4)}+${'-'.repeat(14)}+${'-'.repeat(10)}+${'-'.repeat(72)}`;
	console.log(`${cell('item', 4)}|${cell(' input', 14)}|${cell(' output', 10)}| what happened`);
	console.log(line);
	const firstAsked = new Map<unknown, number>();
	items.forEach((input, index) => {
		const row = rows.get(index) ?? { output: 'MISSING', result: 'no output item for this input' };
		const id = input.docId ?? input.documentId ?? '(none)';
		const first = firstAsked.get(id);
		if (first === undefined) firstAsked.set(id, index);
		else if (row.output === 'deleted')
			row.result = `${row.result} (same document as item ${first}: sent once)`;
		console.log(
			`${cell(index, 4)}| ${cell(id, 13)}| ${cell(row.output, 9)}| ${cell(row.result, 72)}`,
		);
	});
	console.log(line);
}

async function main(): Promise<number> {
	const { values } = parseArgs({
		options: {
			'base-url': { type: 'string' },
			'webhook-id': { type: 'string' },
			secret: { type: 'string' },
			'doc-id': { type: 'string', multiple: true },
		},
	});
	const { workflow, node, items: exampleItems } = loadExample();

	let emulator: OneFlowEmulator | undefined;
	let credentials: CredentialData;
	let items = exampleItems;
	if (values['base-url']) {
		if (!values['webhook-id'] || !values['doc-id']?.length) {
			console.error(
				'With --base-url, give --webhook-id and at least one --doc-id (the documents to delete).',
			);
			return 2;
		}
		credentials = {
			baseUrl: values['base-url'],
			webhookId: values['webhook-id'],
			webhookSecret: values.secret ?? '',
		};
		items = values['doc-id'].map((docId) => ({ docId }));
		console.log(`Deleting ${items.length} document(s) in ${credentials.baseUrl} (permanent).`);
	} else {
		emulator = new OneFlowEmulator({
			webhooks: [{ ...DEMO_WEBHOOK, documents: ['doc_001', 'doc_002', 'doc_003', 'doc_004', '4'] }],
		});
		const baseUrl = await emulator.start();
		credentials = { baseUrl, webhookId: DEMO_WEBHOOK.id, webhookSecret: DEMO_WEBHOOK.secret };
		console.log(
			`1Flow emulator on ${baseUrl} (webhook ${DEMO_WEBHOOK.id}, documents doc_001-doc_004 and 4)`,
		);
	}

	try {
		if (emulator) {
			await uploadGetDelete(emulator, credentials);
			emulator.resetRecord();
		}
		console.log(
			`\n== 2. Bulk delete ==\nWorkflow "${workflow.name}": ${items.length} item(s) into "${node.name}", run by n8n's engine\n`,
		);
		const started = Date.now();
		const result = await runNode({
			node: 'oneFlow',
			credentials: { oneFlowApi: credentials },
			parameters: node.parameters,
			items: items.map((json) => ({ json })),
			onError: node.onError,
		});
		printTable(items, result.main, result.errorOutput);
		const seconds = ((Date.now() - started) / 1000).toFixed(2);
		console.log(
			`\n${result.main.length} item(s) on the success output, ${result.errorOutput.length} on the error output, execution ${result.status} in ${seconds} s.`,
		);
		if (result.error && result.errorOutput.length === 0)
			console.log(`The node stopped: ${result.error.message}`);
		if (emulator) {
			const deletes = emulator.requests.filter((request) => request.deleted).length;
			console.log(
				`The emulator received ${emulator.requests.length} request(s) and deleted ${deletes} document(s); each document at most once (duplicates are sent once, bad IDs never).`,
			);
		}
		return result.main.length + result.errorOutput.length === items.length ? 0 : 1;
	} finally {
		await emulator?.stop();
	}
}

main().then(
	(code) => process.exit(code),
	(error: unknown) => {
		console.error(error);
		process.exit(1);
	},
);
