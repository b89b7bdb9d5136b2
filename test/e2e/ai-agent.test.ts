/** The AI agent example run headless against a scripted model: the 1Flow tool deletes, or explains why not. */
import { FakeOpenAI } from './support/fake-openai';
import { nodeRan } from './support/run-data';
import { expectNoSecretStored } from './support/secrets';
import { topicOfThisFile } from './support/topic';
import { IDS } from './support/workflows';

const topic = topicOfThisFile('ai-agent', ['doc_ai1']);
const model = new FakeOpenAI();

beforeAll(async () => await model.start(topic().setup.openAiPort));

afterAll(async () => await model.stop());

/** Runs an agent workflow; returns what its tool told the model. */
async function agentCase(id: string, docId: string): Promise<string> {
	const before = model.requests.length;
	const { code, run } = await topic().execute(id);
	expect(code).toBe(0);
	// The agent called the 1Flow tool.
	expect(nodeRan(run, 'Delete 1Flow document')).toBe(true);
	const sent = model.requests.slice(before);
	const offered = (sent[0]?.body.tools ?? []).find((tool) => /1Flow/i.test(tool.function.name));
	// The 1Flow tool was offered to the model, taking docId ($fromAI).
	expect(offered?.function.parameters.properties?.docId).toBeDefined();
	const toolMessages = sent.flatMap((request) =>
		(request.body.messages ?? []).filter((message) => message.role === 'tool'),
	);
	// The tool result went back to the model, and nothing sent to the model holds the secret.
	expect(toolMessages.length).toBeGreaterThan(0);
	expect(JSON.stringify(sent)).not.toContain(topic().setup.secret);
	expect(topic().requestsFor(docId).length).toBeGreaterThanOrEqual(1);
	return toolMessages.map((message) => String(message.content)).join('\n');
}

test('AI agent example: the model calls the 1Flow tool, which deletes the document', async () => {
	const toolText = await agentCase(IDS.agentOk, 'doc_ai1');
	expect(topic().emulator.deleteCount('doc_ai1')).toBe(1);
	expect(toolText).toMatch(/doc_ai1/);
});

test('AI agent example: an unknown document comes back to the model as a clear error', async () => {
	const toolText = await agentCase(IDS.agentMissing, 'doc_ai_missing');
	expect(toolText).toMatch(/not found/i);
	expect(toolText).toMatch(/doc_ai_missing/);
});

test('the webhook secret is not in stored executions, the database files or any n8n output', () => {
	expectNoSecretStored(topic(), { executions: 2, marker: 'doc_ai1' });
});
