// Each kind of provider gets the SDK client that speaks its dialect, seen from a real HTTP server
// that records what arrives: OpenAI's bearer key, a compatible server's extra headers, Azure's
// api-key header, api-version and deployment URLs (AzureOpenAI), or Azure's v1 URL.
import assert from 'node:assert/strict';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { test } from 'node:test';
import { openAIApis } from '../../../src/proxy/openai/apis';
import { parseRouteTable } from '../../../src/proxy/routing/table';
import { Upstreams } from '../../../src/proxy/server/upstreams';
import { UpstreamClient, type UpstreamSettings } from '../../../src/proxy/transport/client';
import { withFetchServer } from '../../helpers/fetch-server';

interface Seen { url: string; headers: IncomingHttpHeaders; body: { model?: string } }

const CHAT_ANSWER = {
  id: 'chatcmpl-1', object: 'chat.completion', created: 1, model: 'm',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hi.' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
};
const RESPONSE = { id: 'resp_1', object: 'response', status: 'completed', output: [], usage: { input_tokens: 3, output_tokens: 2, total_tokens: 5 } };

function recording(seen: Seen[]) {
  return (req: IncomingMessage, res: ServerResponse, body: string) => {
    seen.push({ url: req.url ?? '', headers: req.headers, body: JSON.parse(body) });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(req.url?.split('?')[0].endsWith('/responses') ? RESPONSE : CHAT_ANSWER));
  };
}

/** A chat call and a Responses call to `model` through a client made from `settings`, as the proxy makes them. */
async function callsThrough(settings: (url: string) => Omit<UpstreamSettings, 'timeoutMs'>, model: string): Promise<Seen[]> {
  const seen: Seen[] = [];
  await withFetchServer(recording(seen), async (url) => {
    const upstream = new UpstreamClient({ ...settings(url), timeoutMs: 30_000 });
    try {
      const client = await upstream.get(model);
      const signal = new AbortController().signal;
      await openAIApis.chat.complete(client, { model, messages: [{ role: 'user', content: 'Hello' }] }, signal);
      await openAIApis.responses.complete(client, { model, input: 'Hello' }, signal);
    } finally {
      await upstream.close('now');
    }
  });
  return seen;
}

test('openai and compatible: the key as a bearer token, and a compatible provider\'s extra headers on every call', async () => {
  const headers = { 'HTTP-Referer': 'https://example.com/claude-proxy', 'X-Title': 'Claude Proxy' };
  const seen = await callsThrough((url) => ({ kind: 'compatible', baseURL: `${url}/api/v1`, apiKey: 'sk-or-test-key-1234', headers }), 'openai/gpt-5-mini');
  assert.deepEqual(seen.map((call) => call.url), ['/api/v1/chat/completions', '/api/v1/responses']);
  for (const call of seen) {
    assert.equal(call.headers.authorization, 'Bearer sk-or-test-key-1234');
    assert.equal(call.headers['http-referer'], 'https://example.com/claude-proxy');
    assert.equal(call.headers['x-title'], 'Claude Proxy');
    assert.equal(call.headers['api-key'], undefined);
    assert.equal(call.body.model, 'openai/gpt-5-mini');
  }
});

for (const path of ['', '/openai']) {
  test(`azure deployment URLs (baseURL "…${path}"): AzureOpenAI, the key in api-key, the api-version, the deployment in the path`, async () => {
    const seen = await callsThrough((url) => ({ kind: 'azure', baseURL: `${url}${path}`, apiKey: 'azure-test-key-5678', apiVersion: '2025-04-01-preview' }), 'my-gpt5-deployment');
    assert.deepEqual(seen.map((call) => call.url), [
      '/openai/deployments/my-gpt5-deployment/chat/completions?api-version=2025-04-01-preview',
      // Azure's Responses API takes the deployment as the model, not in the path.
      '/openai/responses?api-version=2025-04-01-preview',
    ]);
    for (const call of seen) {
      assert.equal(call.headers['api-key'], 'azure-test-key-5678');
      assert.equal(call.headers.authorization, undefined, 'no bearer token besides the api-key');
      assert.equal(call.body.model, 'my-gpt5-deployment');
    }
  });
}

test('azure v1 URL without an apiVersion: no api-version, the key in api-key, the deployment as the model', async () => {
  const seen = await callsThrough((url) => ({ kind: 'azure', baseURL: `${url}/openai/v1`, apiKey: 'azure-test-key-5678' }), 'my-deployment');
  assert.deepEqual(seen.map((call) => call.url), ['/openai/v1/chat/completions', '/openai/v1/responses']);
  for (const call of seen) {
    assert.equal(call.headers['api-key'], 'azure-test-key-5678');
    assert.equal(call.headers.authorization, undefined);
    assert.equal(call.body.model, 'my-deployment');
  }
});

test('azure v1 URL with an apiVersion (e.g. "preview"): AzureOpenAI, which keeps the v1 paths', async () => {
  const seen = await callsThrough((url) => ({ kind: 'azure', baseURL: `${url}/openai/v1`, apiKey: 'azure-test-key-5678', apiVersion: 'preview' }), 'my-deployment');
  assert.deepEqual(seen.map((call) => call.url), ['/openai/v1/chat/completions?api-version=preview', '/openai/v1/responses?api-version=preview']);
  for (const call of seen) assert.equal(call.headers['api-key'], 'azure-test-key-5678');
});

