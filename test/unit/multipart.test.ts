import { encodeMultipart, type FilePart } from '../../nodes/OneFlow/transport/multipart';

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
	const parts: Buffer[] = [];
	for await (const chunk of chunks) parts.push(Buffer.from(chunk));
	return Buffer.concat(parts);
}

function file(content: Buffer, overrides: Partial<FilePart> = {}): FilePart {
	return {
		field: 'file',
		fileName: 'invoice.pdf',
		contentType: 'application/pdf',
		size: content.length,
		open: async () =>
			(async function* () {
				// In pieces, as a file stream delivers it.
				for (let at = 0; at < content.length; at += 7) yield content.subarray(at, at + 7);
			})(),
		...overrides,
	};
}

/** Parses the body the way a server does: with the platform's own multipart parser. */
async function parse(body: Buffer, contentType: string): Promise<FormData> {
	return await new Response(body, { headers: { 'content-type': contentType } }).formData();
}

describe('encodeMultipart', () => {
	it('produces a body a multipart parser reads back as the same file, of the announced length', async () => {
		const content = Buffer.from(`%PDF-1.7\r\n${'binary \u0000\u00ff '.repeat(50)}`, 'latin1');
		const encoded = encodeMultipart(file(content));
		const body = await collect(encoded.chunks());
		expect(body.length).toBe(encoded.length);
		const form = await parse(body, encoded.contentType);
		const part = form.get('file') as File;
		expect(part.name).toBe('invoice.pdf');
		expect(part.type).toBe('application/pdf');
		expect(Buffer.from(await part.arrayBuffer())).toEqual(content);
	});

	it('opens the file anew for every body it produces, so a retry resends it whole', async () => {
		const encoded = encodeMultipart(file(Buffer.from('hello')));
		const first = await collect(encoded.chunks());
		expect(await collect(encoded.chunks())).toEqual(first);
	});

	it('escapes quotes and line breaks in the file name and content type', async () => {
		const encoded = encodeMultipart(
			file(Buffer.from('x'), {
				fileName: 'a"b\r\nContent-Type: text/evil.pdf',
				contentType: 'text/plain\r\nX-Evil: 1',
			}),
		);
		const body = (await collect(encoded.chunks())).toString('latin1');
		expect(body).not.toContain('\r\nContent-Type: text/evil');
		expect(body).not.toContain('\r\nX-Evil');
		expect(body).toContain('filename="a%22b%0D%0AContent-Type: text/evil.pdf"');
		expect(body).toContain('\r\nContent-Type: text/plainX-Evil: 1\r\n\r\n');
	});

	it('fails rather than send a file that is not the announced size', async () => {
		const short = encodeMultipart(file(Buffer.from('12345'), { size: 9 }));
		await expect(collect(short.chunks())).rejects.toThrow('expected 9 bytes');
		const long = encodeMultipart(file(Buffer.from('12345'), { size: 2 }));
		await expect(collect(long.chunks())).rejects.toThrow('expected 2 bytes');
	});

	it('accepts a file held in memory', async () => {
		const content = Buffer.from('in memory');
		const encoded = encodeMultipart(file(content, { open: async () => content }));
		const part = (await parse(await collect(encoded.chunks()), encoded.contentType)).get(
			'file',
		) as File;
		expect(await part.text()).toBe('in memory');
	});
});
