// Whether a provider needs a key: providerNeedsKey, which the extension calls (what to ask for,
// what the tooltip says), against what the running proxy reports and refuses.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hostOf } from '../../src/extension/provider-facts';
import { providerNeedsKey, type ProviderInput } from '../../src/proxy/routing/providers';
import { ProxyServer } from '../../src/proxy/server/proxy-server';

const cases: { provider: ProviderInput; openaiBaseUrl: string }[] = [
  { provider: { name: 'openai', kind: 'openai' }, openaiBaseUrl: 'https://api.openai.com/v1' },
  { provider: { name: 'openai', kind: 'openai' }, openaiBaseUrl: 'http://127.0.0.1:11434/v1' },
  { provider: { name: 'openai', kind: 'openai', needsKey: true }, openaiBaseUrl: 'http://localhost:11434/v1' },
  { provider: { name: 'work', kind: 'openai', baseURL: 'http://127.0.0.1:9000/v1' }, openaiBaseUrl: 'https://api.openai.com/v1' },
  { provider: { name: 'local', kind: 'compatible', baseURL: 'http://127.0.0.1:8080/v1' }, openaiBaseUrl: 'https://api.openai.com/v1' },
  { provider: { name: 'local6', kind: 'compatible', baseURL: 'http://[::1]:8080/v1' }, openaiBaseUrl: 'https://api.openai.com/v1' },
  { provider: { name: 'vllm', kind: 'compatible', baseURL: 'http://localhost:8000/v1', needsKey: true }, openaiBaseUrl: 'https://api.openai.com/v1' },
  { provider: { name: 'openrouter', kind: 'compatible', baseURL: 'https://openrouter.ai/api/v1' }, openaiBaseUrl: 'http://127.0.0.1:1/v1' },
  { provider: { name: 'azure', kind: 'azure', baseURL: 'https://r.openai.azure.com/openai/v1' }, openaiBaseUrl: 'https://api.openai.com/v1' },
];

test('providerNeedsKey, given openaiBaseUrl, agrees with the needsKey the proxy reports in /health, for every kind of provider', async () => {
  for (const { provider, openaiBaseUrl } of cases) {
    const proxy = new ProxyServer({ token: 'provider-facts-token-0123', openaiApiKey: undefined, openaiBaseUrl, routes: { providers: [provider], routes: [{ name: 'a', model: 'm' }] }, port: 0 });
    const url = await proxy.start();
    try {
      const health = await (await fetch(`${url}/health`)).json() as { providers: { name: string; needsKey: boolean }[] };
      const reported = health.providers.find((entry) => entry.name === provider.name)?.needsKey;
      assert.equal(providerNeedsKey(provider, openaiBaseUrl), reported, `${JSON.stringify(provider)} with openaiBaseUrl ${openaiBaseUrl}`);
    } finally {
      await proxy.stop();
    }
  }
});

test('hostOf: the host and port of a base URL; anything else unchanged', () => {
  assert.equal(hostOf('http://127.0.0.1:8080/v1'), '127.0.0.1:8080');
  assert.equal(hostOf('https://api.openai.com/v1'), 'api.openai.com');
  assert.equal(hostOf('not a url'), 'not a url');
});
