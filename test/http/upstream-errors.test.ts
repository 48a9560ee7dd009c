// Upstream failures become Anthropic errors with the matching status, before and after a stream starts.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, test } from 'node:test';
import { ProxyServer } from '../../src/proxy/server/proxy-server';
import { PROXY_TOKEN, post, sseEvents, startHarness, testRoutes, waitFor, type Harness } from '../helpers/harness';

let h: Harness;
before(async () => { h = await startHarness(); });
after(async () => { await h.close(); });

const body = (model = 'claude-haiku-4-5', extra: Record<string, unknown> = {}) => ({ model, max_tokens: 50, messages: [{ role: 'user', content: 'hi' }], ...extra });

async function errorOf(response: Response): Promise<{ status: number; type: string; message: string; headers: Headers }> {
  const json = (await response.json() as any);
  assert.equal(json.type, 'error');
  return { status: response.status, type: json.error.type, message: json.error.message, headers: response.headers };
}

test('429 -> rate_limit_error with retry-after passed on, not retried by the proxy', async () => {
  const before = h.fake.requests.length;
  h.fake.script({ kind: 'error', status: 429, headers: { 'retry-after': '7' } });
  const error = await errorOf(await post(h.url, '/v1/messages', body()));
  assert.equal(error.status, 429);
  assert.equal(error.type, 'rate_limit_error');
  assert.equal(error.headers.get('retry-after'), '7');
  assert.equal(h.fake.requests.length - before, 1);
});

test('5xx before the first byte is retried a bounded number of times', async () => {
  const before = h.fake.requests.length;
  h.fake.script({ kind: 'error', status: 500 }, { kind: 'error', status: 502 }, { kind: 'text', chunks: ['recovered'] });
  const response = await post(h.url, '/v1/messages', body());
  assert.equal(response.status, 200);
  assert.equal(((await response.json() as any)).content[0].text, 'recovered');
  assert.equal(h.fake.requests.length - before, 3);

  h.fake.script({ kind: 'error', status: 500 }, { kind: 'error', status: 500 }, { kind: 'error', status: 500 }, { kind: 'text', chunks: ['never'] });
  const failed = await errorOf(await post(h.url, '/v1/messages', body()));
  assert.equal(failed.status, 500);
  assert.equal(failed.type, 'api_error');
  h.fake.script(); // the unused answer stays queued: drain it
  await post(h.url, '/v1/messages', body());
});

test('503 and 529 -> overloaded_error with retry-after passed on', async () => {
  h.fake.script({ kind: 'error', status: 503, headers: { 'retry-after': '3' } }, { kind: 'error', status: 503 }, { kind: 'error', status: 503, headers: { 'retry-after': '3' } });
  const unavailable = await errorOf(await post(h.url, '/v1/messages', body()));
  assert.equal(unavailable.type, 'overloaded_error');
  assert.equal(unavailable.status, 529);
  assert.equal(unavailable.headers.get('retry-after'), '3');

  // OpenAI may give only retry-after-ms: Claude Code also gets it in whole seconds, rounded up.
  const before = h.fake.requests.length;
  h.fake.script({ kind: 'error', status: 529, headers: { 'retry-after-ms': '1500' } });
  const overloaded = await errorOf(await post(h.url, '/v1/messages', body()));
  assert.equal(overloaded.type, 'overloaded_error');
  assert.equal(overloaded.status, 529);
  assert.equal(overloaded.headers.get('retry-after'), '2');
  assert.equal(overloaded.headers.get('retry-after-ms'), '1500');
  assert.equal(h.fake.requests.length - before, 1, '529 is not retried by the proxy: Claude Code backs off itself');
});

test('a 500 whose body says the server is overloaded -> overloaded_error; a plain 500 stays api_error', async () => {
  const overloaded = { error: { message: 'The server is overloaded, please try again later.', type: 'server_error', param: null, code: 'server_is_overloaded' } };
  h.fake.script(...Array.from({ length: 3 }, () => ({ kind: 'error' as const, status: 500, body: overloaded })));
  const error = await errorOf(await post(h.url, '/v1/messages', body('claude-sonnet-4-5')));
  assert.equal(error.type, 'overloaded_error');
  assert.equal(error.status, 529);
  assert.match(error.message, /overloaded/);

  h.fake.script(...Array.from({ length: 3 }, () => ({ kind: 'error' as const, status: 500 })));
  const plain = await errorOf(await post(h.url, '/v1/messages', body()));
  assert.equal(plain.type, 'api_error');
  assert.equal(plain.status, 500);
});

test('a 500 saying the input is not supported (llama.cpp without a vision projector) -> 400 invalid_request_error, which Claude Code does not retry', async () => {
  const unsupported = { error: { code: 500, message: 'image input is not supported - hint: if this is unexpected, you may need to provide the mmproj', type: 'server_error' } };
  h.fake.script(...Array.from({ length: 3 }, () => ({ kind: 'error' as const, status: 500, body: unsupported })));
  const error = await errorOf(await post(h.url, '/v1/messages', body()));
  assert.equal(error.status, 400);
  assert.equal(error.type, 'invalid_request_error');
  assert.match(error.message, /cannot take this request: image input is not supported/);
});

