// Endpoints other than streaming: auth, errors, models, health, count_tokens, non-streaming answers.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { PROXY_TOKEN, post, startHarness, type Harness } from '../helpers/harness';

let h: Harness;
before(async () => { h = await startHarness(); });
after(async () => { await h.close(); });

const hello = { model: 'claude-haiku-4-5', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] };

test('HEAD / answers 200 without auth (Claude Code probes it at start)', async () => {
  const response = await fetch(`${h.url}/`, { method: 'HEAD' });
  assert.equal(response.status, 200);
});

test('missing or wrong token: 401 authentication_error, nothing sent upstream', async () => {
  const before = h.fake.requests.length;
  for (const headers of [{}, { 'x-api-key': 'wrong' }, { authorization: 'Bearer wrong' }, { authorization: PROXY_TOKEN }]) {
    const response = await post(h.url, '/v1/messages', hello, headers as Record<string, string>);
    assert.equal(response.status, 401);
    const body = (await response.json() as any);
    assert.equal(body.type, 'error');
    assert.equal(body.error.type, 'authentication_error');
  }
  assert.equal(h.fake.requests.length, before);
});

test('both headers at once (Claude Code with ANTHROPIC_API_KEY and ANTHROPIC_AUTH_TOKEN set): either one matching is enough', async () => {
  // A stale ANTHROPIC_API_KEY left in the shell must not lock out the right ANTHROPIC_AUTH_TOKEN, and the other way round.
  for (const headers of [
    { 'x-api-key': 'sk-ant-someone-elses-key', authorization: `Bearer ${PROXY_TOKEN}` },
    { 'x-api-key': PROXY_TOKEN, authorization: 'Bearer sk-ant-someone-elses-key' },
  ]) {
    h.fake.script({ kind: 'text', chunks: ['in'] });
    const response = await post(h.url, '/v1/messages', hello, headers);
    assert.equal(response.status, 200, JSON.stringify(Object.keys(headers)));
    assert.equal(((await response.json()) as any).content[0].text, 'in');
  }
  const before = h.fake.requests.length;
  const neither = await post(h.url, '/v1/messages', hello, { 'x-api-key': 'wrong', authorization: 'Bearer also-wrong' });
  assert.equal(neither.status, 401);
  assert.equal(((await neither.json()) as any).error.type, 'authentication_error');
  assert.equal(h.fake.requests.length, before, 'nothing sent upstream');
});

test('unknown paths: 404 in Anthropic\'s error format', async () => {
  const response = await fetch(`${h.url}/v1/complete`, { method: 'POST', headers: { authorization: `Bearer ${PROXY_TOKEN}` } });
  assert.equal(response.status, 404);
  assert.deepEqual((await response.json()), { type: 'error', error: { type: 'not_found_error', message: 'Not found: POST /v1/complete' } });
});

test('GET /v1/models lists the Claude names served', async () => {
  const response = await fetch(`${h.url}/v1/models`, { headers: { 'x-api-key': PROXY_TOKEN } });
  const body = (await response.json() as any);
  const ids = body.data.map((model: any) => model.id);
  for (const id of ['claude-sonnet-4-5', 'claude-smart', 'claude-code', 'claude-haiku-4-5', 'claude-fast']) assert.ok(ids.includes(id), id);
  assert.equal(body.data[0].type, 'model');
  assert.equal(body.has_more, false);
  const list = await h.anthropic.models.list();
  assert.ok(list.data.some((model) => model.id === 'claude-fast'), 'the Anthropic SDK reads the list');
});

test('GET /v1/models: each entry names the OpenAI model, API and window behind it (Claude Code\'s /model shows them)', async () => {
  const body = (await (await fetch(`${h.url}/v1/models`, { headers: { 'x-api-key': PROXY_TOKEN } })).json() as any);
  const entry = (id: string) => body.data.find((model: any) => model.id === id);
  assert.equal(entry('claude-sonnet-4-5').display_name, 'Sonnet 4.5 → gpt-5-codex');
  assert.equal(entry('claude-sonnet-4-5').description, 'OpenAI gpt-5-codex via the Responses API, 272,000-token input window');
  assert.equal(entry('claude-fable-5-2').display_name, 'Fable 5.2 → gpt-5-codex');
  assert.match(entry('claude-fable-5-2').description, /high effort/);
  assert.equal(entry('claude-fast').display_name, 'Fast → gpt-5-mini');
  assert.equal(entry('claude-fast').description, 'OpenAI gpt-5-mini via the Chat Completions API, 272,000-token input window (alias of claude-haiku-4-5)');
});

test('GET /health gives upstream and routes, never a secret', async () => {
  const response = await fetch(`${h.url}/health`);
  const text = await response.text();
  const body = JSON.parse(text);
  assert.equal(body.status, 'ok');
  assert.equal(body.upstream, h.fake.url);
  assert.ok(body.routes.some((route: any) => route.name === 'claude-sonnet-4-5' && route.model === 'gpt-5-codex' && route.api === 'responses'));
  assert.ok(!text.includes(h.fake.apiKey) && !text.includes(PROXY_TOKEN));
});

test('a model nothing serves: 404 not_found_error listing what is served, nothing sent upstream', async () => {
  const before = h.fake.requests.length;
  const response = await post(h.url, '/v1/messages', { ...hello, model: 'gpt-4o' });
  assert.equal(response.status, 404);
  const body = (await response.json() as any);
  assert.equal(body.error.type, 'not_found_error');
  assert.match(body.error.message, /gpt-4o.*claude-fast.*claude-sonnet-4-5/);
  assert.equal(h.fake.requests.length, before);
});

