import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UNANSWERED_CALL_TEXT } from '../../../../src/proxy/openai/conversation';
import { chat, request, route } from '../../../helpers/translate';

const png = 'iVBORw0KGgo=';

test('system blocks become one system message without Claude Code\'s billing header', () => {
  const body = chat(request({
    system: [
      { type: 'text', text: 'x-anthropic-billing-header: cc_version=2.1.197.1c0; cc_entrypoint=sdk-cli;' },
      { type: 'text', text: 'You are Claude.', cache_control: { type: 'ephemeral' } },
      { type: 'text', text: 'Be brief.' },
    ],
  }));
  assert.deepEqual(body.messages[0], { role: 'system', content: 'You are Claude.\n\nBe brief.' });
  assert.ok(!JSON.stringify(body).includes('billing-header'));
});

test('a system role message inside messages stays in place', () => {
  const body = chat(request({ messages: [{ role: 'user', content: 'a' }, { role: 'system', content: 'agents: x' }, { role: 'user', content: 'b' }] }));
  assert.deepEqual(body.messages.map((m) => m.role), ['user', 'system', 'user']);
  assert.equal(body.messages[1].content, 'agents: x');
});

test('tool_use and tool_result round-trip with the same call id, images follow in a user message', () => {
  const body = chat(request({
    messages: [
      { role: 'user', content: 'look' },
      { role: 'assistant', content: [
        { type: 'text', text: 'Reading.' },
        { type: 'tool_use', id: 'toolu_01', name: 'Read', input: { file_path: '/a.png' } },
        { type: 'tool_use', id: 'toolu_02', name: 'Bash', input: { command: 'ls' } },
      ] },
      { role: 'user', content: [
        { type: 'tool_result', tool_use_id: 'toolu_01', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: png } }] },
        { type: 'tool_result', tool_use_id: 'toolu_02', content: 'a.txt', is_error: false },
        { type: 'text', text: 'what is it?' },
      ] },
    ],
  }));
  const [user, assistant, tool1, tool2, images, question] = body.messages;
  assert.equal(user.role, 'user');
  assert.deepEqual(assistant, {
    role: 'assistant', content: 'Reading.',
    tool_calls: [
      { id: 'toolu_01', type: 'function', function: { name: 'Read', arguments: '{"file_path":"/a.png"}' } },
      { id: 'toolu_02', type: 'function', function: { name: 'Bash', arguments: '{"command":"ls"}' } },
    ],
  });
  assert.deepEqual(tool1, { role: 'tool', tool_call_id: 'toolu_01', content: '(see the images below)' });
  assert.deepEqual(tool2, { role: 'tool', tool_call_id: 'toolu_02', content: 'a.txt' });
  assert.equal(images.role, 'user');
  assert.deepEqual((images.content as any[])[1], { type: 'image_url', image_url: { url: `data:image/png;base64,${png}` } });
  assert.deepEqual(question, { role: 'user', content: 'what is it?' });
});

test('is_error results are marked, unanswered calls and orphan results are repaired', () => {
  const body = chat(request({
    messages: [
      { role: 'user', content: 'go' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_a', name: 'Bash', input: {} }, { type: 'tool_use', id: 'toolu_b', name: 'Bash', input: {} }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_a', content: 'boom', is_error: true }, { type: 'tool_result', tool_use_id: 'toolu_zzz', content: 'stale' }] },
    ],
  }));
  const tools = body.messages.filter((m) => m.role === 'tool');
  assert.deepEqual(tools, [
    { role: 'tool', tool_call_id: 'toolu_a', content: 'Error: boom' },
    { role: 'tool', tool_call_id: 'toolu_b', content: UNANSWERED_CALL_TEXT },
  ]);
  const last = body.messages.at(-1)!;
  assert.equal(last.role, 'user');
  assert.match(JSON.stringify(last.content), /Result of tool call toolu_zzz/);
});

test('tools: schema cleaned to an object, long names shortened consistently, choice mapped', () => {
  const longName = `mcp__some_server__${'x'.repeat(70)}`;
  const body = chat(request({
    tools: [
      { name: 'Bash', description: 'run', input_schema: { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object', properties: { command: { type: 'string' } }, additionalProperties: false } },
      { name: longName, input_schema: { type: 'object' } },
      { name: 'web_search', type: 'web_search_20250305' },
    ],
    tool_choice: { type: 'tool', name: longName, disable_parallel_tool_use: true },
    messages: [
      { role: 'user', content: 'x' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: longName, input: {} }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'ok' }] },
    ],
  }));
  assert.equal(body.tools?.length, 2, 'server tools are not sent');
  const [bash, long] = body.tools as any[];
  assert.deepEqual(bash.function.parameters, { type: 'object', properties: { command: { type: 'string' } }, additionalProperties: false });
  assert.ok(long.function.name.length <= 64 && /^[a-zA-Z0-9_-]+$/.test(long.function.name));
  assert.deepEqual(long.function.parameters, { type: 'object', properties: {} });
  assert.deepEqual(body.tool_choice, { type: 'function', function: { name: long.function.name } });
  assert.equal(body.parallel_tool_calls, false);
  assert.equal((body.messages[1] as any).tool_calls[0].function.name, long.function.name);
});

