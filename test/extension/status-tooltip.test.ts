// The status-bar tooltip's text: each provider's state (name, kind, host, key) and the routes
// with their provider.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProviderKeys } from '../../src/extension/secrets';
import { readSettings, type SettingKey } from '../../src/extension/settings';
import { describeRoute, providerSummaries, routeSummaries, tooltipMarkdown } from '../../src/extension/status-tooltip';

function settings(values: Partial<Record<SettingKey, unknown>>) {
  const result = readSettings((key) => values[key]);
  assert.ok(result.ok, JSON.stringify(result));
  return result.settings;
}

const mixed = settings({
  providers: [
    { name: 'openai', kind: 'openai' },
    { name: 'local', kind: 'compatible', baseURL: 'http://127.0.0.1:8080/v1' },
    { name: 'azure-work', kind: 'azure', baseURL: 'https://work.openai.azure.com/openai/v1' },
  ],
  routes: [
    { name: 'claude-haiku-4-5', patterns: ['claude-haiku-*'], model: 'qwen3', provider: 'local' },
    { name: 'claude-sonnet-4-5', model: 'gpt-5-codex', api: 'responses' },
    { name: 'claude-opus-4-1', model: 'prod-deployment', provider: 'azure-work' },
  ],
});

test('each provider\'s state: key set, no key needed, key missing (with a link that sets it)', () => {
  const keys: ProviderKeys = { openai: { key: 'sk-stored', source: 'secret-storage' }, local: { key: undefined, source: 'none' }, 'azure-work': { key: undefined, source: 'none' } };
  const providers = providerSummaries(mixed, keys);
  assert.deepEqual(providers.map((provider) => [provider.name, provider.kind, provider.baseURL, provider.key]), [
    ['openai', 'openai', 'https://api.openai.com/v1', 'set'],
    ['local', 'compatible', 'http://127.0.0.1:8080/v1', 'not needed'],
    ['azure-work', 'azure', 'https://work.openai.azure.com/openai/v1', 'missing'],
  ]);
  const text = tooltipMarkdown({ state: { kind: 'running', url: 'http://127.0.0.1:4000', port: 4000 }, activeRequests: 0, served: 3, routes: routeSummaries(mixed), providers });
  assert.match(text, /\| Provider \| Kind \| Host \| Key \|/);
  assert.match(text, /\| `openai` \| openai \| `api\.openai\.com` \| key set \|/);
  assert.match(text, /\| `local` \| compatible \| `127\.0\.0\.1:8080` \| no key needed \|/);
  const link = `command:claudeProxy.setProviderKey?${encodeURIComponent(JSON.stringify([{ provider: 'azure-work' }]))}`;
  assert.ok(text.includes(`| \`azure-work\` | azure | \`work.openai.azure.com\` | **key missing**: [set it](${link} `), text);
  assert.match(text, /\| `claude-haiku-4-5`, `claude-haiku-\*` \| `qwen3` \| chat \| `local` \|/);
  assert.match(text, /\| `claude-sonnet-4-5` \| `gpt-5-codex` \| responses \| `openai` \|/, 'a route without a provider is on the first');
  assert.match(text, /3 served/);
  assert.doesNotMatch(text, /sk-stored/, 'never a key');
});

test('OPENAI_API_KEY as the key is said; the default table shows one OpenAI provider at claudeProxy.openaiBaseUrl', () => {
  const defaults = settings({ openaiBaseUrl: 'https://example.test/v1' });
  const [openai] = providerSummaries(defaults, { openai: { key: 'sk-env', source: 'environment' } });
  assert.deepEqual(openai, { name: 'openai', kind: 'openai', baseURL: 'https://example.test/v1', needsKey: true, key: 'set', keySource: 'environment' });
  const text = tooltipMarkdown({ state: { kind: 'stopped' }, activeRequests: 0, served: 0, routes: routeSummaries(defaults), providers: [openai] });
  assert.match(text, /\| `openai` \| openai \| `example\.test` \| key set \(OPENAI_API_KEY\) \|/);
  assert.match(text, /stopped/);
  assert.equal(describeRoute(routeSummaries(defaults)[1]), 'claude-haiku-4-5, claude-fast (claude-haiku-*, claude-*-haiku-*, haiku) -> gpt-5-mini (chat) on openai');
});

test('a key stored for a provider that needs none is still sent, and shown as set', () => {
  const local = settings({ providers: [{ name: 'local', kind: 'compatible', baseURL: 'http://127.0.0.1:8000/v1' }], routes: [{ name: 'x', model: 'm' }] });
  const [withKey] = providerSummaries(local, { local: { key: 'sk-optional', source: 'secret-storage' } });
  assert.deepEqual([withKey.needsKey, withKey.key], [false, 'set']);
  assert.equal(providerSummaries(local, {})[0].key, 'not needed');
});

test('names from the settings cannot break the table', () => {
  const odd = settings({ providers: [{ name: 'a|b`c', kind: 'compatible', baseURL: 'http://127.0.0.1:1/v1' }], routes: [{ name: 'x', model: 'm' }] });
  const text = tooltipMarkdown({ state: { kind: 'stopped' }, activeRequests: 0, served: 0, routes: routeSummaries(odd), providers: providerSummaries(odd, {}) });
  assert.match(text, /\| `a b c` \| compatible \|/);
});
