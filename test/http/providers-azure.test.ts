// An Azure OpenAI provider behind the proxy, against the strict fake in its Azure dialect (the
// key in api-key, api-version, deployment URLs; and Azure's v1 URL): both APIs, whole and
// streamed, through the official Anthropic SDK; a rejected key names the provider.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startFakeOpenAI, type FakeOpenAI } from '../fake-openai';
import { post, startHarness, type Harness } from '../helpers/harness';

const AZURE_KEY = 'azure-provider-key-0123456789';
const API_VERSION = '2025-04-01-preview';
let azure: FakeOpenAI;
let h: Harness;

before(async () => {
  azure = await startFakeOpenAI({ apiKey: AZURE_KEY, azure: { apiVersion: API_VERSION, deployments: { 'codex-deployment': 'gpt-5-codex', 'mini-deployment': 'gpt-4.1-mini' } } });
  const resource = azure.url.replace(/\/v1$/, '');
  h = await startHarness({
    routes: {
      providers: [
        { name: 'azure-work', kind: 'azure', baseURL: resource, apiVersion: API_VERSION },
        { name: 'azure-v1', kind: 'azure', baseURL: `${resource}/openai/v1` },
      ],
      routes: [
        { name: 'claude-haiku-4-5', model: 'mini-deployment', api: 'chat' },
        { name: 'claude-sonnet-4-5', model: 'codex-deployment', api: 'responses' },
        { name: 'claude-v1-chat', model: 'mini-deployment', api: 'chat', provider: 'azure-v1' },
        { name: 'claude-v1-responses', model: 'codex-deployment', api: 'responses', provider: 'azure-v1' },
      ],
    },
    providerKeys: { 'azure-work': AZURE_KEY, 'azure-v1': AZURE_KEY },
  });
});
after(async () => {
  await h.close();
  await azure.close();
});

const ask = (model: string) => ({ model, max_tokens: 100, messages: [{ role: 'user' as const, content: 'hi' }] });

for (const [model, url] of [
  ['claude-haiku-4-5', `/openai/deployments/mini-deployment/chat/completions?api-version=${API_VERSION}`],
  ['claude-sonnet-4-5', `/openai/responses?api-version=${API_VERSION}`],
  ['claude-v1-chat', '/openai/v1/chat/completions'],
  ['claude-v1-responses', '/openai/v1/responses'],
] as const) {
  test(`${model}: whole and streamed, on Azure's ${url.split('?')[0]}, the key in api-key`, async () => {
    const before = azure.requests.length;
    azure.script({ kind: 'text', chunks: ['from Azure'] }, { kind: 'text', chunks: ['from Azure, ', 'streamed'] });
    const whole = await h.anthropic.messages.create(ask(model));
    const streamed = await h.anthropic.messages.stream(ask(model)).finalMessage();
    assert.equal((whole.content[0] as any).text, 'from Azure');
    assert.equal((streamed.content[0] as any).text, 'from Azure, streamed');
    const calls = azure.requests.slice(before);
    assert.equal(calls.length, 2);
    for (const call of calls) {
      assert.equal(call.rejection, undefined, JSON.stringify(call.rejection));
      assert.equal(call.headers['api-key'], AZURE_KEY);
      assert.equal(call.headers.authorization, undefined);
    }
    assert.equal(h.records.at(-1)!.provider, model.includes('v1') ? 'azure-v1' : 'azure-work');
  });
}

test('a key Azure refuses: 401 naming the provider and where its key is set', async () => {
  h.proxy.reconfigure({ providerKeys: { 'azure-work': 'azure-wrong-key-000000', 'azure-v1': AZURE_KEY } });
  try {
    const response = await post(h.url, '/v1/messages', ask('claude-haiku-4-5'));
    assert.equal(response.status, 401);
    const { error } = await response.json() as any;
    assert.equal(error.type, 'authentication_error');
    assert.match(error.message, /^The API key of provider "azure-work" is missing or was rejected by http:\/\/127\.0\.0\.1:\d+\. Set a valid key \(.*"Claude Proxy: Set Provider API Key" in VS Code\)\.$/);
    assert.equal(azure.requests.at(-1)!.rejection?.status, 401);
  } finally {
    h.proxy.reconfigure({ providerKeys: { 'azure-work': AZURE_KEY, 'azure-v1': AZURE_KEY } });
  }
});
