/**
 * An npm registry on 127.0.0.1 that serves one packed package, as npm and n8n's installer ask
 * for it: the package document (`GET /<name>`, its one version with the tarball's address,
 * `integrity` and `shasum`) and the tarball (`GET /<name>/-/<file>.tgz`). Anything else is 404.
 * It records every request, so a test can tell whether anyone asked.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { basename } from 'node:path';

interface RegistryRequest {
	method: string;
	url: string;
	status: number;
}

/** package.json as it is inside the tarball. */
function manifestOf(tarball: string): Record<string, unknown> & { name: string; version: string } {
	const result = spawnSync('tar', ['-xzOf', tarball, 'package/package.json'], {
		encoding: 'utf8',
	});
	if (result.status !== 0)
		throw new Error(`cannot read package.json in ${tarball}: ${result.stderr}`);
	return JSON.parse(result.stdout) as Record<string, unknown> & { name: string; version: string };
}

export class PackageRegistry {
	readonly requests: RegistryRequest[] = [];
	readonly name: string;
	readonly version: string;
	private readonly server: Server;
	private baseUrl = '';

	constructor(tarball: string) {
		const bytes = readFileSync(tarball);
		const manifest = manifestOf(tarball);
		this.name = manifest.name;
		this.version = manifest.version;
		const file = basename(tarball);
		const tarballPath = `/${manifest.name}/-/${file}`;
		const document = () => ({
			name: manifest.name,
			'dist-tags': { latest: manifest.version },
			versions: {
				[manifest.version]: {
					...manifest,
					dist: {
						tarball: `${this.baseUrl}${tarballPath}`,
						integrity: `sha512-${createHash('sha512').update(bytes).digest('base64')}`,
						shasum: createHash('sha1').update(bytes).digest('hex'),
					},
				},
			},
		});
		this.server = createServer((request, response) => {
			const path = (request.url ?? '').split('?')[0];
			const answer = (status: number, type: string, body: string | Buffer) => {
				this.requests.push({ method: request.method ?? '', url: request.url ?? '', status });
				response.writeHead(status, { 'content-type': type }).end(body);
			};
			if (request.method !== 'GET' && request.method !== 'HEAD')
				return answer(405, 'application/json', '{"error":"read-only registry"}');
			if (path === `/${manifest.name}`)
				return answer(200, 'application/json', JSON.stringify(document()));
			if (path === tarballPath) return answer(200, 'application/octet-stream', bytes);
			return answer(404, 'application/json', '{"error":"not found"}');
		});
	}

	/** Listens on a free port of 127.0.0.1; returns the registry's address. */
	async start(): Promise<string> {
		await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
		const address = this.server.address();
		if (address === null || typeof address === 'string') throw new Error('no port');
		this.baseUrl = `http://127.0.0.1:${address.port}`;
		return this.baseUrl;
	}

	async stop(): Promise<void> {
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}
}
