/**
 * 1Flow's document as Get returns it and its document.ready callback sends it, shaped into
 * n8n items: as sent, simplified into one flat object, or one item per line item.
 */
import { deepCopy, type IDataObject, type INodeProperties } from 'n8n-workflow';

import type { Failure } from './failure';
import { quote } from './quote';

export type OutputMode = 'simplified' | 'raw' | 'lineItems';

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
 * The document's ID, status and type, then its summary and extracted fields (which win), never
 * the list or the schema. Built by spreading, so V8 keeps it in fast mode: the split then
 * copies it several to dozens of times faster than a header built key by key
 * (docs/performance.md).
 */
function headerOf(answer: IDataObject, documentId: string): IDataObject {
	const docType = objectOf(answer.status).docType;
	const own = {
		documentId:
			typeof answer.documentId === 'string' && answer.documentId !== ''
				? answer.documentId
				: documentId,
		status: extractionStatusOf(answer),
		docType: typeof docType === 'string' ? docType : null,
	};
	const { document, extraction } = answer;
	// `own` twice: first for the keys' order, last so that no field overwrites them.
	const header: IDataObject = {
		...own,
		...objectOf(document),
		...objectOf(objectOf(extraction).fields),
		...own,
	};
	if ('lineItems' in header || 'schema' in header) {
		delete header.lineItems;
		delete header.schema;
	}
	return header;
}

/**
 * One flat object: documentId, status (the extraction status) and docType, then the
 * document's summary, then its extracted header fields (which win over the summary), and the
 * line items as a list. A document not extracted yet has only the first three. Its size
 * follows the answer's, so it needs no cap of its own.
 */
export function simplifyDocument(answer: IDataObject, documentId: string): IDataObject {
	const simplified = headerOf(answer, documentId);
	simplified.lineItems = lineItemsOf(answer);
	if (answer.schema !== undefined) simplified.schema = answer.schema;
	return simplified;
}

/**
 * The split's caps: it copies every header field into every line item, so its output grows
 * with their product. Why these numbers: docs/performance.md.
 */
export const MAX_LINE_ITEMS = 10_000;
export const MAX_HEADER_FIELDS = 200;
/** The header's JSON size times the line items. */
export const MAX_HEADER_COPY_BYTES = 64 * 1024 * 1024;

const count = (n: number) => n.toLocaleString('en-US');
const mebibytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** Why the split refuses a document over its caps, with the numbers and what to do instead. */
function tooLargeToSplit(
	documentId: string,
	lines: number,
	fields: number,
	bytes: number,
): Failure {
	return {
		message: `Document ${quote(documentId)} is too large for One Item per Line Item: ${count(lines)} line items × ${count(fields)} header fields`,
		description: `One Item per Line Item copies every header field into every line item, so it takes documents of at most ${count(MAX_LINE_ITEMS)} line items and ${count(MAX_HEADER_FIELDS)} header fields, whose copies come to at most ${mebibytes(MAX_HEADER_COPY_BYTES)}; beyond that one document could exhaust n8n's memory. This one's copies would come to ${mebibytes(bytes)}. Set Output to Simplified or Raw: the line items then come as one list, which n8n's Split Out node can split without copying the header.`,
		httpCode: null,
	};
}

/**
 * One object per line item: the document's header (as simplified, without the list) and the
 * line's own columns, which win over a header field of the same name; documentId always
 * names the document. A document without line items gives one object, lineNumber null. Over
 * the caps above: a Failure that says so (never thrown, so the Trigger can answer with it).
 */
export function lineItemRows(answer: IDataObject, documentId: string): IDataObject[] | Failure {
	const header = headerOf(answer, documentId);
	const items = lineItemsOf(answer);
	if (items.length === 0) return [{ ...header, lineNumber: null }];
	// The header's own three (documentId, status, docType) are not counted as fields.
	const fields = Object.keys(header).length - 3;
	const bytes = items.length * JSON.stringify(header).length;
	if (items.length > MAX_LINE_ITEMS || fields > MAX_HEADER_FIELDS || bytes > MAX_HEADER_COPY_BYTES)
		return tooLargeToSplit(String(header.documentId), items.length, fields, bytes);
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
): IDataObject[] | Failure {
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
			description: `One item per line item, each with the document's ID and header fields; for documents of up to ${count(MAX_LINE_ITEMS)} line items and ${MAX_HEADER_FIELDS} header fields`,
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
