// The fake OpenAI server, driven by the real openai SDK: answers as OpenAI does, rejects what OpenAI rejects.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import OpenAI, { APIError, AzureOpenAI } from 'openai';
import { startFakeOpenAI, type FakeOpenAI } from './';

async function withFake(run: (fake: FakeOpenAI, client: OpenAI) => Promise<void>): Promise<void> {
  const fake = await startFakeOpenAI();
  const client = new OpenAI({ apiKey: fake.apiKey, baseURL: fake.url, maxRetries: 0 });
  try {
    await run(fake, client);
  } finally {
    await fake.close();
  }
}

/** Asserts the call fails with an OpenAI.APIError of that status / code (and message part). */
async function rejects(call: Promise<unknown>, status: number, code: string | null, message?: string | RegExp): Promise<APIError> {
  const error = await call.then(
    () => assert.fail('expected the call to be rejected'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof OpenAI.APIError, `not an APIError: ${String(error)}`);
  assert.equal(error.status, status, error.message);
  assert.equal(error.code ?? null, code, error.message);
  if (typeof message === 'string') assert.ok(error.message.includes(message), error.message);
  if (message instanceof RegExp) assert.match(error.message, message);
  return error;
}

const user = (content: string) => ({ role: 'user' as const, content });
const weatherTool = { type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } };

test('chat, non-streaming: default answer, dated model, usage, recorded request', async () => {
  await withFake(async (fake, client) => {
    const completion = await client.chat.completions.create({ model: 'gpt-4o', messages: [user('hi')] });
    assert.equal(completion.object, 'chat.completion');
    assert.match(completion.id, /^chatcmpl-/);
    assert.equal(completion.model, 'gpt-4o-2024-08-06');
    assert.equal(completion.choices[0].message.content, 'Hello from the fake.');
    assert.equal(completion.choices[0].finish_reason, 'stop');
    assert.ok(completion.usage!.prompt_tokens > 0);
    assert.equal(completion.usage!.total_tokens, completion.usage!.prompt_tokens + completion.usage!.completion_tokens);
    assert.equal(fake.requests.length, 1);
    assert.deepEqual([fake.requests[0].method, fake.requests[0].path], ['POST', '/v1/chat/completions']);
    assert.equal(fake.requests[0].headers.authorization, `Bearer ${fake.apiKey}`);
    assert.deepEqual(fake.requests[0].body.messages, [user('hi')]);
    assert.equal(fake.requests[0].aborted, false);
  });
});

