/**
 * `POST /api/webhook/{webhookId}/document/upload`: a file as multipart form data, a URL to fetch
 * or base64 JSON (see ../upload-body). The document it creates starts PENDING and moves on by
 * itself (see ../documents). Errors carry `"success": false`, as 1Flow's upload errors do.
 */
import {
	receiveUpload,
	resolveUpload,
	type ReceivedUpload,
	type ResolvedUpload,
} from '../upload-body';
import type { Route } from './route';
import { readWebhook, refusal, webhookPath } from './webhook';

/** The uploaded file's name as the request gives it, before any check (what fault scripts key on). */
function fileNameOf(received: ReceivedUpload): string | undefined {
	if (received.form === 'multipart')
		return received.parts.find((part) => part.fileName !== undefined)?.fileName;
	if (received.form !== 'json' || typeof received.json !== 'object' || received.json === null)
		return undefined;
	const { fileName, url } = received.json as Record<string, unknown>;
	return typeof fileName === 'string' ? fileName : typeof url === 'string' ? url : undefined;
}

export const uploadDocument: Route = {
	path: webhookPath('upload'),
	methods: ['POST'],
	receive: receiveUpload,
	handle(context) {
		const { exchange, store, faults } = context;
		const webhookId = readWebhook(context);
		const received = context.received as ReceivedUpload;
		const fileName = fileNameOf(received);
		if (fileName !== undefined) exchange.record.fileName = fileName;
		// A refused request is answered without fetching anything.
		const resolving: Promise<ResolvedUpload | undefined> = refusal(context, webhookId)
			? Promise.resolve(undefined)
			: resolveUpload(received);
		void resolving.then((resolved) => {
			faults.run(exchange, { endpoint: 'upload', webhookId, docId: undefined, fileName }, () => {
				const refused = refusal(context, webhookId);
				if (refused) return refused;
				if (!resolved || 'error' in resolved) {
					return {
						status: resolved?.status ?? 400,
						body: { success: false, error: resolved?.error ?? 'Missing or invalid file data' },
					};
				}
				const document = store.createDocument(webhookId, resolved.file);
				exchange.record.createdDocumentId = document.id;
				return {
					status: 200,
					body: {
						success: true,
						message: 'Document uploaded successfully',
						documentId: document.id,
					},
				};
			});
		});
	},
};
