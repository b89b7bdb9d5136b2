/** The 1Flow Trigger's Events setting and output modes, in n8n's engine. */
import { signatureOf } from '../../testkit/emulator';
import { SIGNING_SECRET, expectNoSecretIn, triggersPerTest } from '../support/trigger';
import { ACKNOWLEDGED, CALLBACK_ID, answerOf } from '../support/trigger-answers';

const openTrigger = triggersPerTest();

describe('1Flow Trigger: events', () => {
	it('other events are acknowledged with 200 and start nothing', async () => {
		const trigger = await openTrigger();
		for (const event of ['document.failed', 'document.deleted', '']) {
			const sent = await trigger.sender.send({ docId: 'doc_other', event });
			expect({ event, status: sent.status, reply: answerOf(sent) }).toEqual({
				event,
				status: 200,
				reply: ACKNOWLEDGED,
			});
		}
		expect(await trigger.runs()).toEqual([]);
		// A refused signature is refused whatever the event.
		expect(
			(await trigger.sender.send({ docId: 'doc_other', event: 'document.failed', kind: 'forged' }))
				.status,
		).toBe(401);
	});

	it('a callback without an event is acknowledged and starts nothing', async () => {
		const trigger = await openTrigger();
		const body = Buffer.from('{"documentId":"doc_no_event"}');
		const timestamp = String(Date.now());
		const signature = signatureOf(body, timestamp, SIGNING_SECRET, {
			signs: 'body',
			encoding: 'hex',
		});
		const headers = {
			'content-type': 'application/json',
			'x-webhook-timestamp': timestamp,
			'x-webhook-signature': signature,
		};
		const reply = await fetch(trigger.endpoint.url, { method: 'POST', headers, body });
		expect([reply.status, await reply.json()]).toEqual([200, ACKNOWLEDGED]);
		expect(await trigger.runs()).toEqual([]);
	});

	it('Any Event passes document.ready and every other event', async () => {
		const trigger = await openTrigger({ events: ['*'] });
		for (const event of ['document.ready', 'document.failed', 'something.new'])
			expect((await trigger.sender.send({ docId: `doc_${event}`, event })).status).toBe(200);
		expect(
			(await trigger.runs()).map((run) => run.map((item) => [item.event, item.documentId])),
		).toEqual([
			[['document.ready', 'doc_document.ready']],
			[['document.failed', 'doc_document.failed']],
			[['something.new', 'doc_something.new']],
		]);
	});

	it('a list of events passes exactly those', async () => {
		const trigger = await openTrigger({ events: ['document.ready', 'document.failed'] });
		for (const event of ['document.ready', 'document.failed', 'document.deleted'])
			await trigger.sender.send({ docId: 'doc_listed', event });
		expect((await trigger.runs()).map((run) => run[0].event)).toEqual([
			'document.ready',
			'document.failed',
		]);
	});
});

