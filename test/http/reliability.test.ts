// Who gets in, and how calls end: host and origin checks, idle upstreams, proxy stop with streams
// in flight, fallback routes, slow clients, aborts during a retry wait, 200s that carry errors.
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { after, before, test } from 'node:test';
import { PROXY_TOKEN, post, sseEvents, startHarness, testRoutes, waitFor, type Harness } from '../helpers/harness';

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
    const started = Date.now();
    const events = await sseEvents(await post(quick.url, '/v1/messages', hello('claude-haiku-4-5', { stream: true })));
    assert.ok(Date.now() - started < 3000);
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

test('a fallback route serves when the first fails with 429 or 5xx before the first byte; the log says which', async () => {
  const routes = {
    routes: [
      { name: 'claude-primary', model: 'gpt-5-codex', api: 'responses' as const, fallbacks: ['claude-backup'] },
      { name: 'claude-backup', model: 'gpt-4.1', api: 'chat' as const },
    ],
  };
  const own = await startHarness({ routes, retryPolicy: { retries: 0, baseDelayMs: 1 } });
  try {
    own.fake.script({ kind: 'error', status: 429 }, { kind: 'text', chunks: ['from backup'] });
    const message = await own.anthropic.messages.create({ model: 'claude-primary', max_tokens: 20, messages: [{ role: 'user', content: 'x' }] });
    assert.equal((message.content[0] as any).text, 'from backup');
    assert.deepEqual(own.fake.requests.map((r) => r.path), ['/v1/responses', '/v1/chat/completions']);
    assert.ok(own.logLines.some((line) => /served by fallback route claude-backup \(gpt-4\.1\)/.test(line)));
    assert.equal(own.records.at(-1)!.routeName, 'claude-backup');

    own.fake.script({ kind: 'error', status: 400 });
    const rejected = await post(own.url, '/v1/messages', hello('claude-primary'));
    assert.equal(rejected.status, 400, 'a 4xx does not fall back');
    assert.equal(own.fake.requests.length, 3);
  } finally {
    await own.close();
  }
  assert.throws(() => new (require('../../src/proxy/server/proxy-server').ProxyServer)({ token: 't', openaiApiKey: 'k', routes: { routes: [{ name: 'a', model: 'm', fallbacks: ['nope'] }] } }), /fallbacks\.0: no route is named "nope"/);
});

test('a body that trickles in slowly is timed out', async () => {
  const slow = await startHarness({ requestReadTimeoutMs: 300 });
  try {
    const { port } = new URL(slow.url);
    const socket = connect(Number(port), '127.0.0.1');
    const answer = new Promise<string>((resolve) => {
      let text = '';
      socket.on('data', (chunk) => { text += chunk; });
      socket.on('close', () => resolve(text));
      socket.on('error', () => resolve(text));
    });
    socket.write(`POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${PROXY_TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"mo`);
    const started = Date.now();
    const text = await Promise.race([answer, new Promise<string>((resolve) => setTimeout(() => resolve('TIMEOUT'), 5000))]);
    socket.destroy();
    assert.notEqual(text, 'TIMEOUT');
    assert.ok(Date.now() - started < 4000);
    assert.equal(slow.fake.requests.length, 0);
  } finally {
    await slow.close();
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
