import assert from 'node:assert/strict';
import { Agent as HttpAgent, createServer } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { createNodeHttpFetch } from '../../../src/proxy/transport/node-http-fetch';
import { withFetchServer } from '../../helpers/fetch-server';
import { collectGarbage } from '../../helpers/gc';

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  assert.fail('expected a rejection');
}

test('node-http-fetch sends method, headers and a string or byte body, and returns status, headers and body', async () => {
  await withFetchServer((req, res, body) => {
    res.writeHead(201, { 'content-type': 'application/json', 'x-request-id': 'req_1', 'set-cookie': ['a=1', 'b=2'] });
    res.end(JSON.stringify({ method: req.method, url: req.url, auth: req.headers.authorization, length: req.headers['content-length'], body }));
  }, async (url, fetch) => {
    for (const body of ['{"text":"héllo → wörld"}', new TextEncoder().encode('{"text":"héllo → wörld"}')]) {
      const response = await fetch(`${url}/v1/chat/completions?x=1`, { method: 'post', headers: new Headers({ Authorization: 'Bearer k', 'Content-Type': 'application/json' }), body });
      assert.equal(response.status, 201);
      assert.equal(response.ok, true);
      assert.equal(response.headers.get('x-request-id'), 'req_1');
      assert.equal(response.headers.get('content-type'), 'application/json');
      assert.equal(response.url, `${url}/v1/chat/completions?x=1`);
      const echoed = await response.json() as Record<string, string>;
      assert.deepEqual(echoed, { method: 'POST', url: '/v1/chat/completions?x=1', auth: 'Bearer k', length: String(Buffer.byteLength('{"text":"héllo → wörld"}')), body: '{"text":"héllo → wörld"}' });
    }
    // Plain-object headers and no body.
    const response = await fetch(url, { headers: { 'X-A': 'b' } });
    assert.equal((await response.json() as { method: string }).method, 'GET');
  });
});

test('node-http-fetch reuses its keep-alive connection', async () => {
  await withFetchServer((_req, res) => res.end('ok'), async (url, fetch, sockets) => {
    for (let i = 0; i < 5; i++) assert.equal(await (await fetch(url, { method: 'POST', body: 'x' })).text(), 'ok');
    assert.equal(sockets.size, 1);
  });
});

test('node-http-fetch delivers each chunk of a streamed body as it arrives', async () => {
  let send: ((text: string) => void) | undefined;
  let end: (() => void) | undefined;
  await withFetchServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.flushHeaders();
    send = (text) => res.write(text);
    end = () => res.end();
  }, async (url, fetch) => {
    const response = await fetch(url, { method: 'POST', body: '{}' });
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    for (const text of ['data: 1\n\n', 'data: 2\n\n', 'data: 3\n\n']) {
      send!(text);
      const { value, done } = await reader.read();
      assert.equal(done, false);
      assert.equal(decoder.decode(value), text);
    }
    end!();
    assert.equal((await reader.read()).done, true);
  });
});

test('node-http-fetch decompresses a gzip answer and follows a redirect', async () => {
  await withFetchServer((req, res) => {
    if (req.url === '/old') {
      res.writeHead(307, { location: '/new' });
      res.end();
      return;
    }
    res.writeHead(200, { 'content-encoding': 'gzip' });
    res.end(gzipSync(`moved ${req.method}`));
  }, async (url, fetch) => {
    const response = await fetch(`${url}/old`, { method: 'POST', body: 'x' });
    assert.equal(await response.text(), 'moved POST');
    assert.equal(response.redirected, true);
  });
});

test('node-http-fetch: an unreachable server is TypeError "fetch failed" with the socket error as cause', async () => {
  const fetch = createNodeHttpFetch({ http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) });
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  const error = await rejection(fetch(`http://127.0.0.1:${port}/v1`, { method: 'POST', body: '{}' }));
  assert.ok(error instanceof TypeError);
  assert.equal(error.message, 'fetch failed');
  assert.equal((error.cause as { code?: string }).code, 'ECONNREFUSED');
});

