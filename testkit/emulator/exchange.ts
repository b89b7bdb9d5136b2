/**
 * HTTP plumbing of the emulator: one request/response pair (`Exchange`), reading its body
 * with a size limit, answering it, and the record every request leaves in the log.
 *
 * The Authorization header value is only ever compared, never stored or printed.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export const MAX_BODY_BYTES = 1024 * 1024;

export interface RecordedRequest {
	method: string;
	path: string;
	webhookId?: string;
	hadAuthorization: boolean;
	/** The Content-Length header; undefined when the body came chunked, its length unannounced. */
	contentLength?: number;
	/** The webhook exists and its secret (if any) matched; the header value itself is never kept. */
	authorized: boolean;
	docId?: unknown;
	/** Upload: the file name received, and the document it created (when it did). */
	fileName?: string;
	createdDocumentId?: string;
	/** 0 while the request is still being handled. */
	status: number | 'dropped' | 'hung' | 'lost';
	deleted: boolean;
	/** Date.now() at arrival. */
	startedAt: number;
	/** Date.now() when answered / dropped; 0 while pending (hung requests: when stop() runs). */
	endedAt: number;
}

export function jsonBuffer(value: unknown): Buffer {
	return Buffer.from(JSON.stringify(value));
}

export const EMPTY = Buffer.alloc(0);

export class Exchange {
	done = false;

	constructor(
		readonly req: IncomingMessage,
		readonly res: ServerResponse,
		readonly record: RecordedRequest,
	) {}

	send(status: number, body: Buffer, headers?: Record<string, string>): void {
		const { res, record } = this;
		if (this.done || res.destroyed) {
			if (record.status === 0) record.status = 'lost';
			return;
		}
		record.status = status;
		record.endedAt = Date.now();
		res.statusCode = status;
		res.setHeader('Content-Type', 'application/json; charset=utf-8');
		for (const [name, value] of Object.entries(headers ?? {})) res.setHeader(name, value);
		res.setHeader('Content-Length', body.length);
		res.end(body);
	}

	sendJson(status: number, value: unknown, headers?: Record<string, string>): void {
		this.send(status, jsonBuffer(value), headers);
	}

	/** Sends the status, the headers (with the whole length) and half the body, then ends the connection. */
	sendCut(status: number, body: Buffer): void {
		const { res } = this;
		res.statusCode = status;
		res.setHeader('Content-Type', 'application/json; charset=utf-8');
		res.setHeader('Content-Length', body.length);
		this.record.status = 'lost';
		res.write(body.subarray(0, Math.floor(body.length / 2)), () =>
			setTimeout(() => this.destroy(), 20),
		);
	}

	/**
	 * Sends the status and headers, then the body piece by piece: `pauseMs` between pieces (the
	 * wait through `later`, so the emulator can cancel it), or as fast as the client reads. Stops
	 * when the client goes away; recorded as lost unless the last piece was sent.
	 */
	sendStream(
		status: number,
		headers: Record<string, string>,
		pieces: Iterator<Buffer>,
		pauseMs: number,
		later: (ms: number, then: () => void) => void,
	): void {
		const { res, record } = this;
		record.status = 'lost';
		res.statusCode = status;
		res.setHeader('Content-Type', 'application/json; charset=utf-8');
		for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
		res.flushHeaders();
		let piece = pieces.next();
		const pump = (): void => {
			while (!res.destroyed) {
				if (piece.done) {
					record.status = status;
					res.end();
					return;
				}
				const more = res.write(piece.value);
				piece = pieces.next();
				// The last piece is followed by the end at once, not after a pause.
				if (piece.done) continue;
				if (pauseMs > 0) return later(pauseMs, pump);
				if (!more) return void res.once('drain', pump);
			}
		};
		pump();
	}

	/** Ends the connection without any answer. */
	destroy(): void {
		this.record.endedAt = Date.now();
		this.req.socket.destroy();
	}
}

/** Calls `onBody` with the whole body, or with undefined when it is over MAX_BODY_BYTES. */
export function readBody(req: IncomingMessage, onBody: (body: Buffer | undefined) => void): void {
	const chunks: Buffer[] = [];
	let size = 0;
	req.on('data', (chunk: Buffer) => {
		size += chunk.length;
		if (size > MAX_BODY_BYTES) {
			chunks.length = 0;
			return;
		}
		chunks.push(chunk);
	});
	req.on('error', () => {
		// The client went away while sending; the exchange records it as lost.
	});
	req.on('end', () => {
		if (size > MAX_BODY_BYTES) onBody(undefined);
		else
			onBody(chunks.length === 1 ? chunks[0] : chunks.length === 0 ? EMPTY : Buffer.concat(chunks));
	});
}

/** Every request the emulator saw, and how many it handled at once. */
export class RequestLog {
	readonly requests: RecordedRequest[] = [];
	recording: boolean;
	/** Requests received, also counted when not recording. */
	total = 0;
	current = 0;
	peak = 0;

	constructor(recording: boolean) {
		this.recording = recording;
	}

	open(req: IncomingMessage, res: ServerResponse, onDone: (exchange: Exchange) => void): Exchange {
		this.total++;
		this.current++;
		if (this.current > this.peak) this.peak = this.current;
		const url = req.url ?? '/';
		const queryAt = url.indexOf('?');
		const record: RecordedRequest = {
			method: req.method ?? 'GET',
			path: queryAt === -1 ? url : url.slice(0, queryAt),
			hadAuthorization: req.headers.authorization !== undefined,
			contentLength:
				req.headers['content-length'] === undefined
					? undefined
					: Number(req.headers['content-length']),
			authorized: false,
			status: 0,
			deleted: false,
			startedAt: Date.now(),
			endedAt: 0,
		};
		if (this.recording) this.requests.push(record);
		const exchange = new Exchange(req, res, record);
		const finished = () => {
			if (exchange.done) return;
			exchange.done = true;
			this.current--;
			if (record.endedAt === 0) record.endedAt = Date.now();
			if (record.status === 0) record.status = 'lost';
			onDone(exchange);
		};
		res.once('finish', finished);
		res.once('close', finished);
		return exchange;
	}

	reset(): void {
		this.requests.length = 0;
		this.total = 0;
		this.peak = this.current;
	}
}
