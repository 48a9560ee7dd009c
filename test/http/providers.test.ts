// Routes on two providers at once, each a strict fake OpenAI with its own key on its own port,
// driven through the proxy by the official Anthropic SDK: each call goes to its route's provider
// with that provider's key, a 429 from one falls back to a route on the other, the records and
// the log name the provider, keys never leak, and encrypted reasoning stays with its provider.
import Anthropic from '@anthropic-ai/sdk';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RouteTableInput } from '../../src/proxy/routing/table';
import { startFakeOpenAI, type FakeOpenAI } from '../fake-openai';
import { post, startHarness, waitFor, type Harness } from '../helpers/harness';

const LOCAL_KEY = 'sk-local-provider-key-9876';
const OPENAI_KEY = 'sk-openai-provider-key-1234';

let h: Harness;
let local: FakeOpenAI;
/** A provider that takes no key (a server on this machine started without one). */
let keyless: FakeOpenAI;

const routes = (): RouteTableInput => ({
  providers: [
    { name: 'openai', kind: 'openai' },
    { name: 'local', kind: 'compatible', baseURL: local.url, apis: ['chat', 'responses'] },
    { name: 'keyless', kind: 'compatible', baseURL: keyless.url },
    { name: 'azure-work', kind: 'azure', baseURL: 'https://example-resource.openai.azure.com/openai/v1' },
  ],
  routes: [
    { name: 'claude-haiku-4-5', patterns: ['claude-haiku-*'], model: 'gpt-4.1-mini', api: 'chat', provider: 'local' },
    { name: 'claude-sonnet-4-5', patterns: ['claude-sonnet-*'], model: 'gpt-5-codex', api: 'responses' },
    { name: 'claude-primary', model: 'gpt-4.1', api: 'chat', fallbacks: ['claude-backup'] },
    { name: 'claude-backup', model: 'gpt-4.1-mini', api: 'chat', provider: 'local' },
    { name: 'claude-local-thinker', model: 'gpt-5-codex', api: 'responses', provider: 'local' },
    { name: 'claude-keyless', model: 'gpt-4.1-mini', api: 'chat', provider: 'keyless' },
    { name: 'claude-azure', model: 'my-deployment', api: 'chat', provider: 'azure-work' },
  ],
});

before(async () => {
  local = await startFakeOpenAI({ apiKey: LOCAL_KEY });
  keyless = await startFakeOpenAI({ keyRequired: false });
  // The harness's fake is the "openai" provider (openaiBaseUrl), with its own key.
  h = await startHarness({ routes: { routes: [{ name: 'x', model: 'gpt-4.1' }] } });
  h.proxy.reconfigure({ routes: routes(), providerKeys: { openai: h.fake.apiKey, local: LOCAL_KEY } });
});
after(async () => {
  await h.close();
  await local.close();
  await keyless.close();
});

const ask = (model: string) => ({ model, max_tokens: 100, messages: [{ role: 'user' as const, content: 'hi' }] });

test('each route is served by its provider, with that provider\'s key; the record and the log line name it', async () => {
  const before = { openai: h.fake.requests.length, local: local.requests.length };
  local.script({ kind: 'text', chunks: ['from local'] });
  h.fake.script({ kind: 'text', chunks: ['from openai'] });
  const haiku = await h.anthropic.messages.create(ask('claude-haiku-4-5-20251001'));
  const sonnet = await h.anthropic.messages.stream(ask('claude-sonnet-4-5')).finalMessage();
  assert.equal((haiku.content[0] as any).text, 'from local');
  assert.equal((sonnet.content[0] as any).text, 'from openai');
  const toLocal = local.requests.slice(before.local);
  const toOpenAI = h.fake.requests.slice(before.openai);
  assert.deepEqual(toLocal.map((request) => [request.path, request.headers.authorization]), [['/v1/chat/completions', `Bearer ${LOCAL_KEY}`]]);
  assert.deepEqual(toOpenAI.map((request) => [request.path, request.headers.authorization]), [['/v1/responses', `Bearer ${h.fake.apiKey}`]]);
  assert.deepEqual(h.records.slice(-2).map((record) => [record.routeName, record.provider, record.status]), [['claude-haiku-4-5', 'local', 200], ['claude-sonnet-4-5', 'openai', 200]]);
  const lines = h.logLines.filter((line) => line.startsWith('POST /v1/messages')).slice(-2);
  assert.match(lines[0], /^POST \/v1\/messages claude-haiku-4-5-20251001 -> gpt-4\.1-mini on local \(chat\) 200 /);
  assert.match(lines[1], /^POST \/v1\/messages claude-sonnet-4-5 -> gpt-5-codex on openai \(responses, stream\) 200 /);
});