test('tool_choice any/none/auto', () => {
  const tools = [{ name: 'A', input_schema: { type: 'object' } }];
  assert.equal(chat(request({ tools, tool_choice: { type: 'any' } })).tool_choice, 'required');
  assert.equal(chat(request({ tools, tool_choice: { type: 'none' } })).tool_choice, 'none');
  assert.equal(chat(request({ tools, tool_choice: { type: 'auto' } })).tool_choice, 'auto');
  assert.equal(chat(request({ tools })).tool_choice, undefined);
  const single = chat(request({ tools, tool_choice: { type: 'auto', disable_parallel_tool_use: true } }));
  assert.equal(single.tool_choice, 'auto');
  assert.equal(single.parallel_tool_calls, false, 'disable_parallel_tool_use holds with auto too');
  assert.equal(chat(request({ tools, tool_choice: { type: 'auto' } })).parallel_tool_calls, undefined);
});

test('max_tokens is capped by the route and sent as max_completion_tokens', () => {
  const r = route({ api: 'chat', maxOutputTokens: 4096 });
  assert.equal(chat(request({ max_tokens: 64000 }), r).max_completion_tokens, 4096);
  assert.equal(chat(request({ max_tokens: 1 }), r).max_completion_tokens, 1);
  assert.equal((chat(request({ max_tokens: 10 }), r) as any).max_tokens, undefined);
});

test('sampling parameters only reach models that accept them; stop is never sent', () => {
  const sampled = request({ temperature: 0.3, top_p: 0.9, top_k: 5, stop_sequences: ['END'] });
  const reasoning = chat(sampled, route({ api: 'chat', model: 'gpt-5-mini' }));
  assert.equal(reasoning.temperature, undefined);
  assert.equal(reasoning.top_p, undefined);
  const classic = chat(sampled, route({ api: 'chat', model: 'gpt-4.1' }));
  assert.equal(classic.temperature, 0.3);
  assert.equal(classic.top_p, 0.9);
  assert.equal(classic.stop, undefined, 'the proxy matches stop sequences itself, to report which one matched');
  assert.equal((classic as any).top_k, undefined);
});

test('thinking and output_config.effort become reasoning_effort on reasoning models', () => {
  const r = route({ api: 'chat', model: 'gpt-5-mini' });
  assert.equal(chat(request({ thinking: { type: 'enabled', budget_tokens: 31999 } }), r).reasoning_effort, 'high');
  assert.equal(chat(request({ thinking: { type: 'enabled', budget_tokens: 1024 } }), r).reasoning_effort, 'low');
  assert.equal(chat(request({ thinking: { type: 'disabled' } }), r).reasoning_effort, 'minimal', 'the lowest effort gpt-5-mini takes');
  assert.equal(chat(request({ thinking: { type: 'adaptive' }, output_config: { effort: 'high' } }), r).reasoning_effort, 'high');
  assert.equal(chat(request({ thinking: { type: 'adaptive' } }), route({ api: 'chat', model: 'gpt-5-mini', reasoningEffort: 'minimal' })).reasoning_effort, 'minimal');
  assert.equal(chat(request({ thinking: { type: 'adaptive' } }), route({ api: 'chat', model: 'gpt-4o' })).reasoning_effort, undefined);
  assert.equal(chat(request({ thinking: { type: 'adaptive' } }), r).reasoning_effort, 'medium', 'adaptive alone');
});

test('metadata.user_id gives the prompt cache key and a hashed safety identifier', () => {
  const body = chat(request({ metadata: { user_id: JSON.stringify({ device_id: 'dev123', account_uuid: '', session_id: 'sess-1' }) } }));
  assert.equal(body.prompt_cache_key, 'sess-1');
  assert.match(body.safety_identifier!, /^[0-9a-f]{32}$/);
  assert.ok(!JSON.stringify(body).includes('dev123'));
});

test('output_config.format json_schema becomes response_format', () => {
  const schema = { type: 'object', properties: { title: { type: 'string' } }, required: ['title'] };
  const body = chat(request({ output_config: { format: { type: 'json_schema', schema } } }));
  assert.deepEqual(body.response_format, { type: 'json_schema', json_schema: { name: 'output', schema, strict: false } });
});

test('stream asks for usage; thinking blocks from history are not sent on chat', () => {
  const body = chat(request({
    messages: [
      { role: 'user', content: 'a' },
      { role: 'assistant', content: [{ type: 'thinking', thinking: 'hmm', signature: 'sig' }, { type: 'text', text: 'b' }] },
      { role: 'user', content: 'c' },
    ],
  }));
  assert.deepEqual(body.stream_options, { include_usage: true });
  assert.deepEqual(body.messages[1], { role: 'assistant', content: 'b' });
});

test('documents: base64 PDF becomes a file part, a URL PDF is a clear error on chat', () => {
  const body = chat(request({ messages: [{ role: 'user', content: [{ type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' }, title: 'spec' }, { type: 'text', text: 'summarise' }] }] }));
  assert.deepEqual((body.messages[0].content as any[])[0], { type: 'file', file: { filename: 'spec.pdf', file_data: 'data:application/pdf;base64,JVBERi0=' } });
  assert.throws(
    () => chat(request({ messages: [{ role: 'user', content: [{ type: 'document', source: { type: 'url', url: 'https://x/y.pdf' } }] }] })),
    (error: any) => error.status === 400 && error.type === 'invalid_request_error' && /Chat Completions/.test(error.message),
  );
});

test('an image given by URL is passed as image_url', () => {
  const body = chat(request({ messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'url', url: 'https://example.com/cat.png' } }, { type: 'text', text: 'what?' }] }] }));
  assert.deepEqual(body.messages[0].content, [{ type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }, { type: 'text', text: 'what?' }]);
});
