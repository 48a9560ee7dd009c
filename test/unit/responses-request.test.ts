import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MIN_OUTPUT_TOKENS } from '../../src/proxy/upstream/responses/request';
import { request, responses, route, testSigner } from '../helpers/translate';

test('instructions from system, stateless store, encrypted reasoning asked for', () => {
  const body = responses(request({ system: [{ type: 'text', text: 'x-anthropic-billing-header: a;' }, { type: 'text', text: 'Sys.' }] }));
  assert.equal(body.instructions, 'Sys.');
  assert.equal(body.store, false);
  assert.deepEqual(body.include, ['reasoning.encrypted_content']);
  assert.deepEqual(body.reasoning, { summary: 'auto' });
});

test('tool calls and outputs share call ids; images in tool results stay in the output', () => {
  const body = responses(request({
    messages: [
      { role: 'user', content: 'look' },
      { role: 'assistant', content: [{ type: 'text', text: 'ok' }, { type: 'tool_use', id: 'toolu_9', name: 'Read', input: { p: 1 } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_9', content: [{ type: 'text', text: 'img:' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } }] }] },
    ],
  }));
  assert.deepEqual(body.input, [
    { role: 'user', content: [{ type: 'input_text', text: 'look' }] },
    { role: 'assistant', content: 'ok' },
    { type: 'function_call', call_id: 'toolu_9', name: 'Read', arguments: '{"p":1}' },
    { type: 'function_call_output', call_id: 'toolu_9', output: [{ type: 'input_text', text: 'img:' }, { type: 'input_image', image_url: 'data:image/png;base64,AAAA', detail: 'auto' }] },
  ]);
});

test('a thinking block the proxy signed goes back as reasoning; a foreign one is dropped', () => {
  const signature = testSigner.sign({ encrypted: 'ENC-1', summary: ['Planning.'] });
  const redacted = testSigner.sign({ encrypted: 'ENC-2', summary: [] });
  const body = responses(request({
    messages: [
      { role: 'user', content: 'q' },
      { role: 'assistant', content: [
        { type: 'thinking', thinking: 'Planning.', signature },
        { type: 'redacted_thinking', data: redacted },
        { type: 'thinking', thinking: 'forged', signature: signature.slice(0, -2) + 'xx' },
        { type: 'thinking', thinking: 'from Anthropic', signature: 'EqQBCkgIARABGAIiQL' },
        { type: 'text', text: 'a' },
      ] },
      { role: 'user', content: 'next' },
    ],
  }));
  const reasoning = (body.input as any[]).filter((item) => item.type === 'reasoning');
  assert.deepEqual(reasoning, [
    { type: 'reasoning', summary: [{ type: 'summary_text', text: 'Planning.' }], encrypted_content: 'ENC-1' },
    { type: 'reasoning', summary: [], encrypted_content: 'ENC-2' },
  ]);
  assert.ok(!JSON.stringify(body).includes('forged') && !JSON.stringify(body).includes('from Anthropic'));
});

test('max_output_tokens is capped by the route and never below the API minimum', () => {
  assert.equal(responses(request({ max_tokens: 64000 }), route({ api: 'responses', model: 'gpt-5-codex', maxOutputTokens: 8192 })).max_output_tokens, 8192);
  assert.equal(responses(request({ max_tokens: 1 })).max_output_tokens, MIN_OUTPUT_TOKENS);
});

test('effort, tools, tool choice, format and cache key map to the Responses shapes', () => {
  const schema = { type: 'object', properties: {} };
  const body = responses(request({
    thinking: { type: 'adaptive' },
    output_config: { effort: 'max', format: { type: 'json_schema', schema } },
    tools: [{ name: 'Bash', description: 'd', input_schema: { type: 'object', properties: { c: { type: 'string' } } } }],
    tool_choice: { type: 'any', disable_parallel_tool_use: true },
    metadata: { user_id: '{"session_id":"s-9","device_id":"d"}' },
  }));
  assert.deepEqual(body.reasoning, { summary: 'auto', effort: 'high' });
  assert.deepEqual(body.tools, [{ type: 'function', name: 'Bash', description: 'd', parameters: { type: 'object', properties: { c: { type: 'string' } } }, strict: false }]);
  assert.equal(body.tool_choice, 'required');
  assert.equal(body.parallel_tool_calls, false);
  assert.deepEqual(body.text, { format: { type: 'json_schema', name: 'output', schema, strict: false } });
  assert.equal(body.prompt_cache_key, 's-9');
});

test('non-reasoning models on the Responses API take temperature, not reasoning', () => {
  const body = responses(request({ temperature: 0.2, thinking: { type: 'enabled', budget_tokens: 2000 } }), route({ api: 'responses', model: 'gpt-4.1' }));
  assert.equal(body.temperature, 0.2);
  assert.equal(body.reasoning, undefined);
  assert.equal(body.include, undefined);
});

test('a URL document becomes an input_file with file_url', () => {
  const body = responses(request({ messages: [{ role: 'user', content: [{ type: 'document', source: { type: 'url', url: 'https://example.com/a.pdf' } }] }] }));
  assert.deepEqual((body.input as any[])[0].content[0], { type: 'input_file', file_url: 'https://example.com/a.pdf' });
});