test('a bad OpenAI key -> authentication_error that names the fix and never the key', async () => {
  const badKey = 'sk-wrong-key-abcdefghijklmnop';
  const proxy = new ProxyServer({ token: PROXY_TOKEN, openaiApiKey: badKey, openaiBaseUrl: h.fake.url, routes: testRoutes, port: 0 });
  const url = await proxy.start();
  try {
    const response = await post(url, '/v1/messages', body());
    const text = await response.text();
    assert.equal(response.status, 401);
    const error = JSON.parse(text).error;
    assert.equal(error.type, 'authentication_error');
    assert.match(error.message, /OpenAI API key/);
    assert.ok(!text.includes(badKey) && !text.includes('mnop'), 'no part of the key leaks');
  } finally {
    await proxy.stop();
  }
});

test('context overflow -> "prompt is too long: N tokens > M maximum"', async () => {
  h.fake.script({ kind: 'error', status: 400, body: { error: { message: "This model's maximum context length is 128000 tokens. However, your messages resulted in 130512 tokens. Please reduce the length of the messages.", type: 'invalid_request_error', param: 'messages', code: 'context_length_exceeded' } } });
  const error = await errorOf(await post(h.url, '/v1/messages', body('claude-chat-classic')));
  assert.equal(error.status, 400);
  assert.equal(error.message, 'prompt is too long: 130512 tokens > 128000 maximum');

  h.fake.script({ kind: 'error', status: 400, body: { error: { message: 'Input tokens exceed the configured limit of 272000 tokens. Your messages resulted in 289650 tokens. Please reduce the length of the messages.', type: 'invalid_request_error', param: 'messages', code: 'context_length_exceeded' } } });
  const gpt5 = await errorOf(await post(h.url, '/v1/messages', body('claude-haiku-4-5')));
  assert.equal(gpt5.message, 'prompt is too long: 289650 tokens > 272000 maximum', 'the GPT-5 family\'s Chat Completions wording');

  // llama.cpp's server (b11669): a number for code, its own type, N before M.
  h.fake.script({ kind: 'error', status: 400, body: { error: { code: 400, message: 'request (2027 tokens) exceeds the available context size (512 tokens), try increasing it', type: 'exceed_context_size_error', n_prompt_tokens: 2027, n_ctx: 512 } } });
  const llama = await errorOf(await post(h.url, '/v1/messages', body('claude-chat-classic')));
  assert.equal(llama.status, 400);
  assert.equal(llama.message, 'prompt is too long: 2027 tokens > 512 maximum', 'llama.cpp\'s wording');
});

test('context overflow without numbers (Responses API): N is the counted prompt, M the route\'s input window', async () => {
  const overflow = { kind: 'error', status: 400, body: { error: { message: 'Your input exceeds the context window of this model. Please adjust your input and try again.', type: 'invalid_request_error', param: 'input', code: 'context_length_exceeded' } } } as const;
  // A server whose gpt-5-codex takes 130,000 tokens, answer included: 2,000 of prompt.
  const routes = { routes: [{ name: 'claude-small', model: 'gpt-5-codex', api: 'responses' as const, contextWindow: 130_000 }] };
  const proxy = new ProxyServer({ token: PROXY_TOKEN, openaiApiKey: h.fake.apiKey, openaiBaseUrl: h.fake.url, routes, port: 0 });
  const url = await proxy.start();
  try {
    const long = body('claude-small', { messages: [{ role: 'user', content: 'word '.repeat(3000) }] });
    const counted = ((await (await post(url, '/v1/messages/count_tokens', { model: long.model, messages: long.messages })).json()) as any).input_tokens;
    assert.ok(counted > 2000, `counted ${counted}`);
    h.fake.script(overflow);
    const responses = await errorOf(await post(url, '/v1/messages', long));
    assert.equal(responses.status, 400);
    assert.equal(responses.type, 'invalid_request_error');
    assert.equal(responses.message, `prompt is too long: ${counted} tokens > 2000 maximum`);

    // In a stream, OpenAI may report the overflow as an error event: the same answer.
    h.fake.script({ kind: 'stream_error', afterChunks: [], message: overflow.body.error.message, code: 'context_length_exceeded' });
    const streamed = await post(url, '/v1/messages', { ...long, stream: true });
    const message = streamed.headers.get('content-type')?.includes('json')
      ? (await errorOf(streamed)).message
      : (await sseEvents(streamed)).find((frame) => frame.event === 'error')?.data.error.message;
    assert.equal(message, `prompt is too long: ${counted} tokens > 2000 maximum`);
  } finally {
    await proxy.stop();
  }
  // The default table's gpt-5-codex: M is OpenAI's 272,000; a count under it is raised to M + 1,
  // so that Claude Code still compacts.
  h.fake.script(overflow);
  const big = await errorOf(await post(h.url, '/v1/messages', body('claude-sonnet-4-5')));
  assert.equal(big.message, 'prompt is too long: 272001 tokens > 272000 maximum');
});

