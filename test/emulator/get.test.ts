/** The emulator's get endpoint and the document lifecycle it reports. */
import { DEMO_WEBHOOK, type IndexedEvent } from '../../testkit/emulator';
import {
	EXTRACTION_STATUSES,
	stateAt,
	type ExtractionStatus,
	type StoredDocument,
} from '../../testkit/emulator/documents';
import {
	AUTH,
	endpoint,
	getDoc,
	send,
	startEmulator,
	uploadFile,
} from '../support/emulator-requests';
import { sleep, waitFor } from '../support/wait';

describe('1Flow emulator: get and the lifecycle', () => {
	test('PENDING → PARTIAL → EXTRACTED → INDEXED over the configured times; onIndexed fires once, at INDEXED', async () => {
		const emulator = await startEmulator({
			processing: { pendingMs: 150, partialMs: 150, extractedMs: 150, lineItems: 4 },
		});
		const events: IndexedEvent[] = [];
		emulator.onIndexed((event) => events.push(event));
		const { documentId } = (await uploadFile(emulator, Buffer.from('x'))).json as {
			documentId: string;
		};
		const seen: string[] = [];
		while (!seen.includes('INDEXED')) {
			const answer = (await getDoc(emulator, documentId)).json as {
				status: { extractionStatus: string };
				extraction: unknown;
				document: unknown;
			};
			const status = answer.status.extractionStatus;
			if (seen[seen.length - 1] !== status) seen.push(status);
			expect({ status, extracted: answer.extraction !== null && answer.document !== null }).toEqual(
				{ status, extracted: status === 'EXTRACTED' || status === 'INDEXED' },
			);
			await sleep(20);
		}
		// Polls see the states in order (a slow poll may skip one; stateAt below pins each boundary).
		expect(seen[0]).toBe('PENDING');
		const order = seen.map((status) => EXTRACTION_STATUSES.indexOf(status as ExtractionStatus));
		expect(order).toEqual([...order].sort((a, b) => a - b));
		await waitFor(() => events.length > 0, 'the INDEXED event');
		await sleep(100);
		expect(events).toHaveLength(1);
		expect(events[0]).toMatchObject({
			webhookId: DEMO_WEBHOOK.id,
			documentId,
			answer: { documentId, status: { extractionStatus: 'INDEXED' } },
		});
		type Extracted = {
			extraction: { fields: { totalAmount: number }; tables: { items: Array<{ amount: number }> } };
			document: unknown;
			schema: unknown;
		};
		const answer = (await getDoc(emulator, documentId, '&includeSchema=true')).json as Extracted;
		expect(answer.extraction.tables.items).toHaveLength(4);
		const sum = answer.extraction.tables.items.reduce((total, item) => total + item.amount, 0);
		expect(answer.extraction.fields.totalAmount).toBeCloseTo(sum, 2);
		expect(answer.document).toMatchObject({
			totalAmount: answer.extraction.fields.totalAmount,
			description: expect.stringContaining('invoice.pdf'),
		});
		expect(answer.schema).toMatchObject({ docType: 'invoice', fields: expect.any(Array) });
		expect(
			((await getDoc(emulator, documentId)).json as Record<string, unknown>).schema,
		).toBeUndefined();
	});

	test('stateAt: each state from its start to the next one, stopAt and seeded states hold', () => {
		const document: StoredDocument = {
			id: 'doc_x',
			webhookId: 'wh',
			createdAt: 1000,
			file: {
				fileName: 'a.pdf',
				contentType: 'application/pdf',
				size: 1,
				sha256: '',
				form: 'multipart',
			},
			processing: { pendingMs: 100, partialMs: 200, extractedMs: 300, lineItems: 1 },
		};
		const at = (now: number, changes: Partial<StoredDocument> = {}) =>
			stateAt({ ...document, ...changes }, now);
		expect(
			[999, 1000, 1099, 1100, 1299, 1300, 1599, 1600, 99_999].map((now) => at(now).status),
		).toEqual([
			'PENDING',
			'PENDING',
			'PENDING',
			'PARTIAL',
			'PARTIAL',
			'EXTRACTED',
			'EXTRACTED',
			'INDEXED',
			'INDEXED',
		]);
		expect(at(1450)).toEqual({ status: 'EXTRACTED', since: 1300 });
		expect(at(99_999, { processing: { ...document.processing, stopAt: 'PARTIAL' } })).toEqual({
			status: 'PARTIAL',
			since: 1100,
		});
		expect(at(5000, { fixedStatus: 'PENDING' })).toEqual({ status: 'PENDING', since: 1000 });
	});

	test('stopAt keeps a document in one state for good, without an event', async () => {
		const emulator = await startEmulator({
			processing: { pendingMs: 10, partialMs: 10, extractedMs: 10, stopAt: 'PARTIAL' },
		});
		const events: IndexedEvent[] = [];
		emulator.onIndexed((event) => events.push(event));
		const { documentId } = (await uploadFile(emulator, Buffer.from('x'))).json as {
			documentId: string;
		};
		await sleep(150);
		expect(emulator.documentStatus(DEMO_WEBHOOK.id, documentId)).toBe('PARTIAL');
		expect(events).toEqual([]);
	});

	test('POST form with {docId}; seeded documents are INDEXED; check order webhook, secret, body, document', async () => {
		const emulator = await startEmulator();
		emulator.addDocuments(DEMO_WEBHOOK.id, ['doc_pending'], { status: 'PENDING' });
		const posted = await send(endpoint(emulator, 'get'), {
			body: JSON.stringify({ docId: 'doc_001' }),
			headers: AUTH,
		});
		expect(posted.json).toMatchObject({
			success: true,
			documentId: 'doc_001',
			status: { extractionStatus: 'INDEXED', docType: 'invoice' },
		});
		expect(
			((await getDoc(emulator, 'doc_pending')).json as { status: unknown }).status,
		).toMatchObject({ extractionStatus: 'PENDING' });
		const url = (webhookId: string, docId: string) =>
			`${endpoint(emulator, 'get', webhookId)}?docId=${docId}`;
		const answers = [
			await send(url('wh_nope', ''), { method: 'GET', headers: { authorization: 'wrong' } }),
			await send(url(DEMO_WEBHOOK.id, ''), { method: 'GET', headers: { authorization: 'wrong' } }),
			await send(url(DEMO_WEBHOOK.id, '%20'), { method: 'GET', headers: AUTH }),
			await send(url(DEMO_WEBHOOK.id, 'doc_999'), { method: 'GET', headers: AUTH }),
			await send(endpoint(emulator, 'get'), { method: 'PUT', body: '{}', headers: AUTH }),
		];
		expect(answers.map((reply) => [reply.status, reply.json])).toEqual([
			[404, { error: 'Webhook not found' }],
			[401, { error: 'Invalid or missing webhook secret' }],
			[400, { error: 'Missing or invalid docId' }],
			[404, { error: 'Document not found' }],
			[405, { error: 'Method not allowed' }],
		]);
		expect(emulator.requests.map((record) => record.docId)).toEqual([
			'doc_001',
			'doc_pending',
			'',
			'',
			' ',
			'doc_999',
			undefined,
		]);
	});

	test('a deleted document is gone for Get and sends no INDEXED event', async () => {
		const emulator = await startEmulator({
			processing: { pendingMs: 500, partialMs: 0, extractedMs: 0 },
		});
		const events: IndexedEvent[] = [];
		emulator.onIndexed((event) => events.push(event));
		const { documentId } = (await uploadFile(emulator, Buffer.from('x'))).json as {
			documentId: string;
		};
		expect(
			(
				await send(endpoint(emulator, 'delete'), {
					body: JSON.stringify({ docId: documentId }),
					headers: AUTH,
				})
			).status,
		).toBe(200);
		expect((await getDoc(emulator, documentId)).status).toBe(404);
		await sleep(700);
		expect(events).toEqual([]);
	});
});
