/**
 * A topic's n8n serving published 1Flow Triggers: started (and restarted) with its owner set
 * up, the production webhooks registered, and its executions counted through n8n's REST API,
 * as the editor lists them.
 */
import { randomBytes } from 'node:crypto';

import { httpRequest, type HttpReply } from '../../../testkit/http';
import type { N8nServer } from '../../../testkit/n8n';
import type { Topic } from './topic';

export interface ExecutionSummary {
	id: string;
	mode: string;
	status: string;
	startedAt: string | null;
}

export async function until<T>(
	what: string,
	probe: () => Promise<T | undefined>,
	timeoutMs = 30_000,
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe();
		if (value !== undefined) return value;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}

export class TriggerServer {
	private cookie = '';
	private readonly browserId = `e2e-${randomBytes(6).toString('hex')}`;
	server: N8nServer | undefined;

	constructor(
		private readonly topic: () => Topic,
		/** Webhook paths (under /webhook/) that must answer before the server counts as started. */
		private readonly paths: string[],
	) {}

	url(path: string): string {
		return `${this.topic().instance.baseUrl}/webhook/${path}`;
	}

	rest(method: 'GET' | 'POST' | 'DELETE', route: string, body?: unknown): Promise<HttpReply> {
		return httpRequest(`${this.topic().instance.baseUrl}/rest${route}`, {
			method,
			body,
			headers: { 'browser-id': this.browserId, cookie: this.cookie },
			// n8n 1.x answers its REST API late while a burst's executions are being saved.
			timeoutMs: 60_000,
		});
	}

	/** Starts n8n (the first time also its owner) and waits for the production webhooks. */
	async start(): Promise<void> {
		const { instance } = this.topic();
		this.server = await instance.startServer();
		if (this.cookie === '') {
			const owner = await until('the owner set-up route', async () => {
				const reply = await this.rest('POST', '/owner/setup', {
					email: 'e2e@example.com',
					firstName: 'E2E',
					lastName: 'Owner',
					password: 'E2e-password-1',
				});
				return reply.status === 404 ? undefined : reply;
			});
			if (owner.status !== 200) throw new Error(`owner set-up answered ${owner.status}`);
			this.cookie = ([] as string[])
				.concat(owner.headers['set-cookie'] ?? [])
				.map((entry) => entry.split(';')[0])
				.join('; ');
		}
		// n8n activates published workflows after its REST API is up: until then 404, and while
		// n8n 2.x is still starting it answers 200 "n8n is starting up. Please wait".
		for (const path of this.paths)
			await until(
				`the production webhook ${path}`,
				async () => {
					const reply = await httpRequest(this.url(path), { method: 'POST', body: '' });
					return reply.status === 404 || reply.text.includes('is starting up') ? undefined : true;
				},
				120_000,
			);
		await until(
			'the executions API',
			async () =>
				(await this.rest('GET', '/executions?limit=1')).status === 200 ? true : undefined,
			120_000,
		);
	}

	async restart(): Promise<void> {
		await this.topic().instance.stopServer();
		await this.start();
	}

	/** How many executions a workflow has, and the newest 100 of them. */
	async executions(workflowId: string): Promise<{ count: number; results: ExecutionSummary[] }> {
		const filter = encodeURIComponent(JSON.stringify({ workflowId }));
		const reply = await this.rest('GET', `/executions?filter=${filter}&limit=100`);
		if (reply.status !== 200)
			throw new Error(`GET /rest/executions answered ${reply.status}: ${reply.text.slice(0, 300)}`);
		return (reply.json as { data: { count: number; results: ExecutionSummary[] } }).data;
	}

	/** Waits until a workflow has `count` executions, the newest 100 finished; returns those. */
	async finished(
		workflowId: string,
		count: number,
		timeoutMs = 60_000,
	): Promise<ExecutionSummary[]> {
		return await until(
			`${count} finished executions`,
			async () => {
				const list = await this.executions(workflowId);
				return list.count >= count &&
					list.results.every((execution) => !['new', 'running'].includes(execution.status))
					? list.results
					: undefined;
			},
			timeoutMs,
		);
	}
}
