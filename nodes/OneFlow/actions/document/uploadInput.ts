/** Reading and checking what one item asks to upload, before anything is sent. */
import type { IBinaryKeyData, IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { inputFailure, isFailure, type Failure } from '../../shared/failure';
import { readParameter } from '../../helpers/options';
import type { FilePart, RequestBody } from '../../transport';

/**
 * The multipart form field that carries the file. 1Flow's docs do not name it; "file" is the
 * common convention. If 1Flow expects another name, this is the one place to change it.
 */
const FILE_FIELD = 'file';

export interface Upload {
	/** The file name, or the URL 1Flow fetches: it names the upload in messages. */
	subject: string;
	body: RequestBody;
	/** What output and error items say about the upload: file name, size and type, or URL. */
	details: IDataObject;
	/** The input's binary data, passed on when "Keep Binary Data" is on. */
	keptBinary?: IBinaryKeyData;
}

function text(
	context: IExecuteFunctions,
	name: string,
	label: string,
	itemIndex: number,
): string | Failure {
	const value = readParameter(
		context,
		{ name, label, holds: `the ${label.toLowerCase()}`, fallback: '' },
		itemIndex,
	);
	if (isFailure(value)) return value;
	return typeof value === 'string'
		? value.trim()
		: value === undefined || value === null
			? ''
			: String(value);
}

/** The size of a file in n8n's binary data store; a file that is gone fails its item, not the run. */
async function storedSize(context: IExecuteFunctions, id: string): Promise<number | Failure> {
	try {
		return (await context.helpers.getBinaryMetadata(id)).fileSize;
	} catch (error) {
		return inputFailure(
			`The file could not be read from n8n's binary data: ${(error as Error).message}`,
			'n8n may have removed it, for example with the execution that stored it. Run the node that produced the file again.',
		);
	}
}

async function readBinary(
	context: IExecuteFunctions,
	itemIndex: number,
	overrides: { fileName: string; contentType: string },
): Promise<Upload | Failure> {
	const field = text(context, 'binaryPropertyName', 'Input Binary Field', itemIndex);
	if (isFailure(field)) return field;
	const item = context.getInputData()[itemIndex];
	const binary = field === '' ? undefined : item.binary?.[field];
	if (!binary) {
		const fields = Object.keys(item.binary ?? {});
		return inputFailure(
			`The item has no binary field "${field}" to upload`,
			fields.length > 0
				? `Its binary fields are: ${fields.map((name) => `"${name}"`).join(', ')}. Set "Input Binary Field" to the one that holds the file.`
				: 'It carries no file at all. Put a node that reads or downloads the file before this one, or choose "URL" as File Source.',
		);
	}
	const fileName = overrides.fileName || binary.fileName || field;
	const contentType = overrides.contentType || binary.mimeType || 'application/octet-stream';
	// In n8n's filesystem (and S3) binary mode the bytes are stored by id and streamed from there.
	const { id } = binary;
	const size = id ? await storedSize(context, id) : Buffer.byteLength(binary.data, 'base64');
	if (isFailure(size)) return size;
	if (!size) {
		return inputFailure(
			`The file "${fileName}" in binary field "${field}" is empty`,
			'1Flow cannot process an empty file. Check the node that produced it.',
		);
	}
	const file: FilePart = {
		field: FILE_FIELD,
		fileName,
		contentType,
		size,
		open: async () =>
			id
				? await context.helpers.getBinaryStream(id)
				: await context.helpers.getBinaryDataBuffer(itemIndex, field),
	};
	const keep = readParameter(
		context,
		{
			name: 'options.keepBinaryData',
			label: 'Keep Binary Data',
			holds: 'true or false',
			fallback: false,
		},
		itemIndex,
	);
	if (isFailure(keep)) return keep;
	return {
		subject: fileName,
		body: { file },
		details: { fileName, fileSize: size, contentType },
		keptBinary: keep === true ? item.binary : undefined,
	};
}

function readUrl(
	context: IExecuteFunctions,
	itemIndex: number,
	overrides: { fileName: string; contentType: string },
): Upload | Failure {
	const raw = text(context, 'url', 'File URL', itemIndex);
	if (isFailure(raw)) return raw;
	const hint =
		'Set "File URL" to the public http:// or https:// address of the file, e.g. https://example.com/invoice.pdf.';
	let url: URL;
	try {
		url = new URL(raw);
	} catch {
		return inputFailure(raw === '' ? 'No file URL' : 'The file URL is not a valid URL', hint);
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		return inputFailure(
			`The file URL must start with http:// or https:// (got ${url.protocol})`,
			hint,
		);
	}
	const json: IDataObject = { url: url.href };
	if (overrides.fileName) json.fileName = overrides.fileName;
	if (overrides.contentType) json.contentType = overrides.contentType;
	return { subject: url.href, body: { json }, details: { ...json } };
}

/** One item's upload: its binary file (streamed, never read whole) or a URL for 1Flow to fetch. */
export async function readUpload(
	context: IExecuteFunctions,
	itemIndex: number,
): Promise<Upload | Failure> {
	const fileName = text(context, 'options.fileName', 'File Name', itemIndex);
	if (isFailure(fileName)) return fileName;
	const contentType = text(context, 'options.contentType', 'Content Type', itemIndex);
	if (isFailure(contentType)) return contentType;
	const overrides = { fileName, contentType };
	const source = context.getNodeParameter('inputType', itemIndex, 'binary');
	return source === 'url'
		? readUrl(context, itemIndex, overrides)
		: await readBinary(context, itemIndex, overrides);
}