test('a 429 from one provider falls back to a route on the other', async () => {
  const before = { openai: h.fake.requests.length, local: local.requests.length };
  h.fake.script({ kind: 'error', status: 429, headers: { 'retry-after': '20' } });
  local.script({ kind: 'text', chunks: ['served by the backup'] });
  const message = await h.anthropic.messages.create(ask('claude-primary'));
  assert.equal((message.content[0] as any).text, 'served by the backup');
  assert.equal(h.fake.requests.length - before.openai, 1, 'the rate-limited provider was asked once');
  assert.deepEqual(local.requests.slice(before.local).map((request) => [request.body.model, request.headers.authorization]), [['gpt-4.1-mini', `Bearer ${LOCAL_KEY}`]]);
  assert.deepEqual([h.records.at(-1)!.routeName, h.records.at(-1)!.provider], ['claude-backup', 'local']);
  assert.ok(h.logLines.some((line) => /claude-primary \(gpt-4\.1 on openai\) failed \(.*429.*\); falling back to claude-backup \(gpt-4\.1-mini on local\)/.test(line)), 'the log says where it went');
});

test('an error names the provider, not OpenAI, and no provider\'s key reaches the client or the log', async () => {
  local.script({ kind: 'error', status: 400, body: { error: { message: `Invalid value, key ${LOCAL_KEY} and sk-...${OPENAI_KEY.slice(-4)} and ${h.fake.apiKey}`, type: 'invalid_request_error', param: 'model', code: null } } });
  const response = await post(h.url, '/v1/messages', ask('claude-haiku-4-5'));
  assert.equal(response.status, 400);
  const text = await response.text();
  const message = JSON.parse(text).error.message as string;
  assert.match(message, new RegExp(`^provider "local" \\(${local.url.replace(/[.]/g, '\\.')}\\) rejected the request for gpt-4\\.1-mini: `));
  assert.ok(!text.includes(LOCAL_KEY) && !text.includes(h.fake.apiKey), 'no key in the answer');
  assert.ok(message.includes('[redacted]'));
  assert.ok(!h.logLines.join('\n').includes(LOCAL_KEY), 'no key in the log');
});

test('the upstream\'s 401 names the provider and where its key is set', async () => {
  local.script({ kind: 'error', status: 401, body: { error: { message: `Incorrect API key provided: ${LOCAL_KEY.slice(0, 3)}****${LOCAL_KEY.slice(-4)}`, type: 'invalid_request_error', param: null, code: 'invalid_api_key' } } });
  const response = await post(h.url, '/v1/messages', ask('claude-haiku-4-5'));
  assert.equal(response.status, 401);
  const { error } = await response.json() as any;
  assert.equal(error.type, 'authentication_error');
  assert.match(error.message, /^The API key of provider "local" is missing or was rejected by http:\/\/127\.0\.0\.1:\d+\/v1\. Set a valid key \("keyEnv" on provider "local" in CLAUDE_PROXY_CONFIG.*"Claude Proxy: Set Provider API Key" in VS Code\)\.$/);
});

test('a provider that needs a key and has none: a 401 naming it and how to set its key, nothing sent', async () => {
  const response = await post(h.url, '/v1/messages', ask('claude-azure'));
  assert.equal(response.status, 401);
  const { error } = await response.json() as any;
  assert.equal(error.type, 'authentication_error');
  assert.match(error.message, /The API key of provider "azure-work" is not set, and provider "azure-work" \(https:\/\/example-resource\.openai\.azure\.com\/openai\/v1\) needs one\. Set it \(.*"Claude Proxy: Set Provider API Key" in VS Code\)/);
  assert.deepEqual([h.records.at(-1)!.provider, h.records.at(-1)!.status], ['azure-work', 401]);
});

