/**
 * 1Flow's document as Get returns it and its document.ready callback sends it, shaped into
 * n8n items: as sent, simplified into one flat object, or one item per line item.
 */
import { deepCopy, type IDataObject, type INodeProperties } from 'n8n-workflow';

export type OutputMode = 'simplified' | 'raw' | 'lineItems';

/** Keys of a simplified document that its own fields never overwrite. */
const RESERVED = new Set(['documentId', 'status', 'docType', 'lineItems', 'schema']);

function objectOf(value: unknown): IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value)
		? (value as IDataObject)
		: {};
}

/** The line items of `extraction.tables.items`, each as an object. */
function lineItemsOf(answer: IDataObject): IDataObject[] {
	const items = objectOf(objectOf(objectOf(answer.extraction).tables)).items;
	if (!Array.isArray(items)) return [];
	return items.map((item) =>
		typeof item === 'object' && item !== null && !Array.isArray(item)
			? (item as IDataObject)
			: { value: item },
	);
}

/** `extractionStatus` of the answer, e.g. PENDING, PARTIAL, EXTRACTED, INDEXED; null when absent. */
export function extractionStatusOf(answer: IDataObject): string | null {
	const status = objectOf(answer.status).extractionStatus;
	return typeof status === 'string' ? status : null;
}

/**
 * One flat object: documentId, status (the extraction status) and docType, then the
 * document's summary, then its extracted header fields (which win over the summary), and the
 * line items as a list. A document not extracted yet has only the first three.
 */
export function simplifyDocument(answer: IDataObject, documentId: string): IDataObject {
	const docType = objectOf(answer.status).docType;
	const simplified: IDataObject = {
		documentId:
			typeof answer.documentId === 'string' && answer.documentId !== ''
				? answer.documentId
				: documentId,
		status: extractionStatusOf(answer),
		docType: typeof docType === 'string' ? docType : null,
	};
	const fields = { ...objectOf(answer.document), ...objectOf(objectOf(answer.extraction).fields) };
	for (const [key, value] of Object.entries(fields))
		if (!RESERVED.has(key)) simplified[key] = value;
	simplified.lineItems = lineItemsOf(answer);
	if (answer.schema !== undefined) simplified.schema = answer.schema;
	return simplified;
}

/**
 * One object per line item: the document's header (as simplified, without the list) and the
 * line's own columns, which win over a header field of the same name; documentId always
 * names the document. A document without line items gives one object, lineNumber null.
 */
export function lineItemRows(answer: IDataObject, documentId: string): IDataObject[] {
	const header = simplifyDocument(answer, documentId);
	delete header.lineItems;
	delete header.schema;
	const items = lineItemsOf(answer);
	if (items.length === 0) return [{ ...header, lineNumber: null }];
	return items.map((item, index) => ({
		...header,
		lineNumber: index + 1,
		...item,
		documentId: header.documentId,
	}));
}

export function shapeDocument(
	answer: IDataObject,
	documentId: string,
	mode: OutputMode,
): IDataObject[] {
	if (mode === 'raw') return [deepCopy(answer)];
	if (mode === 'lineItems') return lineItemRows(answer, documentId);
	return [simplifyDocument(answer, documentId)];
}

/** How a document read from 1Flow becomes items . */
export const outputOption: INodeProperties = {
	displayName: 'Output',
	name: 'output',
	type: 'options',
	default: 'simplified',
	options: [
		{
			name: 'One Item per Line Item',
			value: 'lineItems',
			description: "One item per line item, each with the document's ID and header fields",
		},
		{ name: 'Raw', value: 'raw', description: "One item: 1Flow's answer as it is" },
		{
			name: 'Simplified',
			value: 'simplified',
			description:
				'One item: document ID, status, type, summary and extracted fields side by side, line items as a list',
		},
	],
};
