/**
 * A scripted stand-in for OpenAI's Chat Completions API on 127.0.0.1, for running n8n's AI
 * Agent with the 1Flow tool end to end without a model:
 * - a request without a tool result answers with one call of the first offered tool,
 *   passing the first `doc_...` word of the user's message as `docId`;
 * - a request that carries a tool result answers "TOOL RESULT: <the tool's text>".
 * Every request body is kept in `requests` (to check what the model would have been sent).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

interface ChatMessage {
	role: string;
	content: unknown;
	tool_calls?: Array<{
		id: string;
		type: 'function';
		function: { name: string; arguments: string };
	}>;
}

interface ChatRequest {
	model?: string;
	stream?: boolean;
	stream_options?: { include_usage?: boolean };
	messages?: ChatMessage[];
	tools?: Array<{
		function: { name: string; parameters: { properties?: Record<string, unknown> } };
	}>;
}

const text = (content: unknown) =>
	typeof content === 'string' ? content : JSON.stringify(content);

export class FakeOpenAI {
	readonly requests: Array<{ method?: string; url?: string; body: ChatRequest }> = [];
	private readonly server: Server = createServer((req, res) => this.handle(req, res));

	/** Listens on `port` of 127.0.0.1. */
	async start(port: number): Promise<void> {
		await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
	}

	async stop(): Promise<void> {
		this.server.closeAllConnections();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}

	private handle(req: IncomingMessage, res: ServerResponse): void {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			let body: ChatRequest = {};
			try {
				body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as ChatRequest;
			} catch {
				// keep {}
			}
			this.requests.push({ method: req.method, url: req.url, body });
			if (req.method !== 'POST' || !/\/chat\/completions$/.test((req.url ?? '').split('?')[0])) {
				res.writeHead(404, { 'content-type': 'application/json' });
				res.end(
					JSON.stringify({ error: { message: `fake OpenAI: no route ${req.method} ${req.url}` } }),
				);
				return;
			}
			const message = this.answer(body);
			if (body.stream) this.stream(res, body, message);
			else this.complete(res, body, message);
		});
	}

	private answer(body: ChatRequest): ChatMessage {
		const messages = body.messages ?? [];
		const toolResults = messages.filter((m) => m.role === 'tool');
		if (toolResults.length > 0)
			return {
				role: 'assistant',
				content: `TOOL RESULT: ${toolResults.map((m) => text(m.content)).join('\n')}`,
			};
		const tool = (body.tools ?? [])[0];
		const userText = messages
			.filter((m) => m.role === 'user')
			.map((m) => text(m.content))
			.join(' ');
		const docId = (/doc_[A-Za-z0-9_]+/.exec(userText) ?? [''])[0];
		if (!tool) return { role: 'assistant', content: 'no tool offered' };
		const call = {
			id: `call_${this.requests.length}`,
			type: 'function' as const,
			function: { name: tool.function.name, arguments: JSON.stringify({ docId }) },
		};
		return { role: 'assistant', content: null, tool_calls: [call] };
	}

	private header(body: ChatRequest, object: string) {
		return {
			id: `chatcmpl-e2e-${this.requests.length}`,
			object,
			created: Math.floor(Date.now() / 1000),
			model: body.model || 'gpt-4o-mini',
		};
	}

	private complete(res: ServerResponse, body: ChatRequest, message: ChatMessage): void {
		res.writeHead(200, { 'content-type': 'application/json' });
		const choice = {
			index: 0,
			message,
			logprobs: null,
			finish_reason: message.tool_calls ? 'tool_calls' : 'stop',
		};
		res.end(
			JSON.stringify({
				...this.header(body, 'chat.completion'),
				choices: [choice],
				usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
			}),
		);
	}

	private stream(res: ServerResponse, body: ChatRequest, message: ChatMessage): void {
		res.writeHead(200, {
			'content-type': 'text/event-stream',
			'cache-control': 'no-cache',
			connection: 'keep-alive',
		});
		const base = this.header(body, 'chat.completion.chunk');
		const send = (delta: unknown, finishReason: string | null = null) =>
			res.write(
				`data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }] })}\n\n`,
			);
		if (message.tool_calls) {
			send({
				role: 'assistant',
				content: null,
				tool_calls: message.tool_calls.map((call, index) => ({ index, ...call })),
			});
			send({}, 'tool_calls');
		} else {
			send({ role: 'assistant', content: message.content });
			send({}, 'stop');
		}
		if (body.stream_options?.include_usage) {
			res.write(
				`data: ${JSON.stringify({ ...base, choices: [], usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 } })}\n\n`,
			);
		}
		res.end('data: [DONE]\n\n');
	}
}
