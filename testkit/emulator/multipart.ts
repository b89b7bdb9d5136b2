/**
 * A streaming multipart/form-data reader for the emulator's upload endpoint: it counts and
 * hashes each part's bytes as they arrive and keeps none of a file, so a 100 MB upload costs
 * the emulator a few chunks of memory. Small text parts are kept as text.
 */
import { createHash, type Hash } from 'node:crypto';

/** One part of the form: its name, its file name and type when it is a file, its size and digest. */
export interface FormPart {
	name: string;
	fileName?: string;
	contentType?: string;
	size: number;
	sha256: string;
	/** The value of a part without a file name, when short. */
	text?: string;
}

const CRLF_CRLF = Buffer.from('\r\n\r\n');
const MAX_HEADER_BYTES = 16 * 1024;
const MAX_TEXT_BYTES = 64 * 1024;

/** A Content-Disposition or Content-Type parameter, quoted or not; `filename*` (RFC 5987) decoded. */
function parameter(header: string, name: string): string | undefined {
	const extended = new RegExp(`;\\s*${name}\\*=(?:UTF-8|utf-8)''([^;]*)`).exec(header);
	if (extended) {
		try {
			return decodeURIComponent(extended[1]);
		} catch {
			return extended[1];
		}
	}
	const match = new RegExp(`;\\s*${name}=(?:"((?:[^"\\\\]|\\\\.)*)"|([^;\\s]*))`, 'i').exec(header);
	return match ? (match[1]?.replace(/\\(.)/g, '$1') ?? match[2]) : undefined;
}

/** The boundary of a multipart/form-data Content-Type, or undefined when it is not one. */
export function boundaryOf(contentType: string | undefined): string | undefined {
	if (!contentType || !/^multipart\/form-data\s*;/i.test(contentType)) return undefined;
	return parameter(contentType, 'boundary') || undefined;
}

type State = 'preamble' | 'afterDelimiter' | 'headers' | 'body' | 'done';

interface OpenPart {
	part: FormPart;
	hash: Hash;
	text: Buffer[];
}

/** Feed it the body chunk by chunk with write(), then end(): the parts, or why the body is malformed. */
export class MultipartReader {
	readonly parts: FormPart[] = [];
	private readonly delimiter: Buffer;
	private pending: Buffer;
	private state: State = 'preamble';
	private open: OpenPart | undefined;
	error: string | undefined;

	constructor(boundary: string) {
		this.delimiter = Buffer.from(`\r\n--${boundary}`);
		// The first delimiter has no line break before it: supply one.
		this.pending = Buffer.from('\r\n');
	}

	write(chunk: Buffer): void {
		if (this.state === 'done' || this.error) return;
		this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
		while (this.step());
	}

	end(): { parts: FormPart[] } | { error: string } {
		if (!this.error && this.state !== 'done')
			this.error = 'The multipart body ends before its closing boundary';
		return this.error ? { error: this.error } : { parts: this.parts };
	}

	/** Processes what it can of `pending`; false when it needs more bytes. */
	private step(): boolean {
		const { pending, delimiter } = this;
		switch (this.state) {
			case 'preamble':
			case 'body': {
				const at = pending.indexOf(delimiter);
				if (at === -1) {
					// Keep what could be the start of a delimiter split across chunks.
					const safe = Math.max(0, pending.length - delimiter.length + 1);
					if (this.state === 'body') this.feed(pending.subarray(0, safe));
					this.pending = pending.subarray(safe);
					return false;
				}
				if (this.state === 'body') {
					this.feed(pending.subarray(0, at));
					this.close();
				}
				this.pending = pending.subarray(at + delimiter.length);
				this.state = 'afterDelimiter';
				return true;
			}
			case 'afterDelimiter': {
				if (pending.length < 2) return false;
				const next = pending.subarray(0, 2).toString('latin1');
				this.pending = pending.subarray(2);
				if (next === '--') this.state = 'done';
				else if (next === '\r\n') this.state = 'headers';
				else this.error = 'A multipart boundary is followed by neither a line break nor "--"';
				return this.state !== 'done' && !this.error;
			}
			case 'headers': {
				const at = pending.indexOf(CRLF_CRLF);
				if (at === -1) {
					if (pending.length > MAX_HEADER_BYTES)
						this.error = 'The headers of a multipart part are too long';
					return false;
				}
				this.begin(pending.subarray(0, at).toString('utf8'));
				this.pending = pending.subarray(at + CRLF_CRLF.length);
				return !this.error;
			}
			case 'done':
				return false;
		}
	}

	private begin(headerBlock: string): void {
		const headers = new Map<string, string>();
		for (const line of headerBlock.split('\r\n')) {
			const colon = line.indexOf(':');
			if (colon > 0)
				headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
		}
		const disposition = headers.get('content-disposition');
		const name =
			disposition && /^form-data\b/i.test(disposition) ? parameter(disposition, 'name') : undefined;
		if (name === undefined) {
			this.error = 'A multipart part has no Content-Disposition: form-data; name=...';
			return;
		}
		const fileName = parameter(disposition as string, 'filename');
		const part: FormPart = {
			name,
			size: 0,
			sha256: '',
			...(fileName !== undefined && { fileName, contentType: headers.get('content-type') }),
		};
		this.open = { part, hash: createHash('sha256'), text: [] };
		this.state = 'body';
	}

	private feed(bytes: Buffer): void {
		const open = this.open;
		if (!open || bytes.length === 0) return;
		open.part.size += bytes.length;
		open.hash.update(bytes);
		if (open.part.fileName === undefined && open.part.size <= MAX_TEXT_BYTES)
			open.text.push(Buffer.from(bytes));
	}

	private close(): void {
		const open = this.open;
		if (!open) return;
		open.part.sha256 = open.hash.digest('hex');
		if (open.part.fileName === undefined && open.part.size <= MAX_TEXT_BYTES)
			open.part.text = Buffer.concat(open.text).toString('utf8');
		this.parts.push(open.part);
		this.open = undefined;
	}
}
