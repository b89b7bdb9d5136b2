/**
 * What the emulated 1Flow account holds: webhooks with their secret and documents, every
 * upload, how often each document was deleted, and when documents reach INDEXED. Routes read
 * and change it; tests inspect it.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { clearTimeout, setTimeout } from 'node:timers';

import {
	DEFAULT_PROCESSING,
	documentAnswer,
	msUntilIndexed,
	type ExtractionStatus,
	type ProcessingConfig,
	type ReceivedFile,
	type StoredDocument,
} from './documents';

export interface WebhookConfig {
	id: string;
	secret?: string;
	/** Documents already processed (INDEXED, with an extraction of `lineItems` lines). */
	documents?: Iterable<string>;
}

/** Documents added by ID rather than uploaded: in a fixed state, with their own size. */
export interface SeedOptions {
	status?: ExtractionStatus;
	lineItems?: number;
	/** Header fields beyond the invoice's own (see ProcessingConfig). */
	extraFields?: number;
}

/** One upload 1Flow accepted: which document it created from which file. */
export interface UploadRecord {
	webhookId: string;
	documentId: string;
	file: ReceivedFile;
	/** Date.now() when the document was created. */
	at: number;
}

/** A document reached INDEXED: what 1Flow's `document.ready` callback is sent for. */
export interface IndexedEvent {
	webhookId: string;
	documentId: string;
	/** Get's answer at that moment (without schema). */
	answer: Record<string, unknown>;
}

interface StoredWebhook {
	secret?: Buffer;
	documents: Map<string, StoredDocument>;
}

export class AccountStore {
	private readonly webhooks = new Map<string, StoredWebhook>();
	private readonly deleteCounts = new Map<string, number>();
	private readonly indexedTimers = new Map<StoredDocument, NodeJS.Timeout>();
	private readonly indexedListeners = new Set<(event: IndexedEvent) => void>();
	private processing: ProcessingConfig = { ...DEFAULT_PROCESSING };
	readonly uploads: UploadRecord[] = [];

	addWebhook(config: WebhookConfig): void {
		const webhook: StoredWebhook = {
			secret: config.secret === undefined ? undefined : Buffer.from(config.secret),
			documents: new Map(),
		};
		this.webhooks.set(config.id, webhook);
		this.addDocuments(config.id, config.documents ?? []);
	}

	addDocuments(webhookId: string, docIds: Iterable<string>, options: SeedOptions = {}): void {
		const webhook = this.webhooks.get(webhookId);
		if (!webhook) throw new Error(`Unknown webhook: ${webhookId}`);
		const processing = {
			...this.processing,
			lineItems: options.lineItems ?? this.processing.lineItems,
			extraFields: options.extraFields ?? this.processing.extraFields,
		};
		for (const id of docIds) {
			const file: ReceivedFile = {
				fileName: `${id}.pdf`,
				contentType: 'application/pdf',
				size: 0,
				sha256: '',
				form: 'seeded',
			};
			webhook.documents.set(id, {
				id,
				webhookId,
				file,
				createdAt: Date.now(),
				processing,
				fixedStatus: options.status ?? 'INDEXED',
			});
		}
	}

	/** How documents uploaded from now on are processed. */
	setProcessing(processing: Partial<ProcessingConfig>): void {
		this.processing = { ...this.processing, ...processing };
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

	findDocument(webhookId: string, docId: string): StoredDocument | undefined {
		return this.webhooks.get(webhookId)?.documents.get(docId);
	}

	/** A new document from an accepted upload; it starts PENDING and moves on by itself. */
	createDocument(webhookId: string, file: ReceivedFile): StoredDocument {
		const webhook = this.webhooks.get(webhookId);
		if (!webhook) throw new Error(`Unknown webhook: ${webhookId}`);
		const document: StoredDocument = {
			id: `doc_${randomBytes(6).toString('hex')}`,
			webhookId,
			file,
			createdAt: Date.now(),
			processing: { ...this.processing },
		};
		webhook.documents.set(document.id, document);
		this.uploads.push({ webhookId, documentId: document.id, file, at: document.createdAt });
		const untilIndexed = msUntilIndexed(document);
		if (untilIndexed !== undefined) {
			const timer = setTimeout(() => this.indexed(document, untilIndexed), untilIndexed);
			timer.unref();
			this.indexedTimers.set(document, timer);
		}
		return document;
	}

	/** Removes the document; false when the webhook does not hold it. */
	deleteDocument(webhookId: string, docId: string): boolean {
		const document = this.findDocument(webhookId, docId);
		if (!document) return false;
		this.webhooks.get(webhookId)?.documents.delete(docId);
		clearTimeout(this.indexedTimers.get(document));
		this.indexedTimers.delete(document);
		this.deleteCounts.set(docId, (this.deleteCounts.get(docId) ?? 0) + 1);
		return true;
	}

	/** How many times this document was actually deleted (any webhook). */
	deleteCount(docId: string): number {
		return this.deleteCounts.get(docId) ?? 0;
	}

	/** Calls `listener` whenever an uploaded document reaches INDEXED; returns the unsubscribe. */
	onIndexed(listener: (event: IndexedEvent) => void): () => void {
		this.indexedListeners.add(listener);
		return () => this.indexedListeners.delete(listener);
	}

	/** Forgets delete counts and uploads (documents stay). */
	resetRecords(): void {
		this.deleteCounts.clear();
		this.uploads.length = 0;
	}

	/** No more INDEXED events (the emulator stopped). */
	stop(): void {
		for (const timer of this.indexedTimers.values()) clearTimeout(timer);
		this.indexedTimers.clear();
	}

	private indexed(document: StoredDocument, untilIndexed: number): void {
		this.indexedTimers.delete(document);
		// A timer may fire a millisecond early by the wall clock: the event is about INDEXED.
		const answer = documentAnswer(
			document,
			Math.max(Date.now(), document.createdAt + untilIndexed),
			false,
		);
		for (const listener of this.indexedListeners)
			listener({ webhookId: document.webhookId, documentId: document.id, answer });
	}
}
