// The policy for what Claude Code adds next (README, "Fields and blocks the proxy does not know"):
// a top-level field is ignored, a block that carries text passes as text, anything else is a 400
// that names the path and the type.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { post, startHarness, type Harness } from '../helpers/harness';

let h: Harness;
before(async () => { h = await startHarness(); });
after(async () => { await h.close(); });

const ask = (messages: unknown[], extra: Record<string, unknown> = {}) => ({ model: 'claude-haiku-4-5', max_tokens: 50, messages, ...extra });

async function upstreamBodyOf(body: unknown): Promise<any> {
  h.fake.script({ kind: 'text', chunks: ['ok'] });
  const before = h.fake.requests.length;
  const response = await post(h.url, '/v1/messages', body);
  assert.equal(response.status, 200, await response.clone().text());
  assert.equal(h.fake.requests.length, before + 1);
  return h.fake.requests.at(-1)!.body;
}

test('a top-level field the proxy does not know changes nothing and is not sent upstream', async () => {
  const plain = await upstreamBodyOf(ask([{ role: 'user', content: 'hi' }]));
  const withField = await upstreamBodyOf(ask([{ role: 'user', content: 'hi' }], { next_months_field: { mode: 'fast' } }));
  assert.deepEqual(withField, plain);
});

test('an unknown block that carries text passes as text: in a user message, in tool_result content, in an assistant message, in system', async () => {
  const body = await upstreamBodyOf(ask([
    { role: 'user', content: [{ type: 'text', text: 'run it' }, { type: 'reminder_2027', text: 'user-side text', extra: 1 }] },
    { role: 'assistant', content: [{ type: 'commentary', text: 'assistant-side text' }, { type: 'tool_use', id: 'toolu_1', name: 'Bash', input: { command: 'ls' } }] },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'annotated_text', text: 'result-side text' }] }] },
  ], { tools: [{ name: 'Bash', input_schema: { type: 'object' } }], system: [{ type: 'text', text: 'Be brief.' }, { type: 'policy_2027', text: 'system-side text' }] }));
  const [system, ...messages] = body.messages;
  assert.deepEqual(system, { role: 'system', content: 'Be brief.\n\nsystem-side text' });
  assert.deepEqual(messages[0].content.at(-1), { type: 'text', text: 'user-side text' });
  assert.equal(messages[1].role, 'assistant');
  assert.equal(messages[1].content, 'assistant-side text');
  assert.equal(messages[2].role, 'tool');
  assert.match(JSON.stringify(messages[2].content), /result-side text/);
});

test('any other unknown block: 400 naming its path and type, nothing sent upstream', async () => {
  const cases: [unknown[], string, Record<string, unknown>?][] = [
    [[{ role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'hologram', frames: [] }] }],
      'messages.0.content.1.type: unknown block type "hologram" (expected text, image, document, tool_use, tool_result, thinking, redacted_thinking, server_tool_use, web_search_tool_result)'],
    [[{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'hologram' }] }] }],
      'messages.0.content.0.content.0.type: unknown block type "hologram" (expected text, image, document'],
    // A known type keeps its strict schema: no fallback to text for a text field of the wrong kind.
    [[{ role: 'user', content: [{ type: 'text', text: 7 }] }], 'messages.0.content.0.text: expected string, received number'],
    [[{ role: 'user', content: [{ type: 'hologram', text: 7 }] }], 'messages.0.content.0.type: unknown block type "hologram"'],
    [[{ role: 'user', content: 'hi' }], 'system.0.type: unknown block type "hologram" (expected text)', { system: [{ type: 'hologram' }] }],
  ];
  const before = h.fake.requests.length;
  for (const [messages, expected, extra] of cases) {
    const response = await post(h.url, '/v1/messages', ask(messages, extra));
    assert.equal(response.status, 400);
    const error = ((await response.json()) as any).error;
    assert.equal(error.type, 'invalid_request_error');
    assert.ok(error.message.startsWith(expected), `${error.message}\n  does not start with\n${expected}`);
  }
  assert.equal(h.fake.requests.length, before);
});

test('count_tokens follows the same policy', async () => {
  const passes = await post(h.url, '/v1/messages/count_tokens', ask([{ role: 'user', content: [{ type: 'reminder_2027', text: 'some words here' }] }], { next_months_field: 1 }));
  assert.equal(passes.status, 200);
  assert.ok(((await passes.json()) as any).input_tokens > 0);
  const refused = await post(h.url, '/v1/messages/count_tokens', ask([{ role: 'user', content: [{ type: 'hologram' }] }]));
  assert.equal(refused.status, 400);
  assert.match(((await refused.json()) as any).error.message, /^messages\.0\.content\.0\.type: unknown block type "hologram"/);
});
