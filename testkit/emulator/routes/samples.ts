/**
 * `GET /samples/{name}`: small sample files, so that an upload by URL (which 1Flow, and the
 * emulator, fetch themselves) has something to fetch without another server. Not part of 1Flow.
 */
import { extname } from 'node:path';

import type { Route } from './route';

const TYPES: Record<string, string> = {
	'.pdf': 'application/pdf',
	'.txt': 'text/plain',
	'.csv': 'text/csv',
};

/** The bytes served for `name`: a few lines naming the file (a PDF header for .pdf); undefined for other types. */
export function sampleFile(name: string): Buffer | undefined {
	const extension = extname(name).toLowerCase();
	if (!(extension in TYPES) || !/^[\w.-]+$/.test(name)) return undefined;
	const header = extension === '.pdf' ? '%PDF-1.4\n' : '';
	return Buffer.from(
		`${header}1Flow emulator sample file ${name}\nInvoice INV-0001, total 100.00 EUR\n`,
	);
}

export const samples: Route = {
	path: /^\/samples\/([^/?#]+)$/,
	methods: ['GET'],
	handle({ exchange, params }) {
		const [name] = params;
		const bytes = sampleFile(name);
		if (!bytes) {
			exchange.sendJson(404, { error: 'No such sample file' });
			return;
		}
		exchange.send(200, bytes, { 'Content-Type': TYPES[extname(name).toLowerCase()] });
	},
};
