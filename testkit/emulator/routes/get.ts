/**
 * `GET /api/webhook/{webhookId}/document/get?docId=...&includeSchema=true|false`, and the
 * `POST` form with `{"docId": "...", "includeSchema"?: true}` that 1Flow's overview page shows.
 */
import { documentAnswer } from '../documents';
import type { Route } from './route';
import { jsonField, readWebhook, refusal, webhookPath } from './webhook';

export const getDocument: Route = {
	path: webhookPath('get'),
	methods: ['GET', 'POST'],
	handle(context) {
		const { exchange, body, store, faults } = context;
		const webhookId = readWebhook(context);
		let docId: unknown;
		let includeSchema: unknown;
		if (exchange.record.method === 'GET') {
			const query = new URL(exchange.req.url ?? '/', 'http://emulator').searchParams;
			docId = query.get('docId') ?? undefined;
			includeSchema = query.get('includeSchema') === 'true';
		} else {
			docId = jsonField(body, 'docId');
			includeSchema = jsonField(body, 'includeSchema');
		}
		if (docId !== undefined) exchange.record.docId = docId;
		faults.run(exchange, { endpoint: 'get', webhookId, docId }, () => {
			const refused = refusal(context, webhookId);
			if (refused) return refused;
			if (typeof docId !== 'string' || docId.trim() === '')
				return { status: 400, body: { error: 'Missing or invalid docId' } };
			const document = store.findDocument(webhookId, docId);
			if (!document) return { status: 404, body: { error: 'Document not found' } };
			return {
				status: 200,
				body: documentAnswer(
					document,
					Date.now(),
					includeSchema === true || includeSchema === 'true',
				),
			};
		});
	},
};
