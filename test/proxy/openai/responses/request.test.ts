import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MessagesRequest } from '../../../../src/proxy/anthropic/schema';
import { MIN_OUTPUT_TOKENS } from '../../../../src/proxy/openai/responses/request';
import { chat, request, responses, route, testSigner } from '../../../helpers/translate';

test('instructions from system, stateless store, encrypted reasoning asked for', () => {
  const body = responses(request({ system: [{ type: 'text', text: 'x-anthropic-billing-header: a;' }, { type: 'text', text: 'Sys.' }] }));
  assert.equal(body.instructions, 'Sys.');
  assert.equal(body.store, false);
  assert.deepEqual(body.include, ['reasoning.encrypted_content']);
});

test('a reasoning summary only when the client shows it; the encrypted reasoning always', () => {
  const asked = (thinking: MessagesRequest['thinking']) => {
    const body = responses(request({ thinking }));
    return { reasoning: body.reasoning, include: body.include };
  };
  const encrypted = ['reasoning.encrypted_content'];
  assert.deepEqual(asked(undefined), { reasoning: undefined, include: encrypted }, 'no thinking asked: no summary, the model\'s default effort');
  assert.deepEqual(asked({ type: 'adaptive', display: 'omitted' }), { reasoning: { effort: 'medium' }, include: encrypted }, 'Claude Code 2.1.332: no summary');
  assert.deepEqual(asked({ type: 'enabled', budget_tokens: 2000, display: 'omitted' }), { reasoning: { effort: 'low' }, include: encrypted });
  assert.deepEqual(asked({ type: 'adaptive', display: 'summarized' }), { reasoning: { summary: 'auto', effort: 'medium' }, include: encrypted });
  assert.deepEqual(asked({ type: 'enabled', budget_tokens: 2000 }), { reasoning: { summary: 'auto', effort: 'low' }, include: encrypted });
});

