/**
 * Reference clients for the overhead comparison. Each sends the same deletes as the node
 * (POST {base}/api/webhook/{id}/document/delete, JSON {docId}, Authorization: secret) and
 * reads the JSON answer, with `concurrency` workers over a shared queue.
 */
import http from 'node:http';

import { Container } from '@n8n/di';
import axios from 'axios';
import { OutboundHttp } from '@n8n/backend-network';
import type { IHttpRequestOptions } from 'n8n-workflow';
import { Pool } from 'undici';

export interface ClientRun {
	ok: number;
	failed: number;
}

export interface Target {
	baseUrl: string;
	webhookId: string;
	secret: string;
}

function deletePath(target: Target): string {
	return `/api/webhook/${encodeURIComponent(target.webhookId)}/document/delete`;
}

async function runWorkers(
	docIds: string[],
	concurrency: number,
	send: (docId: string) => Promise<boolean>,
): Promise<ClientRun> {
	let next = 0;
	let ok = 0;
	let failed = 0;
	const worker = async () => {
		while (next < docIds.length) {
			const docId = docIds[next++];
			if (await send(docId)) ok++;
			else failed++;
		}
	};
	await Promise.all(Array.from({ length: Math.min(concurrency, docIds.length) }, worker));
	return { ok, failed };
}

/** The floor: undici Pool, keep-alive connections reused, `concurrency` of them. */
export async function undiciPool(
	target: Target,
	docIds: string[],
	concurrency: number,
): Promise<ClientRun> {
	const pool = new Pool(target.baseUrl, { connections: concurrency, pipelining: 1 });
	const path = deletePath(target);
	try {
		return await runWorkers(docIds, concurrency, async (docId) => {
			const response = await pool.request({
				path,
				method: 'POST',
				headers: { 'content-type': 'application/json', authorization: target.secret },
				body: JSON.stringify({ docId }),
			});
			await response.body.json();
			return response.statusCode === 200;
		});
	} finally {
		await pool.close();
	}
}

/** What 1Flow's example code does: one `fetch` after the other. */
export async function sequentialFetch(target: Target, docIds: string[]): Promise<ClientRun> {
	const url = `${target.baseUrl}${deletePath(target)}`;
	let ok = 0;
	let failed = 0;
	for (const docId of docIds) {
		const response = await fetch(url, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json', Authorization: target.secret },
			body: JSON.stringify({ docId }),
		});
		await response.json();
		if (response.ok) ok++;
		else failed++;
	}
	return { ok, failed };
}

/** node:http without an agent: a new TCP connection per request (`Connection: close`). */
export async function httpNoKeepAlive(
	target: Target,
	docIds: string[],
	concurrency: number,
): Promise<ClientRun> {
	const { hostname, port } = new URL(target.baseUrl);
	const path = deletePath(target);
	return await runWorkers(
		docIds,
		concurrency,
		(docId) =>
			new Promise<boolean>((resolve, reject) => {
				const body = JSON.stringify({ docId });
				const request = http.request(
					{
						hostname,
						port,
						path,
						method: 'POST',
						agent: false,
						headers: {
							'Content-Type': 'application/json',
							'Content-Length': Buffer.byteLength(body),
							Authorization: target.secret,
						},
					},
					(response) => {
						const chunks: Buffer[] = [];
						response.on('data', (chunk: Buffer) => chunks.push(chunk));
						response.on('end', () => {
							JSON.parse(Buffer.concat(chunks).toString('utf8'));
							resolve(response.statusCode === 200);
						});
						response.on('error', reject);
					},
				);
				request.on('error', reject);
				request.end(body);
			}),
	);
}

/**
 * n8n's request helper alone (what `httpRequestWithAuthentication` ends in:
 * OutboundHttp.requests().request, axios with fresh http/https agents per request), with the
 * node's request options and the header set directly; no engine, no credential resolution.
 */
export async function n8nHelperDirect(
	target: Target,
	docIds: string[],
	concurrency: number,
): Promise<ClientRun> {
	const client = Container.get(OutboundHttp).requests();
	const url = `${target.baseUrl}${deletePath(target)}`;
	return await runWorkers(docIds, concurrency, async (docId) => {
		const request: IHttpRequestOptions = {
			method: 'POST',
			url,
			body: { docId },
			json: true,
			timeout: 30_000,
			disableFollowRedirect: true,
			sendCredentialsOnCrossOriginRedirect: false,
			ignoreHttpStatusErrors: true,
			returnFullResponse: true,
			headers: { Authorization: target.secret },
		};
		const response = (await client.request(request)) as { statusCode: number };
		return response.statusCode === 200;
	});
}

/**
 * axios (n8n's HTTP client) with one shared keep-alive agent: what n8n's helper would cost if
 * it reused connections instead of building fresh agents for every request.
 */
export async function axiosKeepAlive(
	target: Target,
	docIds: string[],
	concurrency: number,
): Promise<ClientRun> {
	const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
	const url = `${target.baseUrl}${deletePath(target)}`;
	try {
		return await runWorkers(docIds, concurrency, async (docId) => {
			const response = await axios.request({
				method: 'POST',
				url,
				data: { docId },
				headers: { Authorization: target.secret, Accept: 'application/json' },
				httpAgent: agent,
				maxRedirects: 0,
				timeout: 30_000,
				validateStatus: () => true,
			});
			return response.status === 200;
		});
	} finally {
		agent.destroy();
	}
}
