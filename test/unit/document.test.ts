import {
	MAX_HEADER_COPY_BYTES,
	MAX_HEADER_FIELDS,
	MAX_LINE_ITEMS,
	lineItemRows,
	shapeDocument,
	simplifyDocument,
} from '../../nodes/OneFlow/shared/document';
import { isFailure, type Failure } from '../../nodes/OneFlow/shared/failure';

/** The items, or the split's refusal as the test's failure. */
function rowsOf(shaped: Array<Record<string, unknown>> | Failure): Array<Record<string, unknown>> {
	if (isFailure(shaped)) throw new Error(shaped.message);
	return shaped;
}

const indexed = {
	success: true,
	documentId: 'doc_1',
	status: { extractionStatus: 'INDEXED', docType: 'invoice', createdAt: '2026-11-30T10:00:00Z' },
	document: { description: 'Office chairs', totalAmount: 1200, documentDate: '2026-11-01' },
	extraction: {
		fields: { invoiceNumber: 'INV-7', supplier: 'Acme', totalAmount: 1200.5, status: 'paid' },
		tables: {
			items: [
				{ description: 'Chair', quantity: 4, amount: 1000 },
				{ description: 'Delivery', amount: 200.5 },
			],
		},
	},
};

describe('simplifyDocument', () => {
	it('puts ID, status, type, summary and fields side by side, fields over the summary', () => {
		expect(simplifyDocument(indexed, 'doc_1')).toEqual({
			documentId: 'doc_1',
			status: 'INDEXED',
			docType: 'invoice',
			description: 'Office chairs',
			totalAmount: 1200.5,
			documentDate: '2026-11-01',
			invoiceNumber: 'INV-7',
			supplier: 'Acme',
			lineItems: indexed.extraction.tables.items,
		});
	});

	it('never lets a field overwrite the document ID, status or type', () => {
		const simplified = simplifyDocument(indexed, 'doc_1');
		expect([simplified.documentId, simplified.status, simplified.docType]).toEqual([
			'doc_1',
			'INDEXED',
			'invoice',
		]);
	});

	it('says the status of a document not extracted yet, with nothing else made up', () => {
		const pending = {
			success: true,
			documentId: 'doc_2',
			status: { extractionStatus: 'PENDING' },
			document: null,
			extraction: null,
		};
		expect(simplifyDocument(pending, 'doc_2')).toEqual({
			documentId: 'doc_2',
			status: 'PENDING',
			docType: null,
			lineItems: [],
		});
	});

	it('keeps the schema when 1Flow sent one, and names the document asked for when 1Flow does not', () => {
		const simplified = simplifyDocument(
			{ success: true, status: {}, schema: { fields: ['a'] } },
			'doc_3',
		);
		expect(simplified).toMatchObject({
			documentId: 'doc_3',
			status: null,
			schema: { fields: ['a'] },
		});
	});
});

describe('lineItemRows', () => {
	it('gives one row per line item with the header fields, the line winning on shared names', () => {
		const rows = rowsOf(lineItemRows(indexed, 'doc_1'));
		expect(rows).toHaveLength(2);
		expect(rows[0]).toMatchObject({
			documentId: 'doc_1',
			invoiceNumber: 'INV-7',
			lineNumber: 1,
			description: 'Chair',
			quantity: 4,
			amount: 1000,
		});
		expect(rows[1]).toMatchObject({ lineNumber: 2, description: 'Delivery', amount: 200.5 });
		expect(rows[1]).not.toHaveProperty('quantity');
		expect(rows[0]).not.toHaveProperty('lineItems');
	});

	it('keeps a document without line items as one row', () => {
		expect(
			lineItemRows({ documentId: 'doc_4', status: { extractionStatus: 'PARTIAL' } }, 'doc_4'),
		).toEqual([{ documentId: 'doc_4', status: 'PARTIAL', docType: null, lineNumber: null }]);
	});

	it('keeps the document ID even when a line has a documentId column', () => {
		const answer = {
			...indexed,
			extraction: { fields: {}, tables: { items: [{ documentId: 'other' }, 'plain text'] } },
		};
		expect(rowsOf(lineItemRows(answer, 'doc_1')).map((row) => [row.documentId, row.value])).toEqual(
			[
				['doc_1', undefined],
				['doc_1', 'plain text'],
			],
		);
	});
});