test('two Azure deployments of one provider share its connections', async () => {
  const seen: Seen[] = [];
  await withFetchServer(recording(seen), async (url, _fetch, sockets) => {
    const upstream = new UpstreamClient({ kind: 'azure', baseURL: url, apiKey: 'azure-test-key-5678', apiVersion: '2025-04-01-preview', timeoutMs: 30_000 });
    try {
      const signal = new AbortController().signal;
      for (const model of ['deployment-a', 'deployment-b', 'deployment-a']) {
        await openAIApis.chat.complete(await upstream.get(model), { model, messages: [{ role: 'user', content: 'Hello' }] }, signal);
      }
      assert.equal(sockets.size, 1, 'one keep-alive connection served both deployments');
    } finally {
      await upstream.close('now');
    }
  });
  assert.deepEqual(seen.map((call) => call.url.split('?')[0]), [
    '/openai/deployments/deployment-a/chat/completions', '/openai/deployments/deployment-b/chat/completions', '/openai/deployments/deployment-a/chat/completions',
  ]);
});

test('a reconfigure keeps the client of each provider whose settings did not change, and retires the others', () => {
  const providers = (referer: string) => parseRouteTable({
    providers: [
      { name: 'openai', kind: 'openai' },
      { name: 'openrouter', kind: 'compatible', baseURL: 'https://openrouter.ai/api/v1', headers: { 'HTTP-Referer': referer } },
      { name: 'local', kind: 'compatible', baseURL: 'http://127.0.0.1:8080/v1' },
    ],
    routes: [{ name: 'a', model: 'm' }],
  }).providers;
  const options = { openaiApiKey: 'sk-openai-1', providerKeys: { openrouter: 'sk-or-1' }, timeoutMs: 1000 };
  const first = Upstreams.build(providers('https://a.example'), options).upstreams;
  const same = Upstreams.build(providers('https://a.example'), options, first);
  assert.deepEqual(same.retired, []);
  for (const name of ['openai', 'openrouter', 'local']) assert.equal(same.upstreams.get(name).client, first.get(name).client, name);

  const newHeader = Upstreams.build(providers('https://b.example'), options, first);
  assert.deepEqual(newHeader.retired, [first.get('openrouter').client]);
  assert.equal(newHeader.upstreams.get('openai').client, first.get('openai').client);

  const newKey = Upstreams.build(providers('https://a.example'), { ...options, providerKeys: { openrouter: 'sk-or-2' } }, first);
  assert.deepEqual(newKey.retired, [first.get('openrouter').client]);
  assert.equal(newKey.upstreams.get('openrouter').client.settings.apiKey, 'sk-or-2');
});

test('keys: providerKeys wins; the provider named "openai" falls back to openaiApiKey; a local server needs none', () => {
  const { providers } = parseRouteTable({
    providers: [{ name: 'openai', kind: 'openai' }, { name: 'azure-work', kind: 'azure', baseURL: 'https://x.openai.azure.com/openai/v1' }, { name: 'local', kind: 'compatible', baseURL: 'http://127.0.0.1:8080/v1' }],
    routes: [{ name: 'a', model: 'm' }],
  });
  const legacy = Upstreams.build(providers, { openaiApiKey: 'sk-legacy', timeoutMs: 1000 }).upstreams;
  assert.equal(legacy.get('openai').client.settings.apiKey, 'sk-legacy');
  assert.equal(legacy.get('azure-work').missingKey, true);
  assert.equal(legacy.get('local').missingKey, false);
  const own = Upstreams.build(providers, { openaiApiKey: 'sk-legacy', providerKeys: { openai: 'sk-own', 'azure-work': 'az-key' }, timeoutMs: 1000 }).upstreams;
  assert.equal(own.get('openai').client.settings.apiKey, 'sk-own');
  assert.equal(own.get('azure-work').missingKey, false);
});

test('OpenAI\'s settings in the environment stay with OpenAI: no organization or project header elsewhere, Azure unaffected by OPENAI_BASE_URL', async () => {
  const saved = { ...process.env };
  Object.assign(process.env, { OPENAI_ORG_ID: 'org-from-env', OPENAI_PROJECT_ID: 'proj-from-env', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' });
  try {
    const compatible = await callsThrough((url) => ({ kind: 'compatible', baseURL: `${url}/v1`, apiKey: 'sk-local-key-1234' }), 'm');
    for (const call of compatible) {
      assert.equal(call.headers['openai-organization'], undefined);
      assert.equal(call.headers['openai-project'], undefined);
    }
    const azure = await callsThrough((url) => ({ kind: 'azure', baseURL: url, apiKey: 'azure-test-key-5678', apiVersion: '2025-04-01-preview' }), 'dep');
    assert.equal(azure[0].url, '/openai/deployments/dep/chat/completions?api-version=2025-04-01-preview');
    assert.equal(azure[0].headers['openai-organization'], undefined);
    const openai = await callsThrough((url) => ({ kind: 'openai', baseURL: `${url}/v1`, apiKey: 'sk-openai-key-1234' }), 'gpt-5-mini');
    assert.equal(openai[0].headers['openai-organization'], 'org-from-env', 'OpenAI itself still gets them, as before');
  } finally {
    for (const name of ['OPENAI_ORG_ID', 'OPENAI_PROJECT_ID', 'OPENAI_BASE_URL']) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  }
});