test('chat, streaming: chunks, finish reason, usage chunk only when asked for', async () => {
  await withFake(async (fake, client) => {
    fake.script({ kind: 'text', chunks: ['Hel', 'lo', '!'], finish: 'length', usage: { input: 100, cached: 40, output: 7 } });
    const stream = await client.chat.completions.create({ model: 'gpt-5', messages: [user('hi')], stream: true, stream_options: { include_usage: true } });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    assert.equal(text, 'Hello!');
    assert.equal(chunks[0].choices[0].delta.role, 'assistant');
    assert.equal(chunks.at(-2)!.choices[0].finish_reason, 'length');
    const last = chunks.at(-1)!;
    assert.deepEqual(last.choices, []);
    assert.equal(last.usage!.prompt_tokens, 100);
    assert.equal(last.usage!.prompt_tokens_details!.cached_tokens, 40);
    assert.equal(last.usage!.completion_tokens, 7);

    const raw = await fetch(`${fake.url}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${fake.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o', messages: [user('hi')], stream: true }),
    });
    assert.match(raw.headers.get('content-type')!, /^text\/event-stream/);
    const body = await raw.text();
    assert.ok(body.trimEnd().endsWith('data: [DONE]'), body);
    assert.ok(!body.includes('"usage"'), 'no usage field without stream_options.include_usage');
  });
});

test('chat, streaming tool calls: the SDK assembles the fragments', async () => {
  await withFake(async (fake, client) => {
    fake.script({
      kind: 'tool_calls',
      text: 'Let me look.',
      calls: [
        { name: 'get_weather', fragments: ['{"ci', 'ty": "Par', 'is"}'] },
        { id: 'call_given', name: 'get_time', fragments: ['{', '}'] },
      ],
    });
    const runner = client.chat.completions.stream({ model: 'gpt-4.1', messages: [user('weather?')], tools: [weatherTool] });
    const completion = await runner.finalChatCompletion();
    const message = completion.choices[0].message;
    assert.equal(completion.choices[0].finish_reason, 'tool_calls');
    assert.equal(message.content, 'Let me look.');
    const calls = message.tool_calls!.map((c) => (c.type === 'function' ? [c.id.slice(0, 5), c.function.name, c.function.arguments] : []));
    assert.deepEqual(calls, [
      ['call_', 'get_weather', '{"city": "Paris"}'],
      ['call_', 'get_time', '{}'],
    ]);
    assert.equal(message.tool_calls![1].id, 'call_given');

    // Tool calls only: the role chunk already carries the first call, as OpenAI sends it.
    fake.script({ kind: 'tool_calls', calls: [{ name: 'get_weather', fragments: ['{}'] }] });
    const stream = await client.chat.completions.create({ model: 'gpt-4.1', messages: [user('weather?')], tools: [weatherTool], stream: true });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    assert.equal(chunks[0].choices[0].delta.role, 'assistant');
    assert.equal(chunks[0].choices[0].delta.content, null);
    assert.equal(chunks[0].choices[0].delta.tool_calls![0].function!.name, 'get_weather');
    assert.equal(chunks.filter((c) => c.choices[0].delta.tool_calls?.[0].id).length, 1, 'one header per call');
  });
});

test('chat: reasoning is streamed as reasoning_content deltas before the text', async () => {
  await withFake(async (fake, client) => {
    fake.script({ kind: 'reasoning', summary: ['Thinking ', 'hard.'], then: { kind: 'text', chunks: ['Done.'] } });
    const stream = await client.chat.completions.create({ model: 'o4-mini', messages: [user('hi')], stream: true });
    const deltas: { content?: string; reasoning_content?: string }[] = [];
    for await (const chunk of stream) if (chunk.choices[0]) deltas.push(chunk.choices[0].delta as { content?: string; reasoning_content?: string });
    const reasoning = deltas.map((d) => d.reasoning_content ?? '').join('');
    assert.equal(reasoning, 'Thinking hard.');
    const firstText = deltas.findIndex((d) => typeof d.content === 'string' && d.content !== '');
    const lastReasoning = deltas.findLastIndex((d) => d.reasoning_content !== undefined);
    assert.ok(lastReasoning < firstText, 'reasoning comes first');
  });
});

test('responses, streaming text: full event sequence, sequence numbers, final response', async () => {
  await withFake(async (fake, client) => {
    fake.script({ kind: 'text', chunks: ['Bon', 'jour'] });
    const stream = await client.responses.create({ model: 'gpt-4.1', input: 'hi', stream: true });
    const events = [];
    for await (const event of stream) events.push(event);
    assert.deepEqual(
      events.map((e) => e.type),
      [
        'response.created',
        'response.in_progress',
        'response.output_item.added',
        'response.content_part.added',
        'response.output_text.delta',
        'response.output_text.delta',
        'response.output_text.done',
        'response.content_part.done',
        'response.output_item.done',
        'response.completed',
      ],
    );
    assert.deepEqual(events.map((e) => e.sequence_number), events.map((_, i) => i));
    const completed = events.at(-1)!;
    assert.ok(completed.type === 'response.completed');
    const message = completed.response.output[0];
    assert.ok(message.type === 'message' && message.content[0].type === 'output_text');
    assert.equal(message.content[0].text, 'Bonjour');
    assert.equal(completed.response.model, 'gpt-4.1-2025-04-14');
    assert.match(completed.response.output[0].id!, /^msg_/);
    assert.ok(completed.response.usage!.input_tokens > 0);
  });
});

test('responses, non-streaming: finish "length" is an incomplete response', async () => {
  await withFake(async (fake, client) => {
    fake.script({ kind: 'text', chunks: ['cut ', 'off'], finish: 'length', usage: { input: 50, cached: 10, output: 20, reasoning: 12 } });
    const response = await client.responses.create({ model: 'gpt-5-mini', input: [{ role: 'user', content: 'hi' }], max_output_tokens: 16 });
    assert.equal(response.status, 'incomplete');
    assert.deepEqual(response.incomplete_details, { reason: 'max_output_tokens' });
    assert.equal(response.output_text, 'cut off');
    assert.equal(response.usage!.input_tokens_details.cached_tokens, 10);
    assert.equal(response.usage!.output_tokens_details.reasoning_tokens, 12);
    assert.equal(response.usage!.total_tokens, 70);
  });
});

test('responses, streaming function calls: fc_ items with call_ ids and assembled arguments', async () => {
  await withFake(async (fake, client) => {
    fake.script({ kind: 'tool_calls', calls: [{ name: 'read_file', fragments: ['{"pa', 'th":"a.', 'txt"}'] }, { name: 'ls', fragments: ['{}'] }] });
    const tools = [{ type: 'function' as const, name: 'read_file', parameters: { type: 'object' }, strict: false }];
    const stream = client.responses.stream({ model: 'gpt-5-codex', input: 'go', tools });
    const deltas: string[] = [];
    stream.on('response.function_call_arguments.delta', (e) => deltas.push(e.delta));
    const response = await stream.finalResponse();
    const calls = response.output.filter((item) => item.type === 'function_call');
    assert.deepEqual(calls.map((c) => [c.name, c.arguments]), [
      ['read_file', '{"path":"a.txt"}'],
      ['ls', '{}'],
    ]);
    assert.ok(calls.every((c) => c.id!.startsWith('fc_') && c.call_id.startsWith('call_')));
    assert.deepEqual(deltas, ['{"pa', 'th":"a.', 'txt"}', '{}']);
  });
});

test('responses: reasoning summary and encrypted content, replayable in the stateless flow', async () => {
  await withFake(async (fake, client) => {
    const base = { model: 'gpt-5', store: false, include: ['reasoning.encrypted_content' as const], reasoning: { effort: 'low' as const, summary: 'auto' as const } };
    fake.script({ kind: 'reasoning', summary: ['First I think.', 'Then I act.'], then: { kind: 'tool_calls', calls: [{ name: 'ls', fragments: ['{}'] }] } });
    const stream = client.responses.stream({ ...base, input: 'list files' });
    const summaryDeltas: string[] = [];
    stream.on('response.reasoning_summary_text.delta', (e) => summaryDeltas.push(e.delta));
    const first = await stream.finalResponse();
    const reasoning = first.output[0];
    const call = first.output[1];
    assert.ok(reasoning.type === 'reasoning' && call.type === 'function_call');
    assert.deepEqual(summaryDeltas, ['First I think.', 'Then I act.']);
    assert.deepEqual(reasoning.summary.map((s) => s.text), ['First I think.', 'Then I act.']);
    assert.match(reasoning.encrypted_content!, /^gAAAAA/);

    const replay = [
      { role: 'user' as const, content: 'list files' },
      { type: 'reasoning' as const, summary: reasoning.summary, encrypted_content: reasoning.encrypted_content },
      { type: 'function_call' as const, call_id: call.call_id, name: call.name, arguments: call.arguments },
      { type: 'function_call_output' as const, call_id: call.call_id, output: 'a.txt' },
    ];
    // (the SDK types want an id on reasoning items; the stateless flow sends none)
    const second = await client.responses.create({ ...base, input: replay as never });
    assert.equal(second.status, 'completed');

    const forged = replay.map((item, i) => (i === 1 ? { ...item, encrypted_content: 'gAAAAABforgedcontent' } : item));
    await rejects(client.responses.create({ ...base, input: forged as never }), 400, 'invalid_encrypted_content', 'The encrypted content gAAA...tent could not be verified.');
  });
});

test('responses: an issued reasoning item replayed without a function_call or assistant message after it is refused', async () => {
  await withFake(async (fake, client) => {
    const base = { model: 'gpt-5', store: false, include: ['reasoning.encrypted_content' as const] };
    fake.script({ kind: 'reasoning', summary: [], then: { kind: 'text', chunks: ['ok'] } });
    const reasoning = (await client.responses.create({ ...base, input: 'hi' })).output[0];
    assert.ok(reasoning.type === 'reasoning' && reasoning.encrypted_content);
    const item = { type: 'reasoning', summary: [], encrypted_content: reasoning.encrypted_content };
    const message = "Item 'input[1]' of type 'reasoning' was provided without its required following item.";
    await rejects(client.responses.create({ ...base, input: [{ role: 'user', content: 'hi' }, item, { role: 'user', content: 'again' }] as never }), 400, null, message);
    await rejects(client.responses.create({ ...base, input: [{ role: 'user', content: 'hi' }, item] as never }), 400, null, message);
  });
});

test('responses: no summary unless reasoning.summary asked for; no encrypted content unless included', async () => {
  await withFake(async (fake, client) => {
    fake.script({ kind: 'reasoning', summary: ['hidden'], then: { kind: 'text', chunks: ['ok'] } });
    const response = await client.responses.create({ model: 'o3', input: 'hi', store: false });
    const reasoning = response.output[0];
    assert.ok(reasoning.type === 'reasoning');
    assert.deepEqual(reasoning.summary, []);
    assert.equal(reasoning.encrypted_content, undefined);
    assert.equal(response.output_text, 'ok');
  });
});

test('responses: a silent reasoning model sends nothing for silentMs after response.in_progress', async () => {
  await withFake(async (fake, client) => {
    fake.script({ kind: 'reasoning', summary: ['s'], silentMs: 300, then: { kind: 'text', chunks: ['x'] } });
    const stream = await client.responses.create({ model: 'gpt-5', input: 'hi', stream: true });
    const seen: [string, number][] = [];
    const start = Date.now();
    for await (const event of stream) seen.push([event.type, Date.now() - start]);
    const inProgress = seen.find(([type]) => type === 'response.in_progress')!;
    const reasoningAdded = seen.find(([type]) => type === 'response.output_item.added')!;
    assert.ok(reasoningAdded[1] - inProgress[1] >= 250, JSON.stringify(seen));
  });
});

test('chat: a silent reasoning model sends its headers at once, then nothing for silentMs', async () => {
  await withFake(async (fake, client) => {
    // A long silence against a generous bound: the headers come well inside it even on a busy
    // machine; a fake that held them for the silence could not be inside it at all.
    fake.script({ kind: 'reasoning', summary: ['r'], silentMs: 3000, then: { kind: 'text', chunks: ['x'] } });
    const start = Date.now();
    const stream = await client.chat.completions.create({ model: 'gpt-5', messages: [user('hi')], stream: true });
    const headersAfter = Date.now() - start;
    const deltas = [];
    for await (const chunk of stream) deltas.push(chunk.choices[0]?.delta);
    assert.ok(headersAfter < 2500, `headers took ${headersAfter}ms: held for the silence`);
    assert.ok(Date.now() - start >= 2980, 'the first chunk waited for silentMs');
    assert.equal(deltas.map((d) => d?.content ?? '').join(''), 'x');
  });
});

test('scripted HTTP errors carry OpenAI error bodies and the given headers', async () => {
  await withFake(async (fake, client) => {
    fake.script({ kind: 'error', status: 429, headers: { 'retry-after': '7' } }, { kind: 'error', status: 500 }, { kind: 'error', status: 503, body: { error: { message: 'custom', type: 'server_error', param: null, code: 'overloaded' } } });
    const limited = await rejects(client.chat.completions.create({ model: 'gpt-4o', messages: [user('hi')] }), 429, 'rate_limit_exceeded', 'Rate limit reached for gpt-4o');
    assert.equal(limited.headers?.get('retry-after'), '7');
    await rejects(client.responses.create({ model: 'gpt-5', input: 'hi' }), 500, null, 'The server had an error');
    await rejects(client.responses.create({ model: 'gpt-5', input: 'hi' }), 503, 'overloaded', 'custom');
    const after = await client.chat.completions.create({ model: 'gpt-4o', messages: [user('hi')] });
    assert.equal(after.choices[0].message.content, 'Hello from the fake.', 'queue empty again: default answer');
  });
});

test('stream errors: chat sends a data error line, responses an error event', async () => {
  await withFake(async (fake, client) => {
    fake.script({ kind: 'stream_error', afterChunks: ['par', 'tial'], message: 'boom' }, { kind: 'stream_error', afterChunks: ['x'], message: 'kaput' });
    const stream = await client.chat.completions.create({ model: 'gpt-4o', messages: [user('hi')], stream: true });
    let text = '';
    const error = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    })().then(() => undefined, (e: unknown) => e);
    assert.equal(text, 'partial');
    assert.ok(error instanceof OpenAI.APIError && error.message.includes('boom'), String(error));

    // The SDK (since 7.x) rejects on a Responses `error` event instead of yielding it.
    const events: { type: string }[] = [];
    const responsesError = await (async () => {
      for await (const event of await client.responses.create({ model: 'gpt-4o', input: 'hi', stream: true })) events.push(event);
    })().then(() => undefined, (e: unknown) => e);
    assert.ok(responsesError instanceof OpenAI.APIError && responsesError.message.includes('kaput'), String(responsesError));
    assert.equal((responsesError as InstanceType<typeof OpenAI.APIError>).code, 'server_error');
    assert.ok(events.length > 0 && !events.some((e) => e.type === 'response.completed' || e.type === 'error'), events.map((e) => e.type).join());
  });
});

test('client abort is recorded; hang and stall keep the request open until then', async () => {
  await withFake(async (fake, client) => {
    fake.script({ kind: 'hang' }, { kind: 'stall', afterChunks: ['a', 'b'] });
    const hang = new AbortController();
    const pending = client.chat.completions.create({ model: 'gpt-4o', messages: [user('hi')] }, { signal: hang.signal });
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(fake.activeRequests(), 1);
    hang.abort();
    await assert.rejects(pending, OpenAI.APIUserAbortError);

    const stall = new AbortController();
    const stream = await client.responses.create({ model: 'gpt-4o', input: 'hi', stream: true }, { signal: stall.signal });
    const deltas: string[] = [];
    for await (const event of stream) {
      if (event.type === 'response.output_text.delta') deltas.push(event.delta);
      if (deltas.length === 2) setTimeout(() => stall.abort(), 50);
    }
    assert.deepEqual(deltas, ['a', 'b']);
    await waitFor(() => fake.activeRequests() === 0);
    assert.deepEqual(fake.requests.map((r) => r.aborted), [true, true]);
  });
});

test('a finished answer is not recorded as aborted, and connections drop to 0 on close', async () => {
  const fake = await startFakeOpenAI({ apiKey: 'sk-own-key-123' });
  const client = new OpenAI({ apiKey: 'sk-own-key-123', baseURL: fake.url, maxRetries: 0 });
  await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [user('hi')] });
  assert.equal(fake.requests[0].aborted, false);
  assert.ok(fake.openConnections() >= 1, 'the keep-alive socket is still open');
  await fake.close();
  assert.equal(fake.openConnections(), 0);
  assert.equal(fake.activeRequests(), 0);
});

test('inputWindows: a longer prompt is refused as OpenAI refuses it; a shorter one is answered', async () => {
  const fake = await startFakeOpenAI({ inputWindows: { 'gpt-5-codex': 500, 'gpt-4o': 500, 'gpt-5-mini': 500 } });
  const client = new OpenAI({ apiKey: fake.apiKey, baseURL: fake.url, maxRetries: 0 });
  try {
    const long = 'x'.repeat(2400);
    const responses = await rejects(client.responses.create({ model: 'gpt-5-codex', input: long }), 400, 'context_length_exceeded',
      'Your input exceeds the context window of this model. Please adjust your input and try again.');
    assert.equal(responses.param, 'input');
    const used = Math.ceil(JSON.stringify({ model: 'gpt-4o', messages: [user(long)] }).length / 4);
    const chat = await rejects(client.chat.completions.create({ model: 'gpt-4o', messages: [user(long)] }), 400, 'context_length_exceeded',
      `This model's maximum context length is 500 tokens. However, your messages resulted in ${used} tokens. Please reduce the length of the messages.`);
    assert.equal(chat.param, 'messages');
    await rejects(client.chat.completions.create({ model: 'gpt-5-mini', messages: [user(long)] }), 400, 'context_length_exceeded', /^400 Input tokens exceed the configured limit of 500 tokens\. Your messages resulted in \d+ tokens\./);
    const short = await client.responses.create({ model: 'gpt-5-codex', input: 'hi' });
    assert.equal(short.status, 'completed');
    const other = await client.responses.create({ model: 'gpt-5', input: long });
    assert.equal(other.status, 'completed', 'a model not named takes any size');
  } finally {
    await fake.close();
  }
});

test('GET /v1/models lists the known models; unknown model ids are 404', async () => {
  await withFake(async (_fake, client) => {
    const ids = [];
    for await (const model of client.models.list()) ids.push(model.id);
    for (const id of ['gpt-5', 'gpt-5-codex', 'gpt-4.1', 'o3', 'o4-mini']) assert.ok(ids.includes(id), id);
    await rejects(client.models.retrieve('gpt-9'), 404, 'model_not_found');
  });
});

test('auth: wrong key is 401 invalid_api_key with the key masked; missing key is 401 too', async () => {
  await withFake(async (fake) => {
    const wrong = new OpenAI({ apiKey: 'sk-proj-abcdefghijklmnopWXYZ', baseURL: fake.url, maxRetries: 0 });
    await rejects(wrong.chat.completions.create({ model: 'gpt-4o', messages: [user('hi')] }), 401, 'invalid_api_key', 'Incorrect API key provided: sk-proj-****************WXYZ.');
    const raw = await fetch(`${fake.url}/responses`, { method: 'POST', body: '{}' });
    assert.equal(raw.status, 401);
    assert.match(((await raw.json()) as any).error.message, /^You didn't provide an API key/);
    assert.equal(fake.requests.length, 2, 'rejected requests are recorded');
  });
});

test('malformed JSON is 400; unknown URLs are 404 "Invalid URL"', async () => {
  await withFake(async (fake) => {
    const post = (path: string, body: string) =>
      fetch(`${fake.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${fake.apiKey}` }, body });
    const bad = await post('/chat/completions', '{"model": "gpt-4o",');
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as any).error.message, /^We could not parse the JSON body of your request/);
    assert.equal(fake.requests[0].body, '{"model": "gpt-4o",');
    const unknown = await post('/completions', '{}');
    assert.equal(unknown.status, 404);
    assert.equal(((await unknown.json()) as any).error.message, 'Invalid URL (POST /v1/completions)');
  });
});

