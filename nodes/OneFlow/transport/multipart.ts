import { randomBytes } from 'node:crypto';

/** A file sent as one part of a multipart/form-data body. */
export interface FilePart {
	/** Form field name. */
	field: string;
	fileName: string;
	contentType: string;
	/** Bytes in the file: the body's Content-Length is known before it is sent. */
	size: number;
	/** The file's bytes, opened anew for each attempt, so a file is never held whole to be resent. */
	open(): Promise<AsyncIterable<Uint8Array> | Uint8Array>;
}

/** A request body produced piece by piece, with its length known in advance. */
export interface StreamedBody {
	contentType: string;
	length: number;
	chunks(): AsyncIterable<Uint8Array>;
}

const CRLF = '\r\n';

/** Quoted-string value of a Content-Disposition parameter, as browsers escape it. */
function quoted(value: string): string {
	return value.replace(
		/[\r\n"]/g,
		(character) => ({ '\r': '%0D', '\n': '%0A', '"': '%22' })[character] ?? '',
	);
}

/** The file read to its end, failing when it holds more or fewer bytes than announced. */
async function* exactly(file: FilePart): AsyncIterable<Uint8Array> {
	const opened = await file.open();
	const source: AsyncIterable<Uint8Array> =
		opened instanceof Uint8Array
			? (async function* () {
					yield opened;
				})()
			: opened;
	let sent = 0;
	for await (const chunk of source) {
		sent += chunk.byteLength;
		if (sent > file.size) break;
		yield chunk;
	}
	if (sent !== file.size) {
		throw new Error(
			`The file "${file.fileName}" changed while it was sent: expected ${file.size} bytes`,
		);
	}
}

/** Encodes one file as multipart/form-data without reading the file into memory. */
export function encodeMultipart(file: FilePart): StreamedBody {
	const boundary = `----n8n-nodes-1flow-${randomBytes(12).toString('hex')}`;
	const head = Buffer.from(
		`--${boundary}${CRLF}` +
			`Content-Disposition: form-data; name="${quoted(file.field)}"; filename="${quoted(file.fileName)}"${CRLF}` +
			`Content-Type: ${file.contentType.replace(/[\r\n]/g, '')}${CRLF}${CRLF}`,
	);
	const tail = Buffer.from(`${CRLF}--${boundary}--${CRLF}`);
	return {
		contentType: `multipart/form-data; boundary=${boundary}`,
		length: head.byteLength + file.size + tail.byteLength,
		async *chunks() {
			yield head;
			yield* exactly(file);
			yield tail;
		},
	};
}
