// The proxy calls OpenAI through the SDK's public `post` with a bytes body (apis.ts): the server
// must still receive the headers the stock SDK sends from its own typed methods (auth,
// User-Agent, X-Stainless-*), on every kind of call the proxy makes and over both transports.
import assert from 'node:assert/strict';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { test } from 'node:test';
import type OpenAI from 'openai';
import { openAIApis } from '../../../src/proxy/openai/apis';
import { loadOpenAISdk, UpstreamClient, type UpstreamTransport } from '../../../src/proxy/transport/client';
import { withFetchServer } from '../../helpers/fetch-server';

const CHAT_ANSWER = {
  id: 'chatcmpl-1', object: 'chat.completion', created: 1, model: 'gpt-5-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hi.' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
};
const CHAT_CHUNK = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'gpt-5-mini', choices: [{ index: 0, delta: { content: 'Hi.' }, finish_reason: null }] };
const RESPONSE = { id: 'resp_1', object: 'response', status: 'completed', output: [], usage: { input_tokens: 3, output_tokens: 2, total_tokens: 5 } };
const RESPONSE_DONE = { type: 'response.completed', sequence_number: 1, response: RESPONSE };

interface Seen { url: string; headers: IncomingHttpHeaders }

/** Answers any call the proxy makes, and records what each one carried. */
function answering(seen: Seen[]) {
  return (req: IncomingMessage, res: ServerResponse, body: string) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    const responses = req.url?.endsWith('/responses') ?? false;
    if (JSON.parse(body).stream === true) {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(responses
        ? `event: response.completed\ndata: ${JSON.stringify(RESPONSE_DONE)}\n\n`
        : `data: ${JSON.stringify(CHAT_CHUNK)}\n\ndata: [DONE]\n\n`);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(responses ? RESPONSE : CHAT_ANSWER));
  };
}

const CHAT_BODY = { model: 'gpt-5-mini', messages: [{ role: 'user' as const, content: 'Hello' }] };
const RESPONSES_BODY = { model: 'gpt-5-codex', input: 'Hello' };
const KINDS = ['chat whole', 'chat streamed', 'responses whole', 'responses streamed'];

/** Every kind of call the proxy makes, the way it makes them. */
async function proxyCalls(client: OpenAI): Promise<void> {
  const signal = new AbortController().signal;
  await openAIApis.chat.complete(client, { ...CHAT_BODY, stream_options: { include_usage: true } }, signal);
  for await (const _event of await openAIApis.chat.openStream(client, { ...CHAT_BODY, stream_options: { include_usage: true } }, signal)) { /* drain */ }
  await openAIApis.responses.complete(client, RESPONSES_BODY, signal);
  for await (const _event of await openAIApis.responses.openStream(client, RESPONSES_BODY, signal)) { /* drain */ }
}

/** The same calls through the stock SDK's typed methods. */
async function stockCalls(client: OpenAI): Promise<void> {
  await client.chat.completions.create({ ...CHAT_BODY, stream: false });
  for await (const _chunk of await client.chat.completions.create({ ...CHAT_BODY, stream: true, stream_options: { include_usage: true } })) { /* drain */ }
  await client.responses.create({ ...RESPONSES_BODY, stream: false });
  for await (const _event of await client.responses.create({ ...RESPONSES_BODY, stream: true })) { /* drain */ }
}

/** The headers the SDK itself sets (a transport adds its own: host, connection, accept-encoding...). */
function sdkHeaders(headers: IncomingHttpHeaders): Record<string, unknown> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) =>
    name.startsWith('x-stainless-') || ['authorization', 'user-agent', 'content-type', 'accept', 'openai-organization', 'openai-project'].includes(name)));
}

async function seenFromStock(): Promise<Seen[]> {
  const seen: Seen[] = [];
  await withFetchServer(answering(seen), async (url, fetch) => {
    const OpenAIClass = await loadOpenAISdk();
    await stockCalls(new OpenAIClass({ apiKey: 'sk-test-key', baseURL: `${url}/v1`, timeout: 60_000, maxRetries: 0, fetch }));
  });
  return seen;
}

async function seenFromProxy(transport: UpstreamTransport): Promise<Seen[]> {
  const seen: Seen[] = [];
  await withFetchServer(answering(seen), async (url) => {
    const upstream = new UpstreamClient({ baseURL: `${url}/v1`, apiKey: 'sk-test-key', timeoutMs: 60_000, transport });
    try {
      await proxyCalls(await upstream.get());
    } finally {
      await upstream.close('now');
    }
  });
  return seen;
}

for (const transport of ['node-http', 'fetch'] as const) {
  test(`over ${transport}, every kind of upstream call carries the headers of the stock SDK's own methods`, async () => {
    const stock = await seenFromStock();
    const proxy = await seenFromProxy(transport);
    assert.deepEqual(proxy.map((call) => call.url), ['/v1/chat/completions', '/v1/chat/completions', '/v1/responses', '/v1/responses']);
    assert.deepEqual(proxy.map((call) => call.url), stock.map((call) => call.url));
    for (const [i, call] of proxy.entries()) {
      assert.deepEqual(sdkHeaders(call.headers), sdkHeaders(stock[i].headers), KINDS[i]);
      const headers = call.headers;
      assert.equal(headers.authorization, 'Bearer sk-test-key', KINDS[i]);
      assert.equal(headers['content-type'], 'application/json', KINDS[i]);
      assert.match(String(headers['user-agent']), /^OpenAI\/JS 7\./, KINDS[i]);
      assert.match(String(headers['x-stainless-package-version']), /^7\./, KINDS[i]);
      assert.equal(headers['x-stainless-lang'], 'js', KINDS[i]);
      assert.equal(headers['x-stainless-runtime'], 'node', KINDS[i]);
      assert.equal(headers['x-stainless-retry-count'], '0', KINDS[i]);
    }
    // Over the proxy's own connections, nothing else differs but the port in Host.
    if (transport === 'node-http') {
      for (const [i, call] of proxy.entries()) {
        const { host: _proxyHost, ...proxyHeaders } = call.headers;
        const { host: _stockHost, ...stockHeaders } = stock[i].headers;
        assert.deepEqual(proxyHeaders, stockHeaders, KINDS[i]);
      }
    }
  });
}