test('rejected requests do not consume the script', async () => {
  await withFake(async (fake, client) => {
    fake.script({ kind: 'text', chunks: ['scripted'] });
    await rejects(client.chat.completions.create({ model: 'nope', messages: [user('hi')] }), 404, 'model_not_found');
    const ok = await client.chat.completions.create({ model: 'gpt-4o', messages: [user('hi')] });
    assert.equal(ok.choices[0].message.content, 'scripted');
  });
});

// ---- strictness: Chat Completions ----

type ChatBody = Record<string, unknown>;
const chatCases: [string, ChatBody, number, string | null, string | RegExp][] = [
  ['unknown model', { model: 'gpt-6', messages: [user('hi')] }, 404, 'model_not_found', 'The model `gpt-6` does not exist or you do not have access to it.'],
  ['codex model on chat', { model: 'gpt-5-codex', messages: [user('hi')] }, 404, null, 'This model is only supported in v1/responses and not in v1/chat/completions.'],
  ['max_tokens on a reasoning model', { model: 'gpt-5', messages: [user('hi')], max_tokens: 100 }, 400, 'unsupported_parameter', "Use 'max_completion_tokens' instead."],
  ['temperature on a reasoning model', { model: 'gpt-5-mini', messages: [user('hi')], temperature: 0.2 }, 400, 'unsupported_value', "'temperature' does not support 0.2 with this model. Only the default (1) value is supported."],
  ['top_p on a reasoning model', { model: 'o3', messages: [user('hi')], top_p: 0.5 }, 400, 'unsupported_value', "'top_p' does not support 0.5"],
  ['stop on a reasoning model', { model: 'o4-mini', messages: [user('hi')], stop: ['\n'] }, 400, 'unsupported_parameter', "Unsupported parameter: 'stop' is not supported with this model."],
  ['reasoning_effort on a non-reasoning model', { model: 'gpt-4o', messages: [user('hi')], reasoning_effort: 'low' }, 400, null, 'Unrecognized request argument supplied: reasoning_effort'],
  ['effort the model does not support', { model: 'gpt-5', messages: [user('hi')], reasoning_effort: 'none' }, 400, 'unsupported_value', "Supported values are: 'minimal', 'low', 'medium', and 'high'."],
  ['unknown parameter', { model: 'gpt-4o', messages: [user('hi')], thinking: { type: 'enabled' } }, 400, null, 'Unrecognized request argument supplied: thinking'],
  ['max_completion_tokens below 1', { model: 'gpt-5', messages: [user('hi')], max_completion_tokens: 0 }, 400, 'integer_below_min_value', 'Expected a value >= 1, but got 0 instead.'],
  ['empty messages', { model: 'gpt-4o', messages: [] }, 400, 'empty_array', "Invalid 'messages': empty array."],
  ['stream_options without stream', { model: 'gpt-4o', messages: [user('hi')], stream_options: { include_usage: true } }, 400, null, "The 'stream_options' parameter is only allowed when 'stream' is enabled."],
  [
    'tool message answering nothing',
    { model: 'gpt-4o', messages: [user('hi'), { role: 'tool', tool_call_id: 'call_x', content: 'r' }] },
    400,
    null,
    "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.",
  ],
  [
    'tool call without its tool message',
    {
      model: 'gpt-4o',
      messages: [
        user('hi'),
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_a', type: 'function', function: { name: 'f', arguments: '{}' } }, { id: 'call_b', type: 'function', function: { name: 'g', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'call_a', content: 'r' },
        user('next'),
      ],
    },
    400,
    null,
    'The following tool_call_ids did not have response messages: call_b',
  ],
  [
    'tool calls as the last message',
    { model: 'gpt-4o', messages: [user('hi'), { role: 'assistant', tool_calls: [{ id: 'call_last', type: 'function', function: { name: 'f', arguments: '{}' } }] }] },
    400,
    null,
    'The following tool_call_ids did not have response messages: call_last',
  ],
  [
    'tool arguments that are not a string',
    { model: 'gpt-4o', messages: [user('hi'), { role: 'assistant', tool_calls: [{ id: 'call_a', type: 'function', function: { name: 'f', arguments: { a: 1 } } }] }, { role: 'tool', tool_call_id: 'call_a', content: 'r' }] },
    400,
    'invalid_type',
    "Invalid type for 'messages[1].tool_calls[0].function.arguments': expected a string, but got an object instead.",
  ],
  [
    'image in a tool message',
    {
      model: 'gpt-4o',
      messages: [
        user('hi'),
        { role: 'assistant', tool_calls: [{ id: 'call_a', type: 'function', function: { name: 'f', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'call_a', content: [{ type: 'image_url', image_url: { url: 'https://example.com/a.png' } }] },
      ],
    },
    400,
    'invalid_value',
    "Image URLs are only allowed for messages with role 'user', but this message with role 'tool' contains an image URL.",
  ],
  ['unknown content part type', { model: 'gpt-4o', messages: [{ role: 'user', content: [{ type: 'image', source: {} }] }] }, 400, 'invalid_value', "Invalid value: 'image'. Supported values are: 'text', 'image_url'"],
  [
    'image url that is neither http(s) nor data:',
    { model: 'gpt-4o', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'iVBORw0KGgo=' } }] }] },
    400,
    'invalid_value',
    "Invalid image URL: 'messages[0].content[0].image_url.url'. Expected a base64-encoded data URL with an image MIME type",
  ],
  ['function name with a dot', { model: 'gpt-4o', messages: [user('hi')], tools: [{ type: 'function', function: { name: 'mcp.read', parameters: { type: 'object' } } }] }, 400, 'invalid_value', "Invalid 'tools[0].function.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'."],
  ['function name too long', { model: 'gpt-4o', messages: [user('hi')], tools: [{ type: 'function', function: { name: 'x'.repeat(65), parameters: { type: 'object' } } }] }, 400, 'string_above_max_length', 'Expected a string with maximum length 64, but got a string with length 65 instead.'],
  ['parameters that are not an object schema', { model: 'gpt-4o', messages: [user('hi')], tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'string' } } }] }, 400, 'invalid_function_parameters', `Invalid schema for function 'f': schema must be a JSON Schema of 'type: "object"', got 'type: "string"'.`],  ['a deferred function (Chat has no tool search)', { model: 'gpt-4o', messages: [user('hi')], tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' }, defer_loading: true } }] }, 400, 'unknown_parameter', "Unknown parameter: 'tools[0].function.defer_loading'."],
  ['defer_loading beside the function', { model: 'gpt-4o', messages: [user('hi')], tools: [{ type: 'function', defer_loading: true, function: { name: 'f', parameters: { type: 'object' } } }] }, 400, 'unknown_parameter', "Unknown parameter: 'tools[0].defer_loading'."],
];

for (const [name, body, status, code, message] of chatCases) {
  test(`chat rejects: ${name}`, async () => {
    await withFake(async (_fake, client) => {
      await rejects(client.chat.completions.create(body as never), status, code, message);
    });
  });
}

test('chat accepts on non-reasoning models what reasoning models refuse, and complete tool exchanges', async () => {
  await withFake(async (_fake, client) => {
    await client.chat.completions.create({ model: 'gpt-4.1', messages: [user('hi')], max_tokens: 50, temperature: 0.2, top_p: 0.9, stop: ['\n'] });
    await client.chat.completions.create({ model: 'gpt-5', messages: [user('hi')], max_completion_tokens: 50, temperature: 1, reasoning_effort: 'minimal' });
    await client.chat.completions.create({
      model: 'gpt-4o',
      tools: [weatherTool],
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: [{ type: 'text', text: 'look' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }] },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'call_a', content: [{ type: 'text', text: 'sunny' }] },
        user('thanks'),
      ],
    });
  });
});

