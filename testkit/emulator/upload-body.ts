/**
 * Reading an upload in the three forms 1Flow documents: multipart form data (the file in field
 * `file`: the common convention, 1Flow's docs do not name it), JSON `{url, fileName?,
 * contentType?}` (1Flow fetches the file; the emulator only from loopback addresses) and
 * base64 in JSON (`{file: "<base64>", fileName, contentType?}`: 1Flow's docs do not show the
 * shape, this one is a guess). Files are streamed, counted and hashed, never kept.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { extname } from 'node:path';

import type { ReceivedFile } from './documents';
import { MultipartReader, boundaryOf, type FormPart } from './multipart';

/** The multipart field that carries the file. */
const FILE_FIELD = 'file';
/** Largest file accepted in a multipart upload (counted while streaming, never held). */
const MAX_UPLOAD_BYTES = 1024 * 1024 * 1024;
/** Largest JSON upload body (URL or base64 form), which is held and parsed. */
const MAX_JSON_UPLOAD_BYTES = 64 * 1024 * 1024;
const FETCH_TIMEOUT_MS = 10_000;

/** What the request body held, before it is turned into a file. */
export type ReceivedUpload =
	| { form: 'multipart'; parts: FormPart[] }
	| { form: 'json'; json: unknown }
	| { form: 'invalid'; error: string }
	| { form: 'tooLarge' };

/** A file, or the 400 (or 413) 1Flow answers instead. */
export type ResolvedUpload = { file: ReceivedFile } | { status: number; error: string };

const TYPES_BY_EXTENSION: Record<string, string> = {
	'.pdf': 'application/pdf',
	'.png': 'image/png',
	'.jpg': 'image/jpeg',
	'.jpeg': 'image/jpeg',
	'.tif': 'image/tiff',
	'.tiff': 'image/tiff',
	'.webp': 'image/webp',
	'.txt': 'text/plain',
	'.csv': 'text/csv',
	'.xls': 'application/vnd.ms-excel',
	'.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
	'.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
};
const SUPPORTED_TYPES = new Set(Object.values(TYPES_BY_EXTENSION));

const invalid = (error: string): ResolvedUpload => ({ status: 400, error });

/** Reads the body: a multipart form streamed part by part, anything else as JSON (bounded). */
export function receiveUpload(req: IncomingMessage): Promise<ReceivedUpload> {
	const boundary = boundaryOf(req.headers['content-type']);
	const multipart = boundary === undefined ? undefined : new MultipartReader(boundary);
	const limit = multipart ? MAX_UPLOAD_BYTES + MAX_JSON_UPLOAD_BYTES : MAX_JSON_UPLOAD_BYTES;
	const chunks: Buffer[] = [];
	let size = 0;
	return new Promise((resolve) => {
		req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			// Past the limit the body is still read (and dropped), so the client gets the answer.
			if (size > limit) chunks.length = 0;
			else if (multipart) multipart.write(chunk);
			else chunks.push(chunk);
		});
		req.on('error', () => resolve({ form: 'invalid', error: 'The upload was interrupted' }));
		req.on('end', () => {
			if (size > limit) return resolve({ form: 'tooLarge' });
			if (multipart) {
				const read = multipart.end();
				return resolve(
					'error' in read
						? { form: 'invalid', error: read.error }
						: { form: 'multipart', parts: read.parts },
				);
			}
			try {
				resolve({ form: 'json', json: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
			} catch {
				resolve({ form: 'invalid', error: 'Missing or invalid file data' });
			}
		});
	});
}

/** The file's content type as 1Flow would settle it, or the 400 it answers. */
function typed(
	fileName: string,
	given: string | undefined,
	file: Omit<ReceivedFile, 'fileName' | 'contentType'>,
): ResolvedUpload {
	const declared = given?.split(';')[0].trim().toLowerCase();
	const contentType =
		declared && declared !== 'application/octet-stream'
			? declared
			: TYPES_BY_EXTENSION[extname(fileName).toLowerCase()];
	if (!contentType) return invalid('Could not determine the content type of the file');
	if (!SUPPORTED_TYPES.has(contentType) && !contentType.startsWith('image/'))
		return invalid(`Unsupported file type: ${contentType}`);
	if (file.size === 0) return invalid('Missing or invalid file data: the file is empty');
	return { file: { fileName, contentType, ...file } };
}

