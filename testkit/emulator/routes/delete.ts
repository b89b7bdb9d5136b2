/** `POST /api/webhook/{webhookId}/document/delete` with `{"docId": "..."}`. */
import type { Route } from './route';
import { jsonField, readWebhook, refusal, webhookPath } from './webhook';

export const deleteDocument: Route = {
	path: webhookPath('delete'),
	methods: ['POST'],
	handle(context) {
		const { exchange, body, store, faults } = context;
		const webhookId = readWebhook(context);
		const docId = jsonField(body, 'docId');
		if (docId !== undefined) exchange.record.docId = docId;
		faults.run(exchange, { endpoint: 'delete', webhookId, docId }, () => {
			const refused = refusal(context, webhookId);
			if (refused) return refused;
			if (typeof docId !== 'string' || docId.trim() === '') {
				return { status: 400, body: { error: 'Missing or invalid docId in request body' } };
			}
			if (!store.deleteDocument(webhookId, docId))
				return { status: 404, body: { error: 'Document not found' } };
			exchange.record.deleted = true;
			return {
				status: 200,
				body: { success: true, message: 'Document deleted successfully', documentId: docId },
			};
		});
	},
};
