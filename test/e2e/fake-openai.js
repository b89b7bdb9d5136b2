'use strict';
/**
 * A scripted stand-in for OpenAI's Chat Completions API on 127.0.0.1, for running n8n's AI
 * Agent with the 1Flow tool end to end without a model:
 * - a request without a tool result answers with one call of the first offered tool,
 *   passing the first `doc_...` word of the user's message as `docId`;
 * - a request that carries a tool result answers "TOOL RESULT: <the tool's text>".
 * Every request body is kept in `requests` (to check what the model would have been sent).
 */
const http = require('node:http');

class FakeOpenAI {
	constructor() {
		this.requests = [];
		this.server = http.createServer((req, res) => this.handle(req, res));
	}

	async start() {
		await new Promise((resolve) => this.server.listen(0, '127.0.0.1', resolve));
		return `http://127.0.0.1:${this.server.address().port}/v1`;
	}

	async stop() {
		this.server.closeAllConnections?.();
		await new Promise((resolve) => this.server.close(() => resolve()));
	}

	handle(req, res) {
		const chunks = [];
		req.on('data', (chunk) => chunks.push(chunk));
		req.on('end', () => {
			let body = {};
			try {
				body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
			} catch {
				// keep {}
			}
			this.requests.push({ method: req.method, url: req.url, body });
			if (req.method !== 'POST' || !/\/chat\/completions$/.test(req.url.split('?')[0])) {
				res.writeHead(404, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ error: { message: `fake OpenAI: no route ${req.method} ${req.url}` } }));
				return;
			}
			const message = this.answer(body);
			if (body.stream) this.stream(res, body, message);
			else this.complete(res, body, message);
		});
	}

	answer(body) {
		const messages = body.messages || [];
		const toolResults = messages.filter((m) => m.role === 'tool');
		if (toolResults.length > 0) {
			const text = toolResults.map((m) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content))).join('\n');
			return { role: 'assistant', content: `TOOL RESULT: ${text}` };
		}
		const tool = (body.tools || [])[0];
		const userText = messages
			.filter((m) => m.role === 'user')
			.map((m) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content)))
			.join(' ');
		const docId = (userText.match(/doc_[A-Za-z0-9_]+/) || [''])[0];
		if (!tool) return { role: 'assistant', content: 'no tool offered' };
		return {
			role: 'assistant',
			content: null,
			tool_calls: [{ id: `call_${this.requests.length}`, type: 'function', function: { name: tool.function.name, arguments: JSON.stringify({ docId }) } }],
		};
	}

	complete(res, body, message) {
		res.writeHead(200, { 'content-type': 'application/json' });
		res.end(
			JSON.stringify({
				id: `chatcmpl-e2e-${this.requests.length}`,
				object: 'chat.completion',
				created: Math.floor(Date.now() / 1000),
				model: body.model || 'gpt-4o-mini',
				choices: [{ index: 0, message, logprobs: null, finish_reason: message.tool_calls ? 'tool_calls' : 'stop' }],
				usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
			}),
		);
	}

	stream(res, body, message) {
		res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
		const base = { id: `chatcmpl-e2e-${this.requests.length}`, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model: body.model || 'gpt-4o-mini' };
		const send = (delta, finishReason = null, extra = {}) =>
			res.write(`data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }], ...extra })}\n\n`);
		if (message.tool_calls) {
			send({ role: 'assistant', content: null, tool_calls: message.tool_calls.map((call, index) => ({ index, ...call })) });
			send({}, 'tool_calls');
		} else {
			send({ role: 'assistant', content: message.content });
			send({}, 'stop');
		}
		if (body.stream_options && body.stream_options.include_usage) {
			res.write(`data: ${JSON.stringify({ ...base, choices: [], usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 } })}\n\n`);
		}
		res.end('data: [DONE]\n\n');
	}
}

module.exports = { FakeOpenAI };