test('reasoning the proxy kept for a tool call goes back just before that call', () => {
  const kept = { encrypted: 'ENC-K', summary: [] };
  const body = responses(request({
    messages: [
      { role: 'user', content: 'look' },
      { role: 'assistant', content: [{ type: 'text', text: 'ok' }, { type: 'tool_use', id: 'call_a', name: 'Read', input: {} }, { type: 'tool_use', id: 'call_b', name: 'Read', input: {} }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_a', content: 'a' }, { type: 'tool_result', tool_use_id: 'call_b', content: 'b' }] },
    ],
  }), undefined, (callId) => (callId === 'call_a' ? [kept] : undefined));
  assert.deepEqual((body.input as any[]).map((item) => item.role ?? item.type), ['user', 'assistant', 'reasoning', 'function_call', 'function_call', 'function_call_output', 'function_call_output']);
  assert.deepEqual((body.input as any[])[2], { type: 'reasoning', summary: [], encrypted_content: 'ENC-K' });
});

test('every input message says type "message": llama.cpp needs it, OpenAI takes it', () => {
  const body = responses(request({
    messages: [
      { role: 'user', content: 'q' },
      { role: 'assistant', content: 'a' },
      { role: 'user', content: [{ type: 'text', text: 'next' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } }] },
    ],
  }));
  const messages = (body.input as any[]).filter((item) => item.role !== undefined);
  assert.deepEqual(messages.map((item) => `${item.type} ${item.role}`), ['message user', 'message assistant', 'message user']);
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
    { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'look' }] },
    { type: 'message', role: 'assistant', content: 'ok' },
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

test('thinking adaptive alone asks for medium effort, with summaries', () => {
  assert.deepEqual(responses(request({ thinking: { type: 'adaptive' } })).reasoning, { summary: 'auto', effort: 'medium' });
});

test('thinking disabled: the lowest effort the model takes, no summaries', () => {
  const body = responses(request({ thinking: { type: 'disabled' } }));
  assert.deepEqual(body.reasoning, { effort: 'low' }, 'gpt-5-codex takes low, medium, high');
  assert.deepEqual(responses(request({ thinking: { type: 'disabled' } }), route({ api: 'responses', model: 'gpt-5.1' })).reasoning, { effort: 'none' });
  assert.deepEqual(responses(request({ thinking: { type: 'disabled' } }), route({ api: 'responses', model: 'gpt-5' })).reasoning, { effort: 'minimal' });
});

type RequestedEffort = NonNullable<NonNullable<MessagesRequest['output_config']>['effort']>;

test('a requested effort the model lacks is fitted to the nearest it accepts', () => {
  const effort = (model: string, asked: RequestedEffort) =>
    (responses(request({ output_config: { effort: asked } }), route({ api: 'responses', model, reasoning: true })).reasoning as any).effort;
  assert.equal(effort('gpt-5-codex', 'minimal'), 'low');
  assert.equal(effort('gpt-5-codex', 'max'), 'high');
  assert.equal(effort('gpt-5.1-codex-max', 'max'), 'xhigh');
  assert.equal(effort('gpt-5.1', 'minimal'), 'low');
  assert.equal(effort('gpt-5.2', 'xhigh'), 'xhigh');
  assert.equal(effort('gpt-5-mini', 'minimal'), 'minimal');
  assert.equal(effort('o3', 'minimal'), 'low');
  assert.equal(effort('my-local-reasoner', 'max'), 'high', 'a model of unknown efforts gets no xhigh');
  // A route's fixed effort is the user's explicit choice and is sent as configured.
  assert.equal((responses(request({}), route({ api: 'responses', model: 'gpt-5-codex', reasoningEffort: 'high' })).reasoning as any).effort, 'high');
});

test('tool_choice none and disable_parallel_tool_use with auto map to the Responses shapes', () => {
  const tools = [{ name: 'Bash', input_schema: { type: 'object', properties: {} } }];
  const none = responses(request({ tools, tool_choice: { type: 'none' } }));
  assert.equal(none.tool_choice, 'none');
  assert.equal(none.parallel_tool_calls, undefined);
  const single = responses(request({ tools, tool_choice: { type: 'auto', disable_parallel_tool_use: true } }));
  assert.equal(single.tool_choice, 'auto');
  assert.equal(single.parallel_tool_calls, false);
});

test('a base64 PDF becomes an input_file with its data URL and a .pdf filename', () => {
  const body = responses(request({ messages: [{ role: 'user', content: [
    { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0xLjQK' }, title: 'spec' },
    { type: 'text', text: 'summarise' },
  ] }] }));
  assert.deepEqual((body.input as any[])[0].content, [
    { type: 'input_file', filename: 'spec.pdf', file_data: 'data:application/pdf;base64,JVBERi0xLjQK' },
    { type: 'input_text', text: 'summarise' },
  ]);
});

test('a document of an unsupported media type is a 400 naming the field', () => {
  assert.throws(
    () => responses(request({ messages: [{ role: 'user', content: [{ type: 'document', source: { type: 'base64', media_type: 'application/msword', data: 'AAAA' } }] }] })),
    (error: any) => error.status === 400 && error.type === 'invalid_request_error'
      && error.message.startsWith('messages.0.content.0.source.media_type:') && /application\/msword/.test(error.message),
  );
});

test('a route that does not take files answers a PDF with a 400 naming the route; text documents still pass', () => {
  const noFiles = route({ model: 'llama3.1', api: 'chat', files: false }); // the helper's route is named "r"
  assert.equal(route({}).files, true, 'routes take files unless the table says otherwise');
  for (const source of [
    { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0xLjQK' },
    { type: 'url', url: 'https://example.com/a.pdf' },
  ] as const) {
    assert.throws(
      () => chat(request({ messages: [{ role: 'user', content: [{ type: 'text', text: 'read' }, { type: 'document', source }] }] }), noFiles),
      (error: any) => error.status === 400 && error.type === 'invalid_request_error'
        && error.message.startsWith('messages.0.content.1:') && /route "r" \(llama3\.1\) does not take files/.test(error.message),
      source.type,
    );
  }
  const text = chat(request({ messages: [{ role: 'user', content: [{ type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'notes' } }] }] }), noFiles);
  assert.equal(text.messages[0].content, 'notes');
});
