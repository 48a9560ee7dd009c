// Thinking only when asked, display "omitted", and reasoning continuity without thinking blocks,
// through the proxy with the official Anthropic SDK as client and the strict fake upstream.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { post, sseEvents, startHarness, type Harness } from '../helpers/harness';

let h: Harness;
before(async () => { h = await startHarness(); });
after(async () => { await h.close(); });

const RESPONSES_MODEL = 'claude-sonnet-4-5'; // gpt-5-codex on the Responses API
const CHAT_MODEL = 'claude-haiku-4-5'; // gpt-5-mini on Chat Completions
const readTool = { name: 'Read', description: 'Read a file', input_schema: { type: 'object' as const, properties: { file_path: { type: 'string' } } } };
const ask = (model: string, extra: Record<string, unknown> = {}) => ({ model, max_tokens: 2000, messages: [{ role: 'user' as const, content: 'q' }], ...extra });
const lastUpstream = () => h.fake.requests.at(-1)!.body;

for (const model of [RESPONSES_MODEL, CHAT_MODEL]) {
  for (const stream of [true, false]) {
    test(`${model}, ${stream ? 'streamed' : 'whole'}: a request without thinking gets no thinking block, content[0] is the text`, async () => {
      h.fake.script({ kind: 'reasoning', summary: ['Private musing.'], then: { kind: 'text', chunks: ['Plain answer.'] } });
      const message = stream
        ? await h.anthropic.messages.stream(ask(model)).finalMessage()
        : await h.anthropic.messages.create(ask(model));
      assert.equal(message.content[0].type, 'text');
      assert.equal((message.content[0] as any).text, 'Plain answer.');
      assert.equal(message.content.length, 1);
      if (model === RESPONSES_MODEL) {
        assert.equal(lastUpstream().reasoning?.summary, undefined, 'no summary asked when no one will see it');
        assert.deepEqual(lastUpstream().include, ['reasoning.encrypted_content'], 'the encrypted reasoning still asked, for the proxy to keep');
      }
    });
  }
}

const OMITTED = { thinking: { type: 'adaptive', display: 'omitted' } } as const;

for (const model of [RESPONSES_MODEL, CHAT_MODEL]) {
  test(`${model}: display "omitted" streams a thinking block with no thinking_delta, only a signature_delta`, async () => {
    h.fake.script({ kind: 'reasoning', summary: ['Hidden plan.'], then: { kind: 'text', chunks: ['Answer.'] } });
    const events = await sseEvents(await post(h.url, '/v1/messages', { ...ask(model, OMITTED), stream: true }));
    const blocks = events.filter((e) => e.event.startsWith('content_block'));
    assert.deepEqual(blocks.map((e) => e.data.delta?.type ?? e.event), [
      'content_block_start', 'signature_delta', 'content_block_stop',
      'content_block_start', 'text_delta', 'content_block_stop',
    ]);
    assert.deepEqual(blocks[0].data.content_block, { type: 'thinking', thinking: '', signature: '' });
    assert.ok(blocks[1].data.delta.signature.length > 0);
    assert.ok(!JSON.stringify(events).includes('Hidden plan.'), 'the summary text is not sent');
    if (model === RESPONSES_MODEL) assert.equal(lastUpstream().reasoning.summary, undefined, 'no summary asked for');
  });

  test(`${model}: display "omitted" whole: a thinking block with empty thinking and a signature, then the text`, async () => {
    h.fake.script({ kind: 'reasoning', summary: ['Hidden plan.'], then: { kind: 'text', chunks: ['Answer.'] } });
    const message = await h.anthropic.messages.create(ask(model, OMITTED));
    assert.deepEqual(message.content.map((block) => block.type), ['thinking', 'text']);
    assert.equal((message.content[0] as any).thinking, '');
    assert.ok((message.content[0] as any).signature.length > 0);
  });
}

test('display "omitted": the signature carries the encrypted reasoning into the next turn', async () => {
  h.fake.script({ kind: 'reasoning', summary: [], encrypted: 'enc-omitted-1', then: { kind: 'tool_calls', calls: [{ name: 'Read', fragments: ['{}'] }] } });
  const first = await h.anthropic.messages.create(ask(RESPONSES_MODEL, { ...OMITTED, tools: [readTool] }));
  assert.deepEqual(first.content.map((block) => block.type), ['thinking', 'tool_use']);
  h.fake.script({ kind: 'text', chunks: ['Done.'] });
  const toolUse = first.content[1] as any;
  await h.anthropic.messages.create(ask(RESPONSES_MODEL, {
    ...OMITTED, tools: [readTool],
    messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: first.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUse.id, content: 'file' }] }],
  }));
  const input = lastUpstream().input as any[];
  assert.deepEqual(input.map((item) => item.role ?? item.type), ['user', 'reasoning', 'function_call', 'function_call_output']);
  assert.equal(input[1].encrypted_content, 'enc-omitted-1');
});

/** A tool turn without thinking, then the follow-up with its result, as a client would send it. */
async function toolLoop(stream: boolean, firstUser: string, followUser: string) {
  h.fake.script({ kind: 'reasoning', summary: ['Which file?'], encrypted: `enc-kept-${stream}`, then: { kind: 'tool_calls', calls: [{ name: 'Read', fragments: ['{"file_path":"a"}'] }] } });
  const body = ask(RESPONSES_MODEL, { tools: [readTool], metadata: { user_id: firstUser } });
  const first = stream ? await h.anthropic.messages.stream(body).finalMessage() : await h.anthropic.messages.create(body);
  assert.deepEqual(first.content.map((block) => block.type), ['tool_use'], 'no thinking block');
  h.fake.script({ kind: 'text', chunks: ['Read it.'] });
  const toolUse = first.content[0] as any;
  await h.anthropic.messages.create(ask(RESPONSES_MODEL, {
    tools: [readTool], metadata: { user_id: followUser },
    messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: first.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUse.id, content: 'contents' }] }],
  }));
  assert.equal(h.fake.requests.at(-1)!.rejection, undefined, 'the strict fake accepted the replay');
  return lastUpstream().input as any[];
}

for (const stream of [true, false]) {
  test(`thinking absent, ${stream ? 'streamed' : 'whole'}: the proxy keeps the encrypted reasoning and replays it before its function_call`, async () => {
    const input = await toolLoop(stream, 'user-a', 'user-a');
    assert.deepEqual(input.map((item) => item.role ?? item.type), ['user', 'reasoning', 'function_call', 'function_call_output']);
    assert.equal(input[1].encrypted_content, `enc-kept-${stream}`);
  });
}

test('kept reasoning is replayed only for the caller it came from', async () => {
  const input = await toolLoop(true, 'user-a', 'user-b');
  assert.ok(!input.some((item) => item.type === 'reasoning'));
});

test('a display Anthropic does not have is a 400 naming the field', async () => {
  const response = await post(h.url, '/v1/messages', ask(RESPONSES_MODEL, { thinking: { type: 'adaptive', display: 'full' } }));
  assert.equal(response.status, 400);
  assert.match((await response.json() as any).error.message, /thinking/);
});