test('a provider that cannot be reached is named in the 502', async () => {
  const closed = await startFakeOpenAI();
  const url = closed.url;
  await closed.close();
  h.proxy.reconfigure({ routes: { ...routes(), providers: [...routes().providers!, { name: 'gone', kind: 'compatible', baseURL: url }], routes: [...routes().routes, { name: 'claude-gone', model: 'm', provider: 'gone' }] } });
  try {
    const response = await post(h.url, '/v1/messages', ask('claude-gone'));
    assert.equal(response.status, 502);
    assert.match((await response.json() as any).error.message, new RegExp(`^Could not reach provider "gone" \\(${url.replace(/[.]/g, '\\.')}\\) \\(.+\\)$`));
  } finally {
    h.proxy.reconfigure({ routes: routes() });
  }
});

test('a provider that needs no key works without one', async () => {
  keyless.script({ kind: 'text', chunks: ['no key needed'] });
  const message = await h.anthropic.messages.create(ask('claude-keyless'));
  assert.equal((message.content[0] as any).text, 'no key needed');
  const sent = String(keyless.requests.at(-1)!.headers.authorization);
  assert.ok(!sent.includes(LOCAL_KEY) && !sent.includes(h.fake.apiKey), 'no other provider\'s key is sent there');
});

test('a new key applies on reconfigure, without a restart', async () => {
  h.proxy.reconfigure({ providerKeys: { openai: h.fake.apiKey, local: LOCAL_KEY, 'azure-work': 'azure-key-0000-1111' } });
  const health = await (await fetch(`${h.url}/health`)).json() as any;
  assert.equal(health.providers.find((provider: any) => provider.name === 'azure-work').keyConfigured, true);
  h.proxy.reconfigure({ providerKeys: { openai: h.fake.apiKey, local: LOCAL_KEY } });
});

test('a new key for one provider replaces its client only: the other provider keeps its open connection', async () => {
  local.script({ kind: 'text', chunks: ['local'] });
  h.fake.script({ kind: 'text', chunks: ['openai'] });
  await h.anthropic.messages.create(ask('claude-haiku-4-5'));
  await h.anthropic.messages.create(ask('claude-primary'));
  await waitFor(() => local.openConnections() > 0 && h.fake.openConnections() > 0, 'a keep-alive connection to each provider');
  const openaiConnections = h.fake.openConnections();
  h.proxy.reconfigure({ providerKeys: { openai: h.fake.apiKey, local: `${LOCAL_KEY}-new` } });
  try {
    await waitFor(() => local.openConnections() === 0, 'the replaced client\'s connections closed');
    assert.equal(h.fake.openConnections(), openaiConnections, 'the unchanged provider\'s connection stays open');
  } finally {
    h.proxy.reconfigure({ providerKeys: { openai: h.fake.apiKey, local: LOCAL_KEY } });
  }
});

test('/v1/models names each model\'s provider (Claude Code\'s /model shows it)', async () => {
  const { data } = await h.anthropic.models.list() as any;
  const haiku = data.find((entry: any) => entry.id === 'claude-haiku-4-5');
  assert.equal(haiku.display_name, 'Haiku 4.5 → gpt-4.1-mini (local)');
  assert.match(haiku.description, /^gpt-4\.1-mini on provider "local" via the Chat Completions API/);
});

test('the web search tool on a route of a compatible provider, with no webSearchRoute: a 400 saying the provider has no hosted search', async () => {
  const response = await post(h.url, '/v1/messages', { ...ask('claude-local-thinker'), tools: [{ type: 'web_search_20250305', name: 'web_search', max_uses: 2 }] });
  assert.equal(response.status, 400);
  assert.match((await response.json() as any).error.message, /route "claude-local-thinker" .*: provider "local" is an OpenAI-compatible server, which has no hosted web search/);
});