describe('shapeDocument', () => {
	it('hands on the raw answer as a copy', () => {
		const [raw] = rowsOf(shapeDocument(indexed, 'doc_1', 'raw'));
		expect(raw).toEqual(indexed);
		expect(raw).not.toBe(indexed);
	});

	it('handles 1,000 line items', () => {
		const items = Array.from({ length: 1000 }, (_, i) => ({ sku: `S${i}`, amount: i }));
		const rows = rowsOf(
			shapeDocument(
				{ ...indexed, extraction: { fields: { invoiceNumber: 'X' }, tables: { items } } },
				'doc_1',
				'lineItems',
			),
		);
		expect(rows).toHaveLength(1000);
		expect(rows[999]).toMatchObject({ lineNumber: 1000, sku: 'S999', invoiceNumber: 'X' });
	});
});

/** An indexed document with `fields` header fields and `lines` line items. */
function documentOf(fields: number, lines: number, value = (i: number) => `value ${i}`) {
	const header = Object.fromEntries(Array.from({ length: fields }, (_, i) => [`f${i}`, value(i)]));
	const items = Array.from({ length: lines }, (_, i) => ({ sku: `S${i}`, amount: i }));
	return { ...indexed, document: null, extraction: { fields: header, tables: { items } } };
}

describe('the caps of One Item per Line Item', () => {
	it('are 10,000 line items, 200 header fields and 64 MiB of header copies', () => {
		expect([MAX_LINE_ITEMS, MAX_HEADER_FIELDS, MAX_HEADER_COPY_BYTES]).toEqual([
			10_000,
			200,
			64 * 1024 * 1024,
		]);
	});

	it('refuse 10,000 header fields on 10,000 line items at once, naming the document and the numbers', () => {
		const answer = documentOf(10_000, 10_000);
		const started = performance.now();
		const rows = lineItemRows(answer, 'doc_1');
		const ms = performance.now() - started;
		expect(isFailure(rows) && rows.message).toBe(
			'Document "doc_1" is too large for One Item per Line Item: 10,000 line items × 10,000 header fields',
		);
		expect(isFailure(rows) && rows.description).toMatch(
			/at most 10,000 line items and 200 header fields, whose copies come to at most 64\.0 MiB.*This one's copies would come to \d+\.\d MiB\. Set Output to Simplified or Raw/,
		);
		// Simplified and Raw stay one item whatever the size.
		expect(shapeDocument(answer, 'doc_1', 'simplified')).toHaveLength(1);
		expect(shapeDocument(answer, 'doc_1', 'raw')).toHaveLength(1);
		console.log(`10,000 x 10,000 refused in ${ms.toFixed(1)} ms`);
	});

	it('refuse one line item too many, or one header field too many', () => {
		expect(isFailure(lineItemRows(documentOf(5, MAX_LINE_ITEMS + 1), 'doc_1'))).toBe(true);
		expect(isFailure(lineItemRows(documentOf(MAX_HEADER_FIELDS + 1, 2), 'doc_1'))).toBe(true);
	});

	it('split a document at the caps', () => {
		const rows = rowsOf(lineItemRows(documentOf(MAX_HEADER_FIELDS, MAX_LINE_ITEMS), 'doc_1'));
		expect(rows).toHaveLength(MAX_LINE_ITEMS);
		expect(rows[9_999]).toMatchObject({ f199: 'value 199', sku: 'S9999' });
	});

	it('refuse a small header of long values copied into many lines (its copies over 64 MiB)', () => {
		const long = (i: number) => `${i}`.padEnd(10_000, 'x');
		// 10 fields of 10 KB: about 100 KB of header, copied into 1,000 lines.
		const rows = lineItemRows(documentOf(10, 1_000, long), 'doc_1');
		expect(isFailure(rows) && rows.message).toBe(
			'Document "doc_1" is too large for One Item per Line Item: 1,000 line items × 10 header fields',
		);
		expect(rowsOf(lineItemRows(documentOf(10, 600, long), 'doc_1'))).toHaveLength(600);
	});

	it('do not apply to a document without line items, however many fields it has', () => {
		expect(lineItemRows(documentOf(10_000, 0), 'doc_1')).toHaveLength(1);
	});
});