test('other upstream statuses map to their Anthropic types', async () => {
  const cases: [number, string][] = [[403, 'permission_error'], [404, 'not_found_error'], [413, 'request_too_large']];
  for (const [status, type] of cases) {
    h.fake.script({ kind: 'error', status });
    const error = await errorOf(await post(h.url, '/v1/messages', body()));
    assert.equal(error.status, status);
    assert.equal(error.type, type);
  }
});

test('a 400 from OpenAI is passed on as invalid_request_error with its message', async () => {
  h.fake.script({ kind: 'error', status: 400, body: { error: { message: 'Invalid value for something.', type: 'invalid_request_error', param: 'x', code: null } } });
  const error = await errorOf(await post(h.url, '/v1/messages', body()));
  assert.equal(error.type, 'invalid_request_error');
  assert.match(error.message, /Invalid value for something/);
});

test('an error after the stream started goes out as an SSE error event', async () => {
  for (const model of ['claude-haiku-4-5', 'claude-sonnet-4-5']) {
    h.fake.script({ kind: 'stream_error', afterChunks: ['partial'], message: 'The server had an error while processing your request.' });
    const response = await post(h.url, '/v1/messages', body(model, { stream: true }));
    assert.equal(response.status, 200);
    const events = await sseEvents(response);
    const last = events.at(-1)!;
    assert.equal(last.event, 'error', model);
    assert.equal(last.data.type, 'error');
    assert.equal(last.data.error.type, 'api_error', model);
    assert.ok(!events.some((e) => e.event === 'message_stop'));
  }
});

test('a stream error saying the server is overloaded -> an overloaded_error event, on both APIs', async () => {
  const cases = [
    { model: 'claude-haiku-4-5', via: undefined, code: 'server_is_overloaded' }, // an error object in a Chat Completions stream
    { model: 'claude-sonnet-4-5', via: 'error' as const, code: 'server_is_overloaded' },
    { model: 'claude-sonnet-4-5', via: 'response.failed' as const, code: undefined }, // said only in the message
  ];
  for (const { model, via, code } of cases) {
    h.fake.script({ kind: 'stream_error', afterChunks: ['partial'], message: 'The server is overloaded, please try again later.', via, code });
    const events = await sseEvents(await post(h.url, '/v1/messages', body(model, { stream: true })));
    const last = events.at(-1)!;
    assert.equal(last.event, 'error', `${model} ${via}`);
    assert.equal(last.data.error.type, 'overloaded_error', `${model} ${via}`);
  }
});

test('a whole answer that timed out after the full upstream timeout is not retried', async () => {
  const own = await startHarness({ upstreamTimeoutMs: 300, retryPolicy: { retries: 2, baseDelayMs: 1 } });
  try {
    own.fake.script({ kind: 'hang' }, { kind: 'hang' }, { kind: 'hang' }); // enough for the retries it must not make
    const error = await errorOf(await post(own.url, '/v1/messages', body()));
    assert.equal(error.status, 504);
    assert.equal(error.type, 'api_error');
    assert.equal(own.fake.requests.length, 1, 'one attempt: retrying would triple the worst case');
  } finally {
    await own.close();
  }
});

test('upstream unreachable -> api_error naming the base URL', async () => {
  const port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port: free } = probe.address() as { port: number };
      probe.close(() => resolve(free));
    });
  });
  const baseURL = `http://127.0.0.1:${port}/v1`;
  const proxy = new ProxyServer({ token: PROXY_TOKEN, openaiApiKey: 'k', openaiBaseUrl: baseURL, routes: testRoutes, port: 0, retryPolicy: { retries: 1, baseDelayMs: 5 } });
  const url = await proxy.start();
  try {
    const error = await errorOf(await post(url, '/v1/messages', body()));
    assert.equal(error.type, 'api_error');
    assert.ok(error.status >= 500);
    assert.ok(error.message.includes(baseURL), error.message);
  } finally {
    await proxy.stop();
  }
});

test('a client that disconnects aborts the upstream request at once', async () => {
  h.fake.script({ kind: 'stall', afterChunks: ['started'] });
  const controller = new AbortController();
  const response = await post(h.url, '/v1/messages', body('claude-haiku-4-5', { stream: true }));
  const reader = response.body!.getReader();
  await reader.read();
  await reader.cancel();
  controller.abort();
  await waitFor(() => h.fake.activeRequests() === 0, 'upstream aborted after the client left', 2000);
  assert.ok(h.fake.requests.at(-1)!.aborted);
});