test('invalid bodies: 400 invalid_request_error naming the field', async () => {
  const cases: [unknown, RegExp][] = [
    [{ ...hello, max_tokens: undefined }, /max_tokens/],
    [{ ...hello, messages: [{ role: 'user', content: [{ type: 'text' }] }] }, /messages\.0\.content/],
    [{ ...hello, messages: [{ role: 'robot', content: 'x' }] }, /messages\.0\.role/],
    [{ ...hello, thinking: { type: 'enabled' } }, /thinking/],
    [{ ...hello, tool_choice: { type: 'tool' } }, /tool_choice/],
    // A union names the branch that fits the value, not "Invalid input".
    [{ ...hello, messages: [{ role: 'user', content: 5 }] }, /^messages\.0\.content: expected string or array, received number$/],
    [{ ...hello, thinking: { type: 'sometimes' } }, /^thinking\.type: unknown thinking type "sometimes" \(expected enabled, adaptive, disabled\)$/],
    [{ ...hello, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'ftp' } }] }] }, /^messages\.0\.content\.0\.source\.type: unknown source type "ftp" \(expected base64, url\)$/],
    [{ ...hello, messages: [{ role: 'user', content: [{ text: 'no type' }] }] }, /^messages\.0\.content\.0\.type: block type missing \(expected text, /],
  ];
  for (const [body, field] of cases) {
    const response = await post(h.url, '/v1/messages', body);
    assert.equal(response.status, 400, JSON.stringify(body));
    const error = ((await response.json() as any)).error;
    assert.equal(error.type, 'invalid_request_error');
    assert.match(error.message, field);
  }
  const notJson = await fetch(`${h.url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': PROXY_TOKEN }, body: '{"model":' });
  assert.equal(notJson.status, 400);
  assert.match(((await notJson.json() as any)).error.message, /not valid JSON/);
});

test('count_tokens answers locally with the tokenizer, in bursts', async () => {
  const before = h.fake.requests.length;
  const small = await h.anthropic.messages.countTokens({ model: 'claude-opus-4-8', messages: [{ role: 'user', content: 'hello' }] });
  const withTool = await h.anthropic.messages.countTokens({
    model: 'claude-opus-4-8', system: 'You are helpful.', messages: [{ role: 'user', content: 'hello' }],
    tools: [{ name: 'Bash', description: 'Run a shell command', input_schema: { type: 'object', properties: { command: { type: 'string' } } } }],
  });
  assert.ok(small.input_tokens > 0);
  assert.ok(withTool.input_tokens > small.input_tokens + 10);
  const burst = await Promise.all(Array.from({ length: 13 }, (_, i) => h.anthropic.messages.countTokens({ model: 'claude-opus-4-8', messages: [{ role: 'user', content: `message ${i}` }] })));
  assert.equal(burst.length, 13);
  assert.ok(burst.every((count) => count.input_tokens > 0));
  assert.equal(h.fake.requests.length, before, 'count_tokens never goes upstream');
});

test('non-streaming: stream absent gives a whole message; max_tokens 1 works on both APIs', async () => {
  for (const model of ['claude-haiku-4-5', 'claude-sonnet-4-5']) {
    h.fake.script({ kind: 'text', chunks: ['x'], finish: 'length', usage: { input: 900, output: 1 } });
    const response = await post(h.url, '/v1/messages?beta=true', { model, max_tokens: 1, messages: [{ role: 'user', content: 'count' }] });
    assert.equal(response.status, 200, model);
    const message = (await response.json() as any);
    assert.equal(message.type, 'message');
    assert.equal(message.role, 'assistant');
    assert.equal(message.stop_reason, 'max_tokens');
    assert.equal(message.usage.input_tokens, 900);
    assert.equal(h.fake.requests.at(-1)!.body.stream, false);
  }
});

test('the request log has one line per request: model, route, status, latency, tokens', async () => {
  h.fake.script({ kind: 'text', chunks: ['logged'], usage: { input: 11, output: 2 } });
  await h.anthropic.messages.create({ model: 'claude-fast', max_tokens: 20, messages: [{ role: 'user', content: 'x' }] });
  const line = h.logLines.findLast((entry) => entry.includes('claude-fast'))!;
  assert.match(line, /POST \/v1\/messages claude-fast -> gpt-5-mini \(chat\) 200 \d+ms in=11 cached=0 out=2/);
  const record = h.records.at(-1)!;
  assert.equal(record.openaiModel, 'gpt-5-mini');
  assert.equal(record.status, 200);
});

test('binds to loopback by default', () => {
  assert.match(h.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  // The socket itself, not the URL built from the options: bound to 127.0.0.1 only.
  const bound = h.proxy.address!;
  assert.equal(bound.address, '127.0.0.1');
  assert.equal(bound.family, 'IPv4');
});

test('a body over the limit gets 413 request_too_large, nothing sent upstream', async () => {
  const small = await startHarness({ maxBodyBytes: 1000 });
  try {
    const response = await post(small.url, '/v1/messages', { ...hello, messages: [{ role: 'user', content: 'x'.repeat(5000) }] });
    assert.equal(response.status, 413);
    assert.equal((await response.json() as any).error.type, 'request_too_large');
    assert.equal(small.fake.requests.length, 0);
  } finally {
    await small.close();
  }
});
