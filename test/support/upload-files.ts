/** The files the node's Upload tests send, and the hash the emulator records of each. */
import { createHash } from 'node:crypto';

export const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
export const PDF = Buffer.from(`%PDF-1.7\n${'\u0000\u00ff invoice body '.repeat(200)}`, 'latin1');
export const PNG = Buffer.from('\u0089PNG\r\n\u001a\n a scanned receipt', 'latin1');
/** An item's binary data holding PDF in field "data". */
export const pdf = (fileName = 'invoice.pdf') => ({
	data: { data: PDF, mimeType: 'application/pdf', fileName },
});
/** The emulator's uploads sorted by file name: concurrent uploads reach it in any order. */
export const byFileName = <T extends { file: { fileName?: string } }>(uploads: readonly T[]) =>
	[...uploads].sort((a, b) => (a.file.fileName ?? '').localeCompare(b.file.fileName ?? ''));
