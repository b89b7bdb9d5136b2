/**
 * What the emulated 1Flow account holds: webhooks with their secret and documents, and how
 * often each document was deleted. Routes read and change it; tests inspect it.
 */
import { timingSafeEqual } from 'node:crypto';

export interface WebhookConfig {
	id: string;
	secret?: string;
	documents?: Iterable<string>;
}

/** One document of a webhook. Its state (status, file, extraction) will live here. */
interface StoredDocument {
	id: string;
}

interface StoredWebhook {
	secret?: Buffer;
	documents: Map<string, StoredDocument>;
}

export class AccountStore {
	private readonly webhooks = new Map<string, StoredWebhook>();
	private readonly deleteCounts = new Map<string, number>();

	addWebhook(config: WebhookConfig): void {
		const webhook: StoredWebhook = {
			secret: config.secret === undefined ? undefined : Buffer.from(config.secret),
			documents: new Map(),
		};
		this.webhooks.set(config.id, webhook);
		for (const docId of config.documents ?? []) webhook.documents.set(docId, { id: docId });
	}

	addDocuments(webhookId: string, docIds: Iterable<string>): void {
		const webhook = this.webhooks.get(webhookId);
		if (!webhook) throw new Error(`Unknown webhook: ${webhookId}`);
		for (const docId of docIds) webhook.documents.set(docId, { id: docId });
	}

	hasWebhook(webhookId: string): boolean {
		return this.webhooks.has(webhookId);
	}

	/** The webhook exists and has no secret, or `authorization` is exactly its secret. */
	isAuthorized(webhookId: string, authorization: string | undefined): boolean {
		const webhook = this.webhooks.get(webhookId);
		if (webhook === undefined) return false;
		if (webhook.secret === undefined) return true;
		if (authorization === undefined) return false;
		const given = Buffer.from(authorization);
		return given.length === webhook.secret.length && timingSafeEqual(given, webhook.secret);
	}

	hasDocument(webhookId: string, docId: string): boolean {
		return this.webhooks.get(webhookId)?.documents.has(docId) ?? false;
	}

	/** Removes the document; false when the webhook does not hold it. */
	deleteDocument(webhookId: string, docId: string): boolean {
		if (!this.webhooks.get(webhookId)?.documents.delete(docId)) return false;
		this.deleteCounts.set(docId, (this.deleteCounts.get(docId) ?? 0) + 1);
		return true;
	}

	/** How many times this document was actually deleted (any webhook). */
	deleteCount(docId: string): number {
		return this.deleteCounts.get(docId) ?? 0;
	}

	resetDeleteCounts(): void {
		this.deleteCounts.clear();
	}
}
