import { lineItemRows, shapeDocument, simplifyDocument } from '../../nodes/OneFlow/shared/document';

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
		const rows = lineItemRows(indexed, 'doc_1');
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
		expect(lineItemRows(answer, 'doc_1').map((row) => [row.documentId, row.value])).toEqual([
			['doc_1', undefined],
			['doc_1', 'plain text'],
		]);
	});
});

describe('shapeDocument', () => {
	it('hands on the raw answer as a copy', () => {
		const [raw] = shapeDocument(indexed, 'doc_1', 'raw');
		expect(raw).toEqual(indexed);
		expect(raw).not.toBe(indexed);
	});

	it('handles 1,000 line items', () => {
		const items = Array.from({ length: 1000 }, (_, i) => ({ sku: `S${i}`, amount: i }));
		const rows = shapeDocument(
			{ ...indexed, extraction: { fields: { invoiceNumber: 'X' }, tables: { items } } },
			'doc_1',
			'lineItems',
		);
		expect(rows).toHaveLength(1000);
		expect(rows[999]).toMatchObject({ lineNumber: 1000, sku: 'S999', invoiceNumber: 'X' });
	});
});
