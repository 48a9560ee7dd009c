import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import { test } from 'node:test';
import type OpenAI from 'openai';
import { openAIApis } from '../../../src/proxy/openai/apis';
import type { ChatRequest } from '../../../src/proxy/openai/chat/request';
import { loadOpenAISdk, UpstreamClient } from '../../../src/proxy/transport/client';
import { reuseRequestHeaders } from '../../../src/proxy/transport/sdk-request-headers';
import { withFetchServer } from '../../helpers/fetch-server';

const CHAT_ANSWER = {
  id: 'chatcmpl-1', object: 'chat.completion', created: 1, model: 'gpt-5-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hi.' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
};
const CHAT_CHUNK = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'gpt-5-mini', choices: [{ index: 0, delta: { content: 'Hi.' }, finish_reason: null }] };
const RESPONSE = { id: 'resp_1', object: 'response', status: 'completed', output: [], usage: { input_tokens: 3, output_tokens: 2, total_tokens: 5 } };

interface Seen { url: string; headers: IncomingHttpHeaders }

/** Answers any call the proxy makes, and records what each one carried. */
function answering(seen: Seen[]) {
  return (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, body: string) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    if (JSON.parse(body).stream === true) {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(`data: ${JSON.stringify(CHAT_CHUNK)}\n\ndata: [DONE]\n\n`);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(req.url?.endsWith('/responses') ? RESPONSE : CHAT_ANSWER));
  };
}

/** The calls the proxy makes, in the way it makes them: whole and streamed Chat, whole Responses. */
async function proxyCalls(client: OpenAI): Promise<void> {
  const signal = new AbortController().signal;
  const chatBody: ChatRequest = { model: 'gpt-5-mini', messages: [{ role: 'user', content: 'Hello' }], stream_options: { include_usage: true } };
  for (let round = 0; round < 2; round++) {
    await openAIApis.chat.complete(client, chatBody, signal);
    for await (const _event of await openAIApis.chat.openStream(client, chatBody, signal)) { /* drain */ }
    await openAIApis.responses.complete(client, { model: 'gpt-5-codex', input: 'Hello' }, signal);
  }
}

/** Counts, per client, the calls that reach the SDK's own header builder. */
async function countingSdkHeaderBuilds(): Promise<{ builds: Map<object, number>; restore: () => void }> {
  const prototype = (await loadOpenAISdk()).prototype as unknown as { buildHeaders: (...args: unknown[]) => unknown };
  const original = prototype.buildHeaders;
  const builds = new Map<object, number>();
  prototype.buildHeaders = function (this: object, ...args: unknown[]) {
    builds.set(this, (builds.get(this) ?? 0) + 1);
    return original.apply(this, args);
  };
  return { builds, restore: () => { prototype.buildHeaders = original; } };
}

test('the proxy\'s upstream calls carry exactly the headers the stock SDK sends, built once per kind of call', async () => {
  const { builds, restore } = await countingSdkHeaderBuilds();
  try {
    const stockSeen: Seen[] = [];
    const proxySeen: Seen[] = [];
    let stock: OpenAI | undefined;
    let proxied: OpenAI | undefined;
    await withFetchServer(answering(stockSeen), async (url, fetch) => {
      const OpenAIClass = await loadOpenAISdk();
      stock = new OpenAIClass({ apiKey: 'sk-test-key', baseURL: `${url}/v1`, timeout: 60_000, maxRetries: 0, fetch });
      await proxyCalls(stock);
    });
    await withFetchServer(answering(proxySeen), async (url) => {
      const upstream = new UpstreamClient({ baseURL: `${url}/v1`, apiKey: 'sk-test-key', timeoutMs: 60_000, transport: 'node-http' });
      try {
        proxied = await upstream.get();
        await proxyCalls(proxied);
      } finally {
        await upstream.close('now');
      }
    });

    assert.equal(proxySeen.length, 6);
    assert.deepEqual(proxySeen.map((call) => call.url), stockSeen.map((call) => call.url));
    for (const [i, call] of proxySeen.entries()) {
      const { host: _proxyHost, ...proxyHeaders } = call.headers;
      const { host: _stockHost, ...stockHeaders } = stockSeen[i].headers;
      assert.deepEqual(proxyHeaders, stockHeaders, `call ${i} (${call.url})`);
    }
    assert.equal(proxySeen[0].headers.authorization, 'Bearer sk-test-key');
    assert.equal(proxySeen[0].headers['content-type'], 'application/json');
    assert.match(String(proxySeen[0].headers['user-agent']), /^OpenAI\/JS /);
    // The stock client builds headers for every call; the proxy's once, as all its calls are alike.
    assert.equal(builds.get(stock!), 6);
    assert.equal(builds.get(proxied!), 1);
  } finally {
    restore();
  }
});

