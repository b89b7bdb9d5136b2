/**
 * The body of 1Flow's `document.ready` callback: the document as Get returns it, plus `event`.
 * Without a document of its own the emulator sends a sample invoice (made-up values).
 */

/** What the emulator knows of a document: Get's `status`, `document` and `extraction`. */
export interface DocumentView {
	status?: Record<string, unknown>;
	document?: Record<string, unknown> | null;
	extraction?: { fields?: Record<string, unknown>; tables?: { items?: unknown[] } } | null;
}

export interface CallbackBody extends Required<DocumentView> {
	event: string;
	success: true;
	documentId: string;
}

/** A sample indexed invoice with `lineItems` line items. */
function sampleDocument(docId: string, lineItems = 3): Required<DocumentView> {
	const now = new Date().toISOString();
	const items = Array.from({ length: lineItems }, (_, index) => ({
		description: `Sample item ${index + 1}`,
		quantity: index + 1,
		unitPrice: 10,
		amount: (index + 1) * 10,
	}));
	const totalAmount = items.reduce((sum, item) => sum + item.amount, 0);
	return {
		status: { extractionStatus: 'INDEXED', docType: 'invoice', createdAt: now, updatedAt: now },
		document: {
			description: `Sample invoice ${docId}`,
			totalAmount,
			documentDate: now.slice(0, 10),
		},
		extraction: {
			fields: { invoiceNumber: `INV-${docId}`, vendorName: 'Sample Supplier', currency: 'EUR' },
			tables: { items },
		},
	};
}

export function documentReadyBody(
	docId: string,
	options: { event?: string; lineItems?: number; document?: DocumentView } = {},
): CallbackBody {
	const sample = sampleDocument(docId, options.lineItems);
	const view = options.document ?? sample;
	return {
		event: options.event ?? 'document.ready',
		success: true,
		documentId: docId,
		status: view.status ?? sample.status,
		document: view.document ?? null,
		extraction: view.extraction ?? null,
	};
}
