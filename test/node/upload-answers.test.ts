/**
 * The Upload operation run by n8n's engine against the 1Flow emulator over real HTTP: 1Flow's
 * error answers, what is retried, and uploads never sent twice when 1Flow may have taken them.
 */
import { NodeApiError } from 'n8n-workflow';

import { OneFlowEmulator, type EmulatorOptions } from '../../testkit/emulator';
import {
	SECRET,
	WEBHOOK_ID as WEBHOOK,
	describeEachTransport,
	emulatorsPerTest,
	runOneFlow,
	type RunSettings,
} from '../support/one-flow-node';
import { pdf } from '../support/upload-files';
import { sleep, waitFor } from '../support/wait';

const startEmulator = emulatorsPerTest();
let emulator: OneFlowEmulator;

async function start(options: EmulatorOptions = {}): Promise<OneFlowEmulator> {
	emulator = await startEmulator({ webhooks: [{ id: WEBHOOK, secret: SECRET }], ...options });
	return emulator;
}

const upload = (items: Array<Record<string, unknown>>, settings: RunSettings = {}) =>
	runOneFlow(emulator, items, { operation: 'upload', binaryDataMode: 'filesystem', ...settings });

describeEachTransport("1Flow's answers", () => {
	test.each([
		[
			400,
			{ success: false, error: 'Unsupported file type' },
			'1Flow rejected file "invoice.pdf": Unsupported file type',
			/set "File Name" and "Content Type"/,
		],
		[
			401,
			{ error: 'Invalid or missing webhook secret' },
			'1Flow rejected the webhook secret while uploading file "invoice.pdf"',
			/Check Webhook Secret/,
		],
		[
			404,
			{ error: 'Webhook not found' },
			'The webhook ID was not found in 1Flow',
			/Check Webhook ID and Base URL/,
		],
	])("%i: a NodeApiError with 1Flow's text, sent once", async (status, body, message, hint) => {
		await start({ faults: { script: () => ({ kind: 'status', status, body }) } });
		const result = await upload([{}], { files: [pdf()] });
		expect(result.error).toBeInstanceOf(NodeApiError);
		expect(result.error?.message).toBe(message);
		expect((result.error as NodeApiError).httpCode).toBe(String(status));
		expect((result.error as NodeApiError).description).toMatch(hint);
		expect(emulator.requests).toHaveLength(1);
	});

	test('the real checks: a wrong secret is 401 and an unknown webhook 404, with nothing created', async () => {
		await start();
		const wrong = await upload([{}], {
			files: [pdf()],
			credentials: { webhookSecret: 'not-the-secret' },
		});
		expect((wrong.error as NodeApiError).httpCode).toBe('401');
		const unknown = await upload([{}], { files: [pdf()], credentials: { webhookId: 'wh_other' } });
		expect(unknown.error?.message).toBe('The webhook ID was not found in 1Flow');
		expect(emulator.uploads).toHaveLength(0);
	});

	test.each([
		[
			'a lost answer (the file was taken, the connection dropped)',
			{ kind: 'lostResponse' } as const,
			{},
			'The connection to 1Flow dropped while uploading file "invoice.pdf"',
			1,
		],
		[
			'an answer cut off after its headers',
			{ kind: 'cutAnswer' } as const,
			{},
			'The connection to 1Flow dropped while uploading file "invoice.pdf"',
			1,
		],
		[
			'a timeout (1Flow answers after the node gave up)',
			{ kind: 'delay', ms: 1500 } as const,
			{ timeout: 1000 },
			'No answer from 1Flow within 1000 ms while uploading file "invoice.pdf"',
			1,
		],
		[
			'a 500 (1Flow may have stored the file)',
			{ kind: 'status', status: 500 } as const,
			{},
			'1Flow failed with HTTP 500 while uploading file "invoice.pdf"',
			0,
		],
		[
			'a 502',
			{ kind: 'status', status: 502 } as const,
			{},
			'1Flow failed with HTTP 502 while uploading file "invoice.pdf"',
			0,
		],
	])(
		'%s is not retried: no second document, and the error says it may exist',
		async (_name, action, options, message, created) => {
			await start({
				faults: { script: ({ endpoint }) => (endpoint === 'upload' ? action : undefined) },
			});
			const result = await upload([{}], { files: [pdf()], options: { maxRetries: 5, ...options } });
			expect(result.error?.message).toBe(message);
			expect((result.error as NodeApiError).description).toMatch(
				/may (or may not )?have been created/,
			);
			expect((result.error as NodeApiError).description).toMatch(
				/check in 1Flow whether the document exists before uploading the file again/i,
			);
			// A late answer's document appears when the emulator gets to it; the node never sent a second one.
			await waitFor(() => emulator.uploads.length >= created, 'the document of the late answer');
			expect(emulator.requests.filter((request) => request.path.endsWith('/upload'))).toHaveLength(
				1,
			);
			expect(emulator.uploads).toHaveLength(created);
		},
	);

	test('429 (with Retry-After) and 503 (with and without) mean 1Flow did not take the file: retried, one document', async () => {
		await start({
			faults: {
				script: ({ fileName, attempt }) => {
					if (fileName === 'a.pdf' && attempt === 1)
						return { kind: 'status', status: 429, headers: { 'Retry-After': '0' } };
					if (fileName === 'b.pdf' && attempt === 1)
						return { kind: 'status', status: 503, headers: { 'Retry-After': '0' } };
					if (fileName === 'b.pdf' && attempt === 2) return { kind: 'status', status: 503 };
					return undefined;
				},
			},
		});
		const result = await upload([{}, {}], {
			files: [pdf('a.pdf'), pdf('b.pdf')],
			options: { concurrency: 1 },
		});
		expect(result.error).toBeUndefined();
		expect(emulator.uploads.map(({ file }) => file.fileName)).toEqual(['a.pdf', 'b.pdf']);
		expect(emulator.requests.map((request) => [request.fileName, request.status])).toEqual([
			['a.pdf', 429],
			['a.pdf', 200],
			['b.pdf', 503],
			['b.pdf', 503],
			['b.pdf', 200],
		]);
	});

	test('a refused connection is retried until 1Flow is reachable: one document', async () => {
		await start();
		const { port } = new URL(emulator.baseUrl);
		await emulator.stop();
		const pending = upload([{}], { files: [pdf()], options: { maxRetries: 8 } });
		// Nothing listens for a while: the first attempts are refused.
		await sleep(1200);
		const restarted = await startEmulator({
			port: Number(port),
			webhooks: [{ id: WEBHOOK, secret: SECRET }],
		});
		const result = await pending;
		expect(result.error).toBeUndefined();
		expect(restarted.uploads).toHaveLength(1);
		expect(result.main[0].json.documentId).toBe(restarted.uploads[0].documentId);
	});
});
