// Who gets in, and how calls end: host and origin checks, idle upstreams, proxy stop with streams
// in flight, fallback routes, slow clients, aborts during a retry wait, 200s that carry errors.
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { ProxyServer } from '../../src/proxy/server/proxy-server';
import { PROXY_TOKEN, post, sseEvents, startHarness, testRoutes, waitFor, type Harness } from '../helpers/harness';
import { openRawConnection } from '../helpers/raw-connection';

let h: Harness;
before(async () => { h = await startHarness(); });
after(async () => { await h.close(); });

const hello = (model = 'claude-haiku-4-5', extra: Record<string, unknown> = {}) => ({ model, max_tokens: 50, messages: [{ role: 'user', content: 'hi' }], ...extra });

function rawRequest(url: string, options: { method: string; path: string; headers: Record<string, string>; body?: string }): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method: options.method, path: options.path, headers: options.headers }, (res) => {
      let body = '';
      res.on('data', (chunk) => { body += chunk; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

test('a Host header that is not a loopback name is refused (DNS rebinding)', async () => {
  const before = h.fake.requests.length;
  const body = JSON.stringify(hello());
  const refused = await rawRequest(h.url, { method: 'POST', path: '/v1/messages', headers: { host: 'evil.example:4000', authorization: `Bearer ${PROXY_TOKEN}`, 'content-type': 'application/json' }, body });
  assert.equal(refused.status, 403);
  assert.equal(JSON.parse(refused.body).error.type, 'permission_error');
  assert.equal(h.fake.requests.length, before);
  for (const host of ['localhost:1234', '127.0.0.1', '[::1]:80']) {
    const ok = await rawRequest(h.url, { method: 'GET', path: '/health', headers: { host } });
    assert.equal(ok.status, 200, host);
  }
});

test('no CORS: preflights are refused, requests with an Origin are refused, no CORS headers ever', async () => {
  const preflight = await rawRequest(h.url, { method: 'OPTIONS', path: '/v1/messages', headers: { host: '127.0.0.1', origin: 'https://example.com', 'access-control-request-method': 'POST' } });
  assert.ok(preflight.status >= 400);
  assert.ok(!Object.keys(preflight.headers).some((name) => name.startsWith('access-control-')));
  const fromPage = await rawRequest(h.url, { method: 'POST', path: '/v1/messages', headers: { host: '127.0.0.1', origin: 'https://example.com', authorization: `Bearer ${PROXY_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(hello()) });
  assert.equal(fromPage.status, 403);
  assert.ok(!Object.keys(fromPage.headers).some((name) => name.startsWith('access-control-')));
});

test('an upstream that stalls mid-stream ends with an SSE error event after the idle timeout', async () => {
  const quick = await startHarness({ idleTimeoutMs: 300 });
  try {
    quick.fake.script({ kind: 'stall', afterChunks: ['partial '] });
    // The stall never ends: without the idle timeout this never returns (the test's timeout fails it).
    const events = await sseEvents(await post(quick.url, '/v1/messages', hello('claude-haiku-4-5', { stream: true })));
    const last = events.at(-1)!;
    assert.equal(last.event, 'error');
    assert.match(last.data.error.message, /sent nothing for too long/);
    await waitFor(() => quick.fake.activeRequests() === 0, 'stalled upstream call aborted');
  } finally {
    await quick.close();
  }
});

test('an upstream that never answers headers is timed out too, as a JSON error', async () => {
  const quick = await startHarness({ idleTimeoutMs: 300 });
  try {
    quick.fake.script({ kind: 'hang' }, { kind: 'hang' }, { kind: 'hang' });
    const response = await post(quick.url, '/v1/messages', hello('claude-haiku-4-5', { stream: true }));
    assert.equal(response.status, 504);
    assert.equal((await response.json() as any).error.type, 'api_error');
  } finally {
    await quick.close();
  }
});

test('stopping the proxy with streams in flight ends each with an error event, never a hang', async () => {
  const own = await startHarness();
  try {
    own.fake.script({ kind: 'stall', afterChunks: ['a'] }, { kind: 'stall', afterChunks: ['b'] });
    const streams = [post(own.url, '/v1/messages', hello('claude-haiku-4-5', { stream: true })), post(own.url, '/v1/messages', hello('claude-sonnet-4-5', { stream: true }))];
    const responses = await Promise.all(streams);
    await waitFor(() => own.fake.activeRequests() === 2, 'both streams open upstream');
    const stopped = own.proxy.stop();
    const all = await Promise.all(responses.map((response) => sseEvents(response)));
    await stopped;
    for (const events of all) {
      assert.equal(events.at(-1)!.event, 'error');
      assert.match(events.at(-1)!.data.error.message, /proxy was stopped/);
    }
    await waitFor(() => own.fake.activeRequests() === 0, 'upstream calls aborted');
  } finally {
    await own.close();
  }
});

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

test('restarting the proxy on the same port with streams in flight ends each with an error event; the new instance serves', async () => {
  const port = await freePort();
  const own = await startHarness({ port });
  let next: ProxyServer | undefined;
  try {
    own.fake.script({ kind: 'stall', afterChunks: ['a'] }, { kind: 'stall', afterChunks: ['b'] }, { kind: 'stall', afterChunks: ['c'] });
    const responses = await Promise.all(['claude-haiku-4-5', 'claude-sonnet-4-5', 'claude-haiku-4-5'].map((model) => post(own.url, '/v1/messages', hello(model, { stream: true }))));
    await waitFor(() => own.fake.activeRequests() === 3, 'three streams open upstream');
    const ended = Promise.all(responses.map((response) => sseEvents(response)));

    // What the extension's restart does: stop this server, start a new one on the same port.
    await own.proxy.stop();
    next = new ProxyServer({ token: PROXY_TOKEN, openaiApiKey: own.fake.apiKey, openaiBaseUrl: own.fake.url, routes: testRoutes, port, retryPolicy: { retries: 0, baseDelayMs: 1 } });
    assert.equal(await next.start(), own.url, 'the same port again');

    const all = await Promise.race([ended, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('a stream hung across the restart')), 5000))]);
    for (const events of all) {
      assert.equal(events[0].event, 'message_start');
      assert.equal(events.at(-1)!.event, 'error');
      assert.equal(events.at(-1)!.data.type, 'error');
      assert.equal(events.at(-1)!.data.error.type, 'api_error');
      assert.match(events.at(-1)!.data.error.message, /proxy was stopped/);
      assert.equal(events.filter((e) => e.event === 'message_stop').length, 0);
    }
    await waitFor(() => own.fake.activeRequests() === 0, 'upstream calls aborted');
    assert.equal(own.records.filter((r) => r.outcome === 'stream error: api_error').length, 3, 'each stopped stream is in the log');

    // The new instance serves, streamed and not.
    own.fake.script({ kind: 'text', chunks: ['after ', 'restart'] }, { kind: 'text', chunks: ['streamed ', 'too'] });
    const whole = await post(own.url, '/v1/messages', hello());
    assert.equal(((await whole.json()) as any).content[0].text, 'after restart');
    const streamed = await sseEvents(await post(own.url, '/v1/messages', hello('claude-sonnet-4-5', { stream: true })));
    assert.equal(streamed.at(-1)!.event, 'message_stop');

    // The same instance can be started again too, once the port is free.
    await next.stop();
    assert.equal(await own.proxy.start(), own.url);
    own.fake.script({ kind: 'text', chunks: ['same instance'] });
    assert.equal(((await (await post(own.url, '/v1/messages', hello())).json()) as any).content[0].text, 'same instance');
  } finally {
    await next?.stop();
    await own.close();
  }
});

test('a fallback route serves when the first fails with 429, 5xx or a timeout before the first byte; the log says which', async () => {
  const routes = {
    routes: [
      { name: 'claude-primary', model: 'gpt-5-codex', api: 'responses' as const, fallbacks: ['claude-backup'] },
      { name: 'claude-backup', model: 'gpt-4.1', api: 'chat' as const },
    ],
  };
  // Short limits so that the timeout cases take a fraction of a second: the idle timeout for
  // streams (it covers waiting for the headers), the whole-call timeout for whole answers.
  const own = await startHarness({ routes, retryPolicy: { retries: 0, baseDelayMs: 1 }, idleTimeoutMs: 300, upstreamTimeoutMs: 400 });
  const servedBy = (from: number) => own.logLines.slice(from).filter((line) => /served by fallback route/.test(line));
  try {
    for (const status of [429, 500, 503]) {
      const calls = own.fake.requests.length;
      const lines = own.logLines.length;
      own.fake.script({ kind: 'error', status }, { kind: 'text', chunks: ['from backup'] });
      const message = await own.anthropic.messages.create({ model: 'claude-primary', max_tokens: 20, messages: [{ role: 'user', content: 'x' }] });
      assert.equal((message.content[0] as any).text, 'from backup', `after a ${status}`);
      assert.deepEqual(own.fake.requests.slice(calls).map((r) => r.path), ['/v1/responses', '/v1/chat/completions'], `after a ${status}`);
      assert.deepEqual(servedBy(lines), [`request ${own.records.at(-1)!.id}: served by fallback route claude-backup (gpt-4.1)`]);
      assert.equal(own.records.at(-1)!.routeName, 'claude-backup');
    }

    // A stream whose first route never sends its headers: the idle timeout ends that attempt
    // only, and the fallback gets a live signal of its own (it used to inherit the aborted one).
    let lines = own.logLines.length;
    let calls = own.fake.requests.length;
    own.fake.script({ kind: 'hang' }, { kind: 'text', chunks: ['from backup ', 'after a timeout'] });
    const events = await sseEvents(await post(own.url, '/v1/messages', hello('claude-primary', { stream: true })));
    assert.equal(events.at(-1)!.event, 'message_stop', JSON.stringify(events.at(-1)));
    assert.equal(events.filter((e) => e.event === 'content_block_delta').map((e) => e.data.delta.text).join(''), 'from backup after a timeout');
    assert.deepEqual(own.fake.requests.slice(calls).map((r) => r.path), ['/v1/responses', '/v1/chat/completions']);
    await waitFor(() => own.fake.requests[calls].aborted, 'the timed-out attempt was aborted upstream');
    assert.ok(own.logLines.slice(lines).some((line) => /claude-primary \(gpt-5-codex\) failed \(sent nothing for too long\); falling back to claude-backup/.test(line)));
    assert.equal(servedBy(lines).length, 1);
    let record = own.records.at(-1)!;
    assert.equal(record.routeName, 'claude-backup');
    assert.equal(record.openaiModel, 'gpt-4.1');
    assert.equal(record.status, 200);
    assert.equal(record.outcome, undefined);
    assert.ok(own.logLines.slice(lines).some((line) => /claude-primary -> gpt-4\.1 \(chat, stream\) 200 /.test(line)), 'the request line names the route that served');

    // A whole answer whose first route times out (the whole-call timeout) falls back too.
    lines = own.logLines.length;
    calls = own.fake.requests.length;
    own.fake.script({ kind: 'hang' }, { kind: 'text', chunks: ['whole from backup'] });
    const whole = await post(own.url, '/v1/messages', hello('claude-primary'));
    assert.equal(whole.status, 200);
    assert.equal(((await whole.json()) as any).content[0].text, 'whole from backup');
    assert.equal(servedBy(lines).length, 1);
    assert.equal(own.records.at(-1)!.routeName, 'claude-backup');

    // Every route times out: the error names the last route tried, not the first.
    lines = own.logLines.length;
    own.fake.script({ kind: 'hang' }, { kind: 'hang' });
    const failed = await post(own.url, '/v1/messages', hello('claude-primary', { stream: true }));
    assert.equal(failed.status, 504);
    const error = ((await failed.json()) as any).error;
    assert.equal(error.type, 'api_error');
    assert.match(error.message, /OpenAI \(gpt-4\.1 at /);
    assert.deepEqual(servedBy(lines), [], 'no fallback claimed to serve');
    record = own.records.at(-1)!;
    assert.equal(record.routeName, 'claude-backup');
    assert.equal(record.status, 504);

    calls = own.fake.requests.length;
    own.fake.script({ kind: 'error', status: 400 });
    const rejected = await post(own.url, '/v1/messages', hello('claude-primary'));
    assert.equal(rejected.status, 400, 'a 4xx does not fall back');
    assert.equal(own.fake.requests.length, calls + 1);
  } finally {
    await own.close();
  }
  assert.throws(() => new ProxyServer({ token: 't', openaiApiKey: 'k', routes: { routes: [{ name: 'a', model: 'm', fallbacks: ['nope'] }] } }), /fallbacks\.0: no route is named "nope"/);
});

/** Opens a raw connection to the proxy, writes `head`, then `drip` every 100 ms until the proxy
 *  closes the connection; returns what came back. The drip never stops, so only the read timeout
 *  ends it: the bound (30 s, 'TIMEOUT') is for a missing timeout, not a measure of speed. */
async function trickle(url: string, head: string, drip: string): Promise<{ text: string }> {
  const connection = openRawConnection(url);
  connection.socket.write(head);
  const dripper = setInterval(() => { if (!connection.closed()) connection.socket.write(drip); }, 100);
  const text = await connection.reply(30_000);
  clearInterval(dripper);
  return { text };
}

/** The Anthropic error in a raw HTTP answer, with its status line. */
function rawAnthropicError(text: string): { status: number; type: string; message: string } {
  const status = Number(/^HTTP\/1\.1 (\d{3}) /.exec(text)?.[1]);
  const body = JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4));
  assert.equal(body.type, 'error', text);
  return { status, type: body.error.type, message: body.error.message };
}

test('a body that trickles in slowly is timed out', async () => {
  const slow = await startHarness({ requestReadTimeoutMs: 300 });
  try {
    const head = `POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${PROXY_TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"mo`;
    const { text } = await trickle(slow.url, head, ' ');
    assert.notEqual(text, 'TIMEOUT');
    const error = rawAnthropicError(text);
    assert.equal(error.status, 408);
    assert.equal(error.type, 'timeout_error');
    assert.equal(slow.fake.requests.length, 0);
    await waitFor(() => slow.records.length === 1, 'the request is in the log');
    assert.equal(slow.records[0].status, 408);
    assert.equal(slow.records[0].outcome, 'timeout_error');
  } finally {
    await slow.close();
  }
});

test('headers that trickle in slowly are timed out with an Anthropic error', async () => {
  const slow = await startHarness({ requestReadTimeoutMs: 300 });
  try {
    // A header line every 100 ms, never the blank line that ends them (slowloris).
    const { text } = await trickle(slow.url, 'POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\n', 'X-Slow: 1\r\n');
    assert.notEqual(text, 'TIMEOUT', 'the connection was never closed');
    const error = rawAnthropicError(text);
    assert.equal(error.status, 408);
    assert.equal(error.type, 'timeout_error');
    assert.match(text, /\r\ncontent-type: application\/json\r\n/i);
    assert.equal(slow.fake.requests.length, 0);
    assert.ok(slow.logLines.some((line) => /did not send its request within the read timeout/.test(line)));
    // The proxy still serves.
    assert.equal((await post(slow.url, '/v1/messages', hello())).status, 200);
  } finally {
    await slow.close();
  }
});

test('new upstream settings while a request waits to retry: its retry still goes out on its own connection pool', async () => {
  const own = await startHarness({ retryPolicy: { retries: 1, baseDelayMs: 300 } });
  try {
    own.fake.script({ kind: 'error', status: 500 }, { kind: 'text', chunks: ['retried'] });
    const pending = post(own.url, '/v1/messages', hello());
    await waitFor(() => own.fake.requests.length === 1, 'first attempt');
    // A new upstream timeout means a new upstream client; the old one's pool is closed only once
    // no request can still use it (closing it at once failed this retry).
    own.proxy.reconfigure({ upstreamTimeoutMs: 60_000 });
    const response = await pending;
    assert.equal(response.status, 200, await response.clone().text());
    assert.equal(((await response.json()) as any).content[0].text, 'retried');
    assert.equal(own.fake.requests.length, 2);
    // Later requests use the new client.
    assert.equal((await post(own.url, '/v1/messages', hello())).status, 200);
  } finally {
    await own.close();
  }
});

test('a client that leaves during a retry wait stops the retries', async () => {
  const own = await startHarness({ retryPolicy: { retries: 2, baseDelayMs: 800 } });
  try {
    own.fake.script({ kind: 'error', status: 500 }, { kind: 'text', chunks: ['late'] });
    const controller = new AbortController();
    const pending = fetch(`${own.url}/v1/messages`, { method: 'POST', signal: controller.signal, headers: { authorization: `Bearer ${PROXY_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(hello()) }).catch(() => undefined);
    await waitFor(() => own.fake.requests.length === 1, 'first attempt');
    controller.abort();
    await pending;
    await new Promise((resolve) => setTimeout(resolve, 1200));
    assert.equal(own.fake.requests.length, 1, 'no retry after the client left');
    await waitFor(() => own.records.length === 1, 'request recorded');
    assert.equal(own.records[0].outcome, 'client closed');
  } finally {
    own.fake.script();
    await own.close();
  }
});

test('a 200 whose body is an error becomes an api_error', async () => {
  h.fake.script({ kind: 'error', status: 200, body: { error: { message: 'Upstream provider failed', code: 'provider_error' } } });
  const response = await post(h.url, '/v1/messages', hello());
  const body = await response.json() as any;
  assert.equal(body.type, 'error');
  assert.equal(body.error.type, 'api_error');
  assert.match(body.error.message, /Upstream provider failed/);
});