/** A call as the proxy makes it: the body already bytes, the content type in one constant object. */
const JSON_CONTENT = { 'content-type': 'application/json' };
const CHAT_BYTES = new TextEncoder().encode(JSON.stringify({ model: 'gpt-5-mini', messages: [{ role: 'user', content: 'Hello' }] }));
function postBytes(client: OpenAI, headers: Record<string, string> = JSON_CONTENT): Promise<unknown> {
  return client.post('/chat/completions', { body: CHAT_BYTES, headers });
}

test('reused headers start over when the key changes, and calls with their own headers get them', async () => {
  const seen: Seen[] = [];
  await withFetchServer(answering(seen), async (url, fetch) => {
    const OpenAIClass = await loadOpenAISdk();
    const client = new OpenAIClass({ apiKey: 'sk-first', baseURL: `${url}/v1`, maxRetries: 0, fetch });
    reuseRequestHeaders(client);
    await postBytes(client);
    client.apiKey = 'sk-second';
    await postBytes(client);
    await postBytes(client, { ...JSON_CONTENT, 'x-extra': 'one' });
    await postBytes(client, { ...JSON_CONTENT, 'x-extra': 'two' });
    await postBytes(client);
    // An object body goes to the SDK's own encoder, which sets the content type itself.
    await client.chat.completions.create({ model: 'gpt-5-mini', messages: [{ role: 'user', content: 'Hello' }] });
  });
  assert.deepEqual(seen.map((call) => call.headers.authorization), ['Bearer sk-first', ...Array(5).fill('Bearer sk-second')]);
  assert.deepEqual(seen.map((call) => call.headers['x-extra']), [undefined, undefined, 'one', 'two', undefined, undefined]);
  assert.deepEqual(seen.map((call) => call.headers['content-type']), Array(6).fill('application/json'));
});

test('a client with an idempotency header is left to the SDK: every call gets its own key', async () => {
  const seen: Seen[] = [];
  await withFetchServer(answering(seen), async (url, fetch) => {
    const OpenAIClass = await loadOpenAISdk();
    const client = new OpenAIClass({ apiKey: 'sk-test', baseURL: `${url}/v1`, maxRetries: 0, fetch });
    (client as unknown as { idempotencyHeader: string }).idempotencyHeader = 'Idempotency-Key';
    reuseRequestHeaders(client);
    await postBytes(client);
    await postBytes(client);
  });
  const keys = seen.map((call) => call.headers['idempotency-key']);
  assert.equal(keys.length, 2);
  assert.ok(keys.every((key) => typeof key === 'string' && key.length > 0), String(keys));
  assert.notEqual(keys[0], keys[1]);
});

test('an SDK client without the methods this replaces is left as it is', async () => {
  const OpenAIClass = await loadOpenAISdk();
  const client = new OpenAIClass({ apiKey: 'sk-test', maxRetries: 0 });
  const internals = client as unknown as Record<string, unknown>;
  internals.buildHeaders = undefined;
  assert.doesNotThrow(() => reuseRequestHeaders(client));
  assert.equal(internals.buildHeaders, undefined);
});
