/**
 * One emulated 1Flow document: the file it came from, its way through 1Flow's processing
 * (PENDING → PARTIAL → EXTRACTED → INDEXED, over configurable times) and what Get answers
 * about it at a given moment. The extraction is made up but deterministic: header fields
 * and line items whose amounts add up, as an invoice has them.
 *
 * Shapes follow 1Flow's public docs; where they say nothing (the schema's form, the fields'
 * names) this is a plausible guess, marked as such in docs/open-points.md.
 */
export type ExtractionStatus = 'PENDING' | 'PARTIAL' | 'EXTRACTED' | 'INDEXED';

export const EXTRACTION_STATUSES: readonly ExtractionStatus[] = [
	'PENDING',
	'PARTIAL',
	'EXTRACTED',
	'INDEXED',
];

/** How long an uploaded document stays in each state, and where it may stop for good. */
export interface ProcessingConfig {
	pendingMs: number;
	partialMs: number;
	extractedMs: number;
	/** The document never gets past this state (1Flow documents no failed state). */
	stopAt?: ExtractionStatus;
	/** Line items of each new document's extraction. */
	lineItems: number;
	/** Header fields its extraction has beyond the invoice's own (field1, field2, …). */
	extraFields?: number;
}

/** Fast enough for tests and the demo, slow enough for a poll to see every state. */
export const DEFAULT_PROCESSING: ProcessingConfig = {
	pendingMs: 200,
	partialMs: 200,
	extractedMs: 200,
	lineItems: 3,
};

/** What 1Flow was given: a file's name, type and size, and a digest of its bytes. */
export interface ReceivedFile {
	fileName: string;
	contentType: string;
	size: number;
	/** SHA-256 of the bytes, hex: tests compare it instead of keeping the bytes. */
	sha256: string;
	/** How the file came: a multipart part, a URL 1Flow fetched, or base64 in JSON. */
	form: 'multipart' | 'url' | 'base64' | 'seeded';
	url?: string;
}

export interface StoredDocument {
	id: string;
	webhookId: string;
	file: ReceivedFile;
	/** Date.now() at upload. */
	createdAt: number;
	processing: ProcessingConfig;
	/** Set for documents created in a state (seeded): their status never changes. */
	fixedStatus?: ExtractionStatus;
}

/** Milliseconds from upload to the start of each state. */
function stateStarts({ pendingMs, partialMs, extractedMs }: ProcessingConfig): number[] {
	return [0, pendingMs, pendingMs + partialMs, pendingMs + partialMs + extractedMs];
}

/** The document's state at `now`, and when it began (Date.now() time). */
export function stateAt(
	document: StoredDocument,
	now: number,
): { status: ExtractionStatus; since: number } {
	if (document.fixedStatus) return { status: document.fixedStatus, since: document.createdAt };
	const starts = stateStarts(document.processing);
	const { stopAt } = document.processing;
	let index = 0;
	while (index < starts.length - 1 && now - document.createdAt >= starts[index + 1]) index++;
	if (stopAt !== undefined) index = Math.min(index, EXTRACTION_STATUSES.indexOf(stopAt));
	return { status: EXTRACTION_STATUSES[index], since: document.createdAt + starts[index] };
}

/** Milliseconds from upload to INDEXED; undefined when the document never gets there. */
export function msUntilIndexed(document: StoredDocument): number | undefined {
	if (document.fixedStatus) return undefined;
	const { stopAt } = document.processing;
	return stopAt === undefined || stopAt === 'INDEXED'
		? stateStarts(document.processing)[3]
		: undefined;
}

/** A small number derived from the document ID, so every document reads a little differently. */
function seedOf(text: string): number {
	let hash = 7;
	for (const character of text) hash = (hash * 31 + character.charCodeAt(0)) % 9973;
	return hash;
}

const cents = (value: number) => Math.round(value * 100) / 100;

function lineItemsOf(document: StoredDocument): Array<Record<string, unknown>> {
	const seed = seedOf(document.id);
	return Array.from({ length: document.processing.lineItems }, (_, index) => {
		const quantity = 1 + ((seed + index) % 5);
		const unitPrice = cents(10 + ((seed * (index + 3)) % 900) / 10);
		return {
			description: `Item ${index + 1}`,
			sku: `SKU-${seed}-${index + 1}`,
			quantity,
			unitPrice,
			amount: cents(quantity * unitPrice),
		};
	});
}

function extraFieldsOf(document: StoredDocument): Record<string, string> {
	const count = document.processing.extraFields ?? 0;
	return Object.fromEntries(
		Array.from({ length: count }, (_, i) => [`field${i + 1}`, `v${i + 1}`]),
	);
}

/** The extraction, the document summary and the schema 1Flow would have for this document. */
function extractionOf(document: StoredDocument, createdAt: string) {
	const items = lineItemsOf(document);
	const totalAmount = cents(items.reduce((sum, item) => sum + (item.amount as number), 0));
	const invoiceNumber = `INV-${seedOf(document.id)}`;
	const documentDate = createdAt.slice(0, 10);
	return {
		document: {
			description: `Invoice ${invoiceNumber} (${document.file.fileName})`,
			totalAmount,
			documentDate,
		},
		extraction: {
			fields: {
				invoiceNumber,
				supplierName: 'Emulated Supplier Ltd',
				invoiceDate: documentDate,
				currency: 'EUR',
				totalAmount,
				...extraFieldsOf(document),
			},
			tables: { items },
		},
	};
}

/** The schema of the emulated document type (its form is not documented by 1Flow: a guess). */
const INVOICE_SCHEMA = {
	docType: 'invoice',
	fields: [
		{ name: 'invoiceNumber', type: 'string' },
		{ name: 'supplierName', type: 'string' },
		{ name: 'invoiceDate', type: 'date' },
		{ name: 'currency', type: 'string' },
		{ name: 'totalAmount', type: 'number' },
	],
	tables: {
		items: [
			{ name: 'description', type: 'string' },
			{ name: 'sku', type: 'string' },
			{ name: 'quantity', type: 'number' },
			{ name: 'unitPrice', type: 'number' },
			{ name: 'amount', type: 'number' },
		],
	},
};

/** Get's answer for the document at `now`: `document` and `extraction` are null until extracted. */
export function documentAnswer(
	document: StoredDocument,
	now: number,
	includeSchema: boolean,
): Record<string, unknown> {
	const { status: extractionStatus, since } = stateAt(document, now);
	const createdAt = new Date(document.createdAt).toISOString();
	const extracted = extractionStatus === 'EXTRACTED' || extractionStatus === 'INDEXED';
	const answer: Record<string, unknown> = {
		success: true,
		documentId: document.id,
		status: {
			extractionStatus,
			docType: extractionStatus === 'PENDING' ? null : 'invoice',
			fileName: document.file.fileName,
			createdAt,
			updatedAt: new Date(since).toISOString(),
		},
		...(extracted ? extractionOf(document, createdAt) : { document: null, extraction: null }),
	};
	if (includeSchema) answer.schema = INVOICE_SCHEMA;
	return answer;
}
