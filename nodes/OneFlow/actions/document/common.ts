/** Fields and requests the document operations share. */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { readParameter } from '../../helpers/options';
import type { Outcome } from '../../helpers/loop';
import { exchange } from '../../helpers/request';
import { shapeDocument, type OutputMode } from '../../shared/document';
import { isFailure, type Failure } from '../../shared/failure';
import { normalizeDocId } from '../../shared/validation';
import { GET } from '../../texts/actions';
import type { Session } from '../../transport';

/** Where the default Document ID looks, in order: its expression and its reader both come from here. */
const DOC_ID_PATHS = [['docId'], ['documentId'], ['body', 'documentId']];

const DEFAULT_DOC_ID = `={{ ${DOC_ID_PATHS.map((path) => `$json.${path.join('?.')}`).join(' ?? ')} }}`;

/**
 * The Document ID field. On the node it reads the ID wherever 1Flow's callback and earlier
 * steps put it; on its AI-tool variant (`@tool`) the model fills it in, since an agent's
 * `$json` is the chat input. The comment marks the value as the editor's own ✨ override, which
 * it then shows as "Defined automatically by the model".
 */
export function docIdFields(purpose: string): INodeProperties[] {
	return [
		{
			displayName: 'Document ID',
			name: 'docId',
			type: 'string',
			required: true,
			default: DEFAULT_DOC_ID,
			placeholder: 'e.g. doc_abc123xyz',
			description: `ID of the 1Flow document to ${purpose}. By default it is read from the incoming item's docId or documentId field, or from body.documentId when the item comes straight from a Webhook node receiving 1Flow's document.ready callback.`,
			displayOptions: { show: { '@tool': [false] } },
		},
		{
			displayName: 'Document ID',
			name: 'docId',
			type: 'string',
			required: true,
			default: `={{ /*n8n-auto-generated-fromAI-override*/ $fromAI('docId', 'ID of the 1Flow document to ${purpose}, exactly as the user gave it', 'string') }}`,
			placeholder: 'e.g. doc_abc123xyz',
			description: `ID of the 1Flow document to ${purpose}. As a tool of an AI agent, the model fills it in.`,
			displayOptions: { show: { '@tool': [true] } },
		},
	];
}

/**
 * The default Document ID, read from the item just as its expression says: n8n would evaluate
 * the expression anew for every item, which a bulk run pays in full before its first request.
 */
function defaultDocIdOf(json: IDataObject): unknown {
	for (const path of DOC_ID_PATHS) {
		let value: unknown = json;
		for (const key of path) value = (value as IDataObject | null | undefined)?.[key];
		if (value !== undefined && value !== null) return value;
	}
	return undefined;
}

/**
 * Whether the run's Document ID is the default, read once per run (a parameter's raw value is
 * the same for every item). As an agent's tool (n8n's `@tool`: a type ending in "Tool") an
 * item is the tool call, not the `$json` the expression reads; there n8n evaluates it.
 */
function readsDefaultDocId(context: IExecuteFunctions): boolean {
	if (context.getNode().type.endsWith('Tool')) return false;
	return context.getNodeParameter('docId', 0, '', { rawExpressions: true }) === DEFAULT_DOC_ID;
}

/** One item's document: the ID read, checked, and the key each document is sent once by. */
function readDocId(
	context: IExecuteFunctions,
	itemIndex: number,
	isDefault: boolean,
): DocIdInput | Failure {
	const raw = isDefault
		? defaultDocIdOf(context.getInputData()[itemIndex].json)
		: readParameter(
				context,
				{ name: 'docId', label: 'Document ID', holds: 'the 1Flow document ID' },
				itemIndex,
			);
	const docId = isFailure(raw) ? raw : normalizeDocId(raw);
	if (isFailure(docId)) return { ...docId, details: { docId: null } };
	return { key: docId, subject: docId, details: { docId } };
}

interface DocIdInput {
	key: string;
	subject: string;
	details: IDataObject;
}

/**
 * How an operation that takes one Document ID per item reads its items: checked before
 * anything is sent, each document sent once however many items name it, and error items that
 * say which document failed.
 */
export function docIdReader(context: IExecuteFunctions) {
	const isDefault = readsDefaultDocId(context);
	return (itemIndex: number) => readDocId(context, itemIndex, isDefault);
}

export const includeSchemaOption: INodeProperties = {
	displayName: 'Include Schema',
	name: 'includeSchema',
	type: 'boolean',
	default: false,
	description: "Whether to add the document type's field structure (schema) to the output",
};

/** One Get attempt: GET {webhook}/document/get?docId=…&includeSchema=…. The value is 1Flow's answer. */
export async function fetchDocument(
	session: Session,
	docId: string,
	includeSchema: boolean,
): Promise<Outcome<IDataObject>> {
	const query = { docId, includeSchema: String(includeSchema) };
	return await exchange(session, { method: 'GET', endpoint: 'get', query }, () => GET.about(docId));
}

/** A document as the Output option shapes it; one over the split's caps fails, and is not retried. */
export function asOutput(
	answer: IDataObject,
	docId: string,
	output: OutputMode,
): Outcome<IDataObject[]> {
	const shaped = shapeDocument(answer, docId, output);
	return isFailure(shaped)
		? { status: 'failed', failure: shaped }
		: { status: 'succeeded', value: shaped };
}
