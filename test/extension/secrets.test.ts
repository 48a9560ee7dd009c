// Secrets: the OPENAI_API_KEY fallback, and which values stay redacted after a change.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type * as vscode from 'vscode';
import { isProviderKeySecret, OPENAI_KEY_SECRET, providerKeySecret, PROXY_TOKEN_SECRET, RETIRED_KEPT, Secrets } from '../../src/extension/secrets';

function memoryStorage(): vscode.SecretStorage & { values: Map<string, string> } {
  const values = new Map<string, string>();
  return {
    values,
    get: (key: string) => Promise.resolve(values.get(key)),
    store: (key: string, value: string) => Promise.resolve(void values.set(key, value)),
    delete: (key: string) => Promise.resolve(void values.delete(key)),
    keys: () => Promise.resolve([...values.keys()]),
    onDidChange: () => ({ dispose() {} }),
  } as unknown as vscode.SecretStorage & { values: Map<string, string> };
}

test('OPENAI_API_KEY from the environment is the fallback when SecretStorage has no key', async () => {
  const storage = memoryStorage();
  const secrets = new Secrets(storage, { OPENAI_API_KEY: '  sk-from-the-environment-123  ' });
  assert.deepEqual(await secrets.openaiKey(), { key: 'sk-from-the-environment-123', source: 'environment' });
  assert.ok(secrets.known().includes('sk-from-the-environment-123'));

  await secrets.setOpenaiKey('sk-stored-key-456');
  assert.deepEqual(await secrets.openaiKey(), { key: 'sk-stored-key-456', source: 'secret-storage' }, 'the stored key wins');
  assert.equal(storage.values.get(OPENAI_KEY_SECRET), 'sk-stored-key-456');

  await storage.delete(OPENAI_KEY_SECRET);
  assert.deepEqual(await secrets.openaiKey(), { key: 'sk-from-the-environment-123', source: 'environment' }, 'the stored key gone: the environment again');
});

test('no key at all: source none; a blank OPENAI_API_KEY does not count', async () => {
  const secrets = new Secrets(memoryStorage(), { OPENAI_API_KEY: '   ' });
  assert.deepEqual(await secrets.openaiKey(), { key: undefined, source: 'none' });
});

test('the token is made once, kept in SecretStorage, and replaced on rotation', async () => {
  const storage = memoryStorage();
  const secrets = new Secrets(storage, {});
  const token = await secrets.proxyToken();
  assert.match(token, /^cop-/);
  assert.equal(storage.values.get(PROXY_TOKEN_SECRET), token);
  assert.equal(await new Secrets(storage, {}).proxyToken(), token, 'another window reads the same token');
  const rotated = await secrets.rotateProxyToken();
  assert.notEqual(rotated, token);
  assert.equal(storage.values.get(PROXY_TOKEN_SECRET), rotated);
});

test('replaced tokens and keys stay in known() for redaction, the last RETIRED_KEPT of them', async () => {
  const secrets = new Secrets(memoryStorage(), {});
  const first = await secrets.proxyToken();
  await secrets.setOpenaiKey('sk-first-key-0001');
  await secrets.setOpenaiKey('sk-second-key-0002');
  const second = await secrets.rotateProxyToken();
  assert.ok(secrets.known().includes(first), 'the token before rotation');
  assert.ok(secrets.known().includes(second));
  assert.ok(secrets.known().includes('sk-first-key-0001'), 'the key before the change');

  for (let i = 0; i < RETIRED_KEPT; i++) await secrets.rotateProxyToken();
  const known = secrets.known();
  assert.ok(!known.includes(first), 'the oldest ones are dropped');
  assert.ok(known.includes(second), `the last ${RETIRED_KEPT} are kept`);
  assert.equal(known.filter(Boolean).length, 2 + RETIRED_KEPT);
});

test('each provider\'s key: "openai" keeps the OpenAI key\'s secret and its OPENAI_API_KEY fallback, any other its own secret', async () => {
  const storage = memoryStorage();
  const secrets = new Secrets(storage, { OPENAI_API_KEY: 'sk-from-the-environment-123' });
  assert.equal(providerKeySecret('openai'), OPENAI_KEY_SECRET);
  assert.equal(providerKeySecret('azure-work'), 'claudeProxy.providerKey.azure-work');
  assert.deepEqual(await secrets.providerKey('openai'), { key: 'sk-from-the-environment-123', source: 'environment' });
  assert.deepEqual(await secrets.providerKey('azure-work'), { key: undefined, source: 'none' }, 'OPENAI_API_KEY is the openai provider\'s only');

  await secrets.setProviderKey('azure-work', '  azure-key-0001  ');
  assert.equal(storage.values.get('claudeProxy.providerKey.azure-work'), 'azure-key-0001');
  assert.deepEqual(await secrets.providerKey('azure-work'), { key: 'azure-key-0001', source: 'secret-storage' });
  await secrets.setProviderKey('openai', 'sk-stored-0002');
  assert.equal(storage.values.get(OPENAI_KEY_SECRET), 'sk-stored-0002');
  assert.equal(storage.values.has('claudeProxy.providerKey.openai'), false);

  await secrets.setProviderKey('azure-work', 'azure-key-0003');
  const known = secrets.known();
  for (const key of ['azure-key-0001', 'azure-key-0003', 'sk-stored-0002']) assert.ok(known.includes(key), `${key} stays redacted`);
  assert.ok(isProviderKeySecret(OPENAI_KEY_SECRET) && isProviderKeySecret('claudeProxy.providerKey.local'));
  assert.ok(!isProviderKeySecret(PROXY_TOKEN_SECRET));
});