describe('1Flow Trigger: output', () => {
	it('Callback as Sent (default): one item, the body as sent plus verified', async () => {
		const trigger = await openTrigger();
		const sent = await trigger.sender.send({ docId: 'doc_as_sent', lineItems: 2 });
		const body = JSON.parse(sent.body.toString()) as Record<string, unknown>;
		expect(Object.keys(body)).toEqual([
			'event',
			'success',
			'documentId',
			'status',
			'document',
			'extraction',
		]);
		expect(await trigger.runs()).toEqual([[{ ...body, verified: true, callbackId: CALLBACK_ID }]]);
	});

	it('Simplified: one flat item with the header fields and the line items as a list', async () => {
		const trigger = await openTrigger({ options: { output: 'simplified' } });
		await trigger.sender.send({ docId: 'doc_simple', lineItems: 2 });
		const [[item]] = await trigger.runs();
		expect(item).toMatchObject({
			event: 'document.ready',
			documentId: 'doc_simple',
			status: 'INDEXED',
			docType: 'invoice',
			description: 'Sample invoice doc_simple',
			totalAmount: 30,
			invoiceNumber: 'INV-doc_simple',
			vendorName: 'Sample Supplier',
			verified: true,
		});
		expect(item.lineItems).toEqual([
			{ description: 'Sample item 1', quantity: 1, unitPrice: 10, amount: 10 },
			{ description: 'Sample item 2', quantity: 2, unitPrice: 10, amount: 20 },
		]);
	});

	it('One Item per Line Item: 1,000 line items give 1,000 items of one run, in order', async () => {
		const trigger = await openTrigger({ options: { output: 'lineItems' } });
		const sent = await trigger.sender.send({ docId: 'doc_large', lineItems: 1000 });
		expect(sent.status).toBe(200);
		expect(sent.body.length).toBeGreaterThan(70_000);
		const runs = await trigger.runs();
		expect(runs).toHaveLength(1);
		expect(runs[0]).toHaveLength(1000);
		expect(runs[0].map((item) => item.lineNumber)).toEqual(
			Array.from({ length: 1000 }, (_, index) => index + 1),
		);
		expect(
			runs[0].every(
				(item) =>
					item.documentId === 'doc_large' &&
					item.verified === true &&
					item.invoiceNumber === 'INV-doc_large',
			),
		).toBe(true);
		expect(runs[0][999]).toMatchObject({
			description: 'Sample item 1000',
			quantity: 1000,
			amount: 10_000,
		});
		expectNoSecretIn(trigger);
	});

	it('One Item per Line Item, 10,000 header fields × 10,000 line items: 422 with the numbers, no run; the next callback runs', async () => {
		const trigger = await openTrigger({ options: { output: 'lineItems' } });
		const fields = Object.fromEntries(
			Array.from({ length: 10_000 }, (_, index) => [`field${index}`, index]),
		);
		const items = Array.from({ length: 10_000 }, (_, index) => ({ line: index }));
		const updatedAt = new Date().toISOString();
		const rss = process.memoryUsage().rss;
		const huge = await trigger.sender.send({
			docId: 'doc_huge',
			document: {
				status: { extractionStatus: 'INDEXED', updatedAt },
				document: null,
				extraction: { fields, tables: { items } },
			},
		});
		console.log(
			`10,000 × 10,000 to One Item per Line Item: answered in ${huge.ms} ms, RSS +${Math.round((process.memoryUsage().rss - rss) / 1e6)} MB`,
		);
		expect(huge.status).toBe(422);
		expect(answerOf(huge)).toEqual({ error: expect.stringContaining('10,000 line items') });
		const next = await trigger.sender.send({ docId: 'doc_after_huge', lineItems: 2 });
		expect(next.status).toBe(200);
		expect((await trigger.runs()).map((run) => run.map((item) => item.documentId))).toEqual([
			['doc_after_huge', 'doc_after_huge'],
		]);
		expect(trigger.endpoint.logs().join('\n')).toContain(
			'refused a document too large for One Item per Line Item',
		);
	});

	it('One Item per Line Item without line items: one item, lineNumber null', async () => {
		const trigger = await openTrigger({ options: { output: 'lineItems' } });
		await trigger.sender.send({ docId: 'doc_no_lines', lineItems: 0 });
		expect(await trigger.runs()).toEqual([
			[expect.objectContaining({ documentId: 'doc_no_lines', lineNumber: null, verified: true })],
		]);
	});

	it.each(['callback', 'simplified', 'lineItems'])(
		'%s: no field of an unsigned callback can claim verified: true',
		async (output) => {
			const trigger = await openTrigger({
				credentialSecret: null,
				options: { acceptUnsigned: true, output },
			});
			const document = {
				status: { extractionStatus: 'INDEXED' },
				document: { verified: true },
				extraction: { fields: { verified: true }, tables: { items: [{ verified: true }] } },
			};
			await trigger.sender.send({ docId: 'doc_claims', kind: 'unsigned', document });
			expect((await trigger.runs())[0].map((item) => item.verified)).toEqual([false]);
		},
	);
});