// ---- strictness: Responses ----

test('responses accepts input messages with or without type "message", as OpenAI does', async () => {
  await withFake(async (_fake, client) => {
    const input = [{ role: 'user', content: 'hi' }, { type: 'message', role: 'assistant', content: 'hello' }, { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'again' }] }];
    const answer = await client.responses.create({ model: 'gpt-5', input } as never);
    assert.equal((answer as any).status, 'completed');
  });
});

type ResponsesBody = Record<string, unknown>;
const call = (id: string) => ({ type: 'function_call', call_id: id, name: 'f', arguments: '{}' });
const output = (id: string) => ({ type: 'function_call_output', call_id: id, output: 'ok' });
const responsesCases: [string, ResponsesBody, number, string | null, string | RegExp][] = [
  ['unknown model', { model: 'gpt-6', input: 'hi' }, 404, 'model_not_found', 'The model `gpt-6` does not exist'],
  ['unknown parameter', { model: 'gpt-5', input: 'hi', thinking: {} }, 400, 'unknown_parameter', "Unknown parameter: 'thinking'."],
  ['chat parameter name', { model: 'gpt-5', messages: [user('hi')] }, 400, 'unsupported_parameter', "In the Responses API, this parameter has moved to 'input'."],
  ['reasoning on a non-reasoning model', { model: 'gpt-4.1', input: 'hi', reasoning: { effort: 'low' } }, 400, 'unsupported_parameter', "Unsupported parameter: 'reasoning.effort' is not supported with this model."],
  ['unknown reasoning field', { model: 'gpt-5', input: 'hi', reasoning: { enabled: true } }, 400, 'unknown_parameter', "Unknown parameter: 'reasoning.enabled'."],
  ['effort codex does not support', { model: 'gpt-5-codex', input: 'hi', reasoning: { effort: 'minimal' } }, 400, 'unsupported_value', "'reasoning.effort' does not support 'minimal' with this model."],
  ['temperature on a reasoning model', { model: 'gpt-5', input: 'hi', temperature: 0.3 }, 400, null, "Unsupported parameter: 'temperature' is not supported with this model."],
  ['max_output_tokens below 16', { model: 'gpt-5', input: 'hi', max_output_tokens: 8 }, 400, 'integer_below_min_value', "Invalid 'max_output_tokens': integer below minimum value. Expected a value >= 16, but got 8 instead."],
  ['encrypted content include with store not false', { model: 'gpt-5', input: 'hi', include: ['reasoning.encrypted_content'] }, 400, 'invalid_value', 'store: false'],
  ['output without a call', { model: 'gpt-5', input: [{ role: 'user', content: 'hi' }, output('call_zz')] }, 400, null, 'No tool call found for function call output with call_id call_zz.'],
  ['call without an output', { model: 'gpt-5', input: [{ role: 'user', content: 'hi' }, call('call_a'), call('call_b'), output('call_a')] }, 400, null, 'No tool output found for function call call_b.'],
  [
    'foreign encrypted reasoning',
    { model: 'gpt-5', store: false, include: ['reasoning.encrypted_content'], input: [{ role: 'user', content: 'hi' }, { type: 'reasoning', summary: [], encrypted_content: 'gAAAAABnotfromthisserver' }, { role: 'assistant', content: 'x' }] },
    400,
    'invalid_encrypted_content',
    'could not be verified.',
  ],
  [
    'reasoning item without encrypted content, store false',
    { model: 'gpt-5', store: false, input: [{ role: 'user', content: 'hi' }, { type: 'reasoning', id: 'rs_1', summary: [] }, { role: 'assistant', content: 'x' }] },
    404,
    null,
    "Item with id 'rs_1' not found. Items are not persisted when `store` is set to false.",
  ],
  ['tool output role', { model: 'gpt-5', input: [{ role: 'tool', content: 'x' }] }, 400, 'invalid_value', "Invalid value: 'tool'. Supported values are: 'assistant', 'system', 'developer', and 'user'."],
  ['input_text in an assistant message', { model: 'gpt-5', input: [{ role: 'assistant', content: [{ type: 'input_text', text: 'x' }] }] }, 400, 'invalid_value', "Invalid value: 'input_text'. Supported values are: 'output_text' and 'refusal'."],
  ['chat-style content part', { model: 'gpt-5', input: [{ role: 'user', content: [{ type: 'text', text: 'x' }] }] }, 400, 'invalid_value', "Invalid value: 'text'. Supported values are: 'input_text', 'input_image'"],
  ['extra field on an input item', { model: 'gpt-5', input: [{ role: 'user', content: 'hi', cache_control: {} }] }, 400, 'unknown_parameter', "Unknown parameter: 'input[0].cache_control'."],
  ['call_id longer than 64', { model: 'gpt-5', input: [call('c'.repeat(65)), output('c'.repeat(65))] }, 400, 'string_above_max_length', "Invalid 'input[0].call_id': string too long."],
  ['chat-style tool', { model: 'gpt-5', input: 'hi', tools: [weatherTool] }, 400, 'missing_required_parameter', "Missing required parameter: 'tools[0].name'."],
  ['function name with a space', { model: 'gpt-5', input: 'hi', tools: [{ type: 'function', name: 'read file', parameters: { type: 'object' } }] }, 400, 'invalid_value', "Invalid 'tools[0].name': string does not match pattern."],
  ['strict schema that is not closed', { model: 'gpt-5', input: 'hi', tools: [{ type: 'function', name: 'f', strict: true, parameters: { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] } }] }, 400, 'invalid_function_parameters', "'additionalProperties' is required to be supplied and to be false."],  ['a deferred function without tool_search', { model: 'gpt-5', input: 'hi', tools: [{ type: 'function', name: 'f', parameters: { type: 'object' }, defer_loading: true }] }, 400, 'invalid_value', "Invalid Value: 'tools.defer_loading'. Deferred tools require tools.tool_search."],
];