test('node-http-fetch honours the AbortSignal before sending, while waiting for the headers, and while streaming', async () => {
  let requests = 0;
  await withFetchServer((req, res) => {
    requests++;
    if (req.url === '/stream') {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: 1\n\n');
    }
    // /slow: never answers.
  }, async (url, fetch, sockets) => {
    const before = new AbortController();
    before.abort();
    const early = await rejection(fetch(`${url}/slow`, { signal: before.signal }));
    assert.equal(early.name, 'AbortError');
    assert.equal(requests, 0);

    const waiting = new AbortController();
    const pending = fetch(`${url}/slow`, { method: 'POST', body: '{}', signal: waiting.signal });
    while (requests < 1) await new Promise((resolve) => setTimeout(resolve, 5));
    // /slow never answers: the call ends only by the abort.
    waiting.abort();
    const error = await rejection(pending);
    assert.equal(error.name, 'AbortError');
    const deadline = Date.now() + 1000;
    while (sockets.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(sockets.size, 0, 'the connection of the aborted call is closed');

    const streaming = new AbortController();
    const response = await fetch(`${url}/stream`, { method: 'POST', body: '{}', signal: streaming.signal });
    const reader = response.body!.getReader();
    assert.equal(new TextDecoder().decode((await reader.read()).value), 'data: 1\n\n');
    const next = reader.read();
    streaming.abort();
    const streamError = await rejection(next);
    assert.equal(streamError.name, 'AbortError');
    while (sockets.size > 0 && Date.now() < deadline + 1000) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(sockets.size, 0, 'the connection of the aborted stream is closed');
  });
});

test('node-http-fetch: a body cut short (reset, or a clean close before its end) errors the stream', async () => {
  await withFetchServer((req, res) => {
    res.writeHead(200, req.url === '/length' ? { 'content-length': '100' } : { 'content-type': 'text/event-stream' });
    res.write('data: 1\n\n');
    setTimeout(() => (req.url === '/reset' ? res.socket?.resetAndDestroy() : res.socket?.end()), 20);
  }, async (url, fetch) => {
    for (const path of ['/reset', '/close', '/length']) {
      const response = await fetch(`${url}${path}`, { method: 'POST', body: '{}' });
      const error = await rejection(response.text());
      assert.ok(error instanceof TypeError, `${path}: ${error}`);
      assert.equal(error.message, 'terminated', path);
    }
  });
});

test('node-http-fetch cancels the request when the body is cancelled', async () => {
  await withFetchServer((_req, res) => {
    res.writeHead(200);
    res.write('x');
  }, async (url, fetch, sockets) => {
    const response = await fetch(url, { method: 'POST', body: '{}' });
    await response.body!.cancel();
    const deadline = Date.now() + 1000;
    while (sockets.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(sockets.size, 0);
  });
});

test('the request body is let go once the answer has started: a long stream does not hold it', async () => {
  let finish: (() => void) | undefined;
  await withFetchServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('data: first\n\n');
    finish = () => res.end('data: last\n\n');
  }, async (url, fetch) => {
    let body: Uint8Array | undefined = new Uint8Array(200_000).fill(0x61);
    const watched = new WeakRef(body);
    const response = await fetch(`${url}/stream`, { method: 'POST', body });
    // Dropped so that only the fetch could still hold it (the WeakRef tells); the rule sees no later read.
    // eslint-disable-next-line no-useless-assignment
    body = undefined;
    const reader = response.body!.getReader();
    const first = await reader.read();
    assert.match(Buffer.from(first.value).toString(), /first/);
    await collectGarbage();
    assert.equal(watched.deref(), undefined, 'the 200 KB request body is still held while the answer streams');
    finish!();
    let rest = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      rest += Buffer.from(value).toString();
    }
    assert.match(rest, /last/);
  });
});