function fromMultipart(parts: FormPart[]): ResolvedUpload {
	const part = parts.find(
		(candidate) => candidate.name === FILE_FIELD && candidate.fileName !== undefined,
	);
	if (!part) return invalid(`Missing or invalid file data: no file in form field "${FILE_FIELD}"`);
	if (part.size > MAX_UPLOAD_BYTES) return { status: 413, error: 'File too large' };
	return typed(part.fileName || 'upload', part.contentType, {
		size: part.size,
		sha256: part.sha256,
		form: 'multipart',
	});
}

function fromBase64(json: Record<string, unknown>): ResolvedUpload {
	const { file, fileName, contentType } = json;
	if (
		typeof file !== 'string' ||
		!/^[A-Za-z0-9+/\s]*={0,2}\s*$/.test(file) ||
		typeof fileName !== 'string' ||
		fileName.trim() === ''
	) {
		return invalid(
			'Missing or invalid file data: expected {"file": "<base64>", "fileName": "..."}',
		);
	}
	const bytes = Buffer.from(file, 'base64');
	const sha256 = createHash('sha256').update(bytes).digest('hex');
	return typed(fileName.trim(), typeof contentType === 'string' ? contentType : undefined, {
		size: bytes.length,
		sha256,
		form: 'base64',
	});
}

function isLoopback(hostname: string): boolean {
	const host = hostname.replace(/^\[|\]$/g, '');
	return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Downloads the file as 1Flow would, from loopback addresses only; redirects are not followed. */
async function fromUrl(json: Record<string, unknown>): Promise<ResolvedUpload> {
	let url: URL;
	try {
		url = new URL(String(json.url));
	} catch {
		return invalid('Invalid URL');
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:')
		return invalid('Invalid URL: only http and https are supported');
	if (!isLoopback(url.hostname))
		return invalid('The emulator only downloads files from loopback addresses');
	try {
		const response = await fetch(url, {
			redirect: 'manual',
			signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
		});
		if (response.status !== 200 || !response.body)
			return invalid(`Could not download the file (HTTP ${response.status})`);
		const hash = createHash('sha256');
		let size = 0;
		for await (const chunk of response.body) {
			size += chunk.byteLength;
			if (size > MAX_UPLOAD_BYTES) return { status: 413, error: 'File too large' };
			hash.update(chunk);
		}
		const named =
			typeof json.fileName === 'string' && json.fileName.trim() !== ''
				? json.fileName.trim()
				: undefined;
		const fileName =
			named ?? (decodeURIComponent(url.pathname.split('/').pop() ?? '') || 'download');
		const contentType =
			typeof json.contentType === 'string' && json.contentType !== ''
				? json.contentType
				: (response.headers.get('content-type') ?? undefined);
		return typed(fileName, contentType, {
			size,
			sha256: hash.digest('hex'),
			form: 'url',
			url: url.href,
		});
	} catch {
		return invalid('Could not download the file from the URL');
	}
}

/** Turns what was received into the file 1Flow takes, or the answer it refuses it with. */
export async function resolveUpload(received: ReceivedUpload): Promise<ResolvedUpload> {
	switch (received.form) {
		case 'tooLarge':
			return { status: 413, error: 'File too large' };
		case 'invalid':
			return invalid(received.error);
		case 'multipart':
			return fromMultipart(received.parts);
	}
	const { json } = received;
	if (typeof json !== 'object' || json === null || Array.isArray(json))
		return invalid('Missing or invalid file data');
	const body = json as Record<string, unknown>;
	if (typeof body.url === 'string') return await fromUrl(body);
	return fromBase64(body);
}