for (const [name, body, status, code, message] of responsesCases) {
  test(`responses rejects: ${name}`, async () => {
    await withFake(async (_fake, client) => {
      await rejects(client.responses.create(body as never), status, code, message);
    });
  });
}

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) assert.fail('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

test('files: a base64 PDF data URL is accepted on both APIs; other file data and URLs are refused', async () => {
  await withFake(async (_fake, client) => {
    const pdf = 'data:application/pdf;base64,JVBERi0xLjQK';
    await client.chat.completions.create({ model: 'gpt-4.1', messages: [{ role: 'user', content: [{ type: 'file', file: { filename: 'a.pdf', file_data: pdf } }] }] });
    await client.responses.create({ model: 'gpt-5-mini', input: [{ role: 'user', content: [{ type: 'input_file', filename: 'a.pdf', file_data: pdf }] }] });
    await client.responses.create({ model: 'gpt-5-mini', input: [{ role: 'user', content: [{ type: 'input_file', file_url: 'https://example.com/a.pdf' }] }] });

    await rejects(client.chat.completions.create({ model: 'gpt-4.1', messages: [{ role: 'user', content: [{ type: 'file', file: { filename: 'a.pdf', file_data: 'JVBERi0xLjQK' } }] }] }),
      400, 'invalid_value', "without the 'data:' prefix");
    await rejects(client.chat.completions.create({ model: 'gpt-4.1', messages: [{ role: 'user', content: [{ type: 'file', file: { file_url: 'https://x/a.pdf' } as any }] }] }),
      400, 'unknown_parameter');
    await rejects(client.responses.create({ model: 'gpt-5-mini', input: [{ role: 'user', content: [{ type: 'input_file', file_data: 'data:text/plain;base64,aGk=' }] }] }),
      400, 'invalid_value', 'unsupported MIME type');
    await rejects(client.responses.create({ model: 'gpt-5-mini', input: [{ role: 'user', content: [{ type: 'input_file', filename: 'a.pdf' }] }] }),
      400, 'missing_required_parameter');
  });
});

test('two instances at once: each on its own port with its own key, the other\'s key refused; keyRequired false takes none', async () => {
  const a = await startFakeOpenAI({ apiKey: 'sk-provider-a-key' });
  const b = await startFakeOpenAI({ apiKey: 'sk-provider-b-key' });
  const open = await startFakeOpenAI({ keyRequired: false });
  try {
    assert.notEqual(a.url, b.url);
    const hello = { model: 'gpt-4.1-mini', messages: [{ role: 'user' as const, content: 'hi' }] };
    await new OpenAI({ apiKey: a.apiKey, baseURL: a.url, maxRetries: 0 }).chat.completions.create(hello);
    await rejects(new OpenAI({ apiKey: a.apiKey, baseURL: b.url, maxRetries: 0 }).chat.completions.create(hello), 401, 'invalid_api_key');
    await new OpenAI({ apiKey: 'anything', baseURL: open.url, maxRetries: 0 }).chat.completions.create(hello);
    assert.equal(open.requests.at(-1)!.rejection, undefined);
  } finally {
    await Promise.all([a.close(), b.close(), open.close()]);
  }
});

test('azure: the SDK\'s AzureOpenAI on deployment URLs and the v1 URL; a wrong key, api-version or deployment refused as Azure does', async () => {
  const fake = await startFakeOpenAI({ apiKey: 'azure-key-for-the-fake', azure: { apiVersion: '2025-04-01-preview', deployments: { 'my-mini': 'gpt-4.1-mini' } } });
  const resource = fake.url.replace(/\/v1$/, '');
  const hello = { model: 'my-mini', messages: [{ role: 'user' as const, content: 'hi' }] };
  try {
    const classic = new AzureOpenAI({ apiKey: 'azure-key-for-the-fake', endpoint: resource, apiVersion: '2025-04-01-preview', deployment: 'my-mini', maxRetries: 0 });
    const answer = await classic.chat.completions.create(hello);
    assert.match(answer.model, /^gpt-4\.1-mini-/, 'the deployment\'s model answered');
    assert.equal(fake.requests.at(-1)!.path, '/openai/deployments/my-mini/chat/completions');
    const v1 = new OpenAI({ apiKey: 'unused', baseURL: `${resource}/openai/v1`, defaultHeaders: { 'api-key': 'azure-key-for-the-fake' }, maxRetries: 0 });
    await v1.responses.create({ model: 'my-mini', input: 'hi' });
    await rejects(new AzureOpenAI({ apiKey: 'wrong', endpoint: resource, apiVersion: '2025-04-01-preview', deployment: 'my-mini', maxRetries: 0 }).chat.completions.create(hello), 401, '401', /Access denied/);
    await rejects(new AzureOpenAI({ apiKey: 'azure-key-for-the-fake', endpoint: resource, apiVersion: '2024-02-01', deployment: 'my-mini', maxRetries: 0 }).chat.completions.create(hello), 404, '404', 'Resource not found');
    await rejects(classic.withOptions({ deployment: 'nope' }).chat.completions.create(hello), 404, 'DeploymentNotFound');
    await rejects(v1.withOptions({ defaultQuery: { 'api-version': '2025-04-01-preview' } }).responses.create({ model: 'my-mini', input: 'hi' }), 400, 'BadRequest', /not allowed when using \/v1 path/);
  } finally {
    await fake.close();
  }
});