test('/health lists every provider, whether it needs a key and has one, never a key', async () => {
  const response = await fetch(`${h.url}/health`);
  const text = await response.text();
  const health = JSON.parse(text);
  assert.deepEqual(health.providers, [
    // Without a baseURL of its own it calls openaiBaseUrl, on this machine here: no key needed, as before providers.
    { name: 'openai', kind: 'openai', baseURL: h.fake.url, apis: ['chat', 'responses'], needsKey: false, keyConfigured: true },
    { name: 'local', kind: 'compatible', baseURL: local.url, apis: ['chat', 'responses'], needsKey: false, keyConfigured: true },
    { name: 'keyless', kind: 'compatible', baseURL: keyless.url, apis: ['chat', 'responses'], needsKey: false, keyConfigured: false },
    { name: 'azure-work', kind: 'azure', baseURL: 'https://example-resource.openai.azure.com/openai/v1', apis: ['chat', 'responses'], needsKey: true, keyConfigured: false },
  ]);
  assert.equal(health.routes.find((route: any) => route.name === 'claude-haiku-4-5').provider, 'local');
  assert.ok(!text.includes(LOCAL_KEY) && !text.includes(h.fake.apiKey));
});

test('encrypted reasoning from one provider is not replayed to another (the strict fake refuses what it did not issue)', async () => {
  const thinking = { type: 'enabled', budget_tokens: 1024 } as const;
  h.fake.script({ kind: 'reasoning', summary: ['Thinking at OpenAI.'], encrypted: 'enc-from-openai', then: { kind: 'text', chunks: ['First.'] } });
  const first = await h.anthropic.messages.create({ ...ask('claude-sonnet-4-5'), max_tokens: 2000, thinking });
  assert.equal(first.content[0].type, 'thinking');
  local.script({ kind: 'text', chunks: ['Second, locally.'] });
  const second = await h.anthropic.messages.create({
    model: 'claude-local-thinker', max_tokens: 2000, thinking,
    messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: first.content }, { role: 'user', content: 'more' }],
  });
  assert.equal((second.content.at(-1) as any).text, 'Second, locally.');
  const input = local.requests.at(-1)!.body.input as any[];
  assert.equal(local.requests.at(-1)!.rejection, undefined);
  assert.ok(!input.some((item) => item.type === 'reasoning'), 'no reasoning item went to the other provider');

  // Back at the provider that made it, the same block still carries it.
  h.fake.script({ kind: 'text', chunks: ['Third.'] });
  await h.anthropic.messages.create({
    ...ask('claude-sonnet-4-5'), max_tokens: 2000, thinking,
    messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: first.content }, { role: 'user', content: 'more' }],
  });
  assert.deepEqual((h.fake.requests.at(-1)!.body.input as any[]).filter((item) => item.type === 'reasoning').map((item) => item.encrypted_content), ['enc-from-openai']);
});

test('reasoning the proxy kept (no thinking shown) is recalled only for the provider that made it', async () => {
  const readTool = { name: 'Read', description: 'Reads a file', input_schema: { type: 'object' as const, properties: { file_path: { type: 'string' } } } };
  h.fake.script({ kind: 'reasoning', summary: ['Which file?'], encrypted: 'enc-kept-openai', then: { kind: 'tool_calls', calls: [{ name: 'Read', fragments: ['{"file_path":"a"}'] }] } });
  const first = await h.anthropic.messages.create({ ...ask('claude-sonnet-4-5'), tools: [readTool] });
  const toolUse = first.content.find((block) => block.type === 'tool_use') as Anthropic.ToolUseBlock;
  const followUp = (model: string) => ({
    model, max_tokens: 100, tools: [readTool],
    messages: [{ role: 'user' as const, content: 'q' }, { role: 'assistant' as const, content: first.content }, { role: 'user' as const, content: [{ type: 'tool_result' as const, tool_use_id: toolUse.id, content: 'contents' }] }],
  });
  local.script({ kind: 'text', chunks: ['Read it locally.'] });
  await h.anthropic.messages.create(followUp('claude-local-thinker'));
  assert.equal(local.requests.at(-1)!.rejection, undefined);
  assert.ok(!(local.requests.at(-1)!.body.input as any[]).some((item) => item.type === 'reasoning'));
  h.fake.script({ kind: 'text', chunks: ['Read it.'] });
  await h.anthropic.messages.create(followUp('claude-sonnet-4-5'));
  assert.deepEqual((h.fake.requests.at(-1)!.body.input as any[]).filter((item) => item.type === 'reasoning').map((item) => item.encrypted_content), ['enc-kept-openai']);
});
