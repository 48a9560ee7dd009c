import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RouteTable } from '../../../src/proxy/routing/match';
import { DEFAULT_PROVIDER_NAME, providerNeedsKey, providerSchema } from '../../../src/proxy/routing/providers';
import { defaultRouteTable, parseRouteTable } from '../../../src/proxy/routing/table';

const local = { name: 'local', kind: 'compatible', baseURL: 'http://127.0.0.1:8080/v1' } as const;

/** The message parseRouteTable throws for a table, or undefined when it parses. */
function problem(input: unknown): string | undefined {
  try {
    parseRouteTable(input);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

test('a table without providers has one OpenAI provider, and every route is on it', () => {
  const table = parseRouteTable(defaultRouteTable);
  assert.deepEqual(table.providers, [{ name: DEFAULT_PROVIDER_NAME, kind: 'openai', apis: ['chat', 'responses'], headers: {} }]);
  for (const route of new RouteTable(table).routes()) assert.equal(route.provider, 'openai', route.name);
});

test('a route names its provider; one that names none is on the first', () => {
  const table = new RouteTable(parseRouteTable({
    providers: [local, { name: 'openai', kind: 'openai' }],
    routes: [{ name: 'a', model: 'm' }, { name: 'b', model: 'n', provider: 'openai' }],
  }));
  assert.equal(table.find('a')?.provider, 'local');
  assert.equal(table.find('b')?.provider, 'openai');
  assert.equal(table.byName('b')?.provider, 'openai');
});

test('provider defaults: both APIs, no headers', () => {
  const parsed = providerSchema.parse(local);
  assert.deepEqual(parsed.apis, ['chat', 'responses']);
  assert.deepEqual(parsed.headers, {});
});

test('needsKey: true by default, false for a compatible server on a loopback host, as set otherwise', () => {
  assert.equal(providerNeedsKey({ kind: 'openai' }), true);
  assert.equal(providerNeedsKey({ kind: 'azure', baseURL: 'https://x.openai.azure.com/openai/v1' }), true);
  assert.equal(providerNeedsKey({ kind: 'compatible', baseURL: 'https://openrouter.ai/api/v1' }), true);
  for (const baseURL of ['http://127.0.0.1:8080/v1', 'http://localhost:11434/v1', 'http://[::1]:1234/v1']) {
    assert.equal(providerNeedsKey({ kind: 'compatible', baseURL }), false, baseURL);
  }
  assert.equal(providerNeedsKey({ kind: 'compatible', baseURL: 'http://127.0.0.1:8080/v1', needsKey: true }), true);
  assert.equal(providerNeedsKey({ kind: 'compatible', baseURL: 'https://vllm.example.com/v1', needsKey: false }), false);
});

test('provider names are unique', () => {
  assert.match(problem({ providers: [local, local], routes: [{ name: 'a', model: 'm' }] }) ?? '', /providers\.1\.name: another provider is already named "local"/);
});

test('a route\'s provider must exist', () => {
  assert.match(problem({ providers: [local], routes: [{ name: 'a', model: 'm', provider: 'azure-work' }] }) ?? '',
    /routes\.0\.provider: no provider is named "azure-work" \(providers: local\)/);
});

test('a route\'s api must be one its provider offers', () => {
  const chatOnly = { ...local, apis: ['chat'] };
  assert.match(problem({ providers: [chatOnly], routes: [{ name: 'a', model: 'm', api: 'responses' }] }) ?? '',
    /routes\.0\.api: provider "local" does not offer the Responses API/);
  assert.equal(problem({ providers: [chatOnly], routes: [{ name: 'a', model: 'm', api: 'chat' }] }), undefined);
});

test('a fallback may be on another provider', () => {
  assert.equal(problem({
    providers: [local, { name: 'openai', kind: 'openai' }],
    routes: [{ name: 'a', model: 'm', fallbacks: ['b'] }, { name: 'b', model: 'gpt-5-mini', provider: 'openai' }],
  }), undefined);
});

test('the web search route must be on a provider of kind openai or azure', () => {
  const routes = [{ name: 'a', model: 'gpt-5', api: 'responses' }];
  assert.match(problem({ providers: [local], routes, webSearchRoute: 'a' }) ?? '',
    /webSearchRoute: route "a" is on provider "local" of kind "compatible": hosted web search needs a provider of kind "openai" or "azure"/);
  const azure = { name: 'azure-work', kind: 'azure', baseURL: 'https://x.openai.azure.com/openai/v1' };
  assert.equal(problem({ providers: [azure], routes, webSearchRoute: 'a' }), undefined);
});

test('a route on a compatible provider cannot search; the web search route serves it', () => {
  const table = new RouteTable(parseRouteTable({
    providers: [local, { name: 'openai', kind: 'openai' }],
    routes: [{ name: 'a', model: 'qwen', api: 'responses' }, { name: 'b', model: 'gpt-5', api: 'responses', provider: 'openai' }],
    webSearchRoute: 'b',
  }));
  assert.equal(table.forWebSearch(table.byName('a')!)?.name, 'b');
  assert.equal(table.forWebSearch(table.byName('b')!)?.name, 'b');
});

test('azure and compatible providers need a baseURL', () => {
  for (const kind of ['azure', 'compatible']) {
    assert.match(problem({ providers: [{ name: 'p', kind }], routes: [{ name: 'a', model: 'm' }] }) ?? '',
      new RegExp(`providers\\.0\\.baseURL: a provider of kind "${kind}" needs a baseURL`));
  }
  assert.equal(problem({ providers: [{ name: 'openai', kind: 'openai' }], routes: [{ name: 'a', model: 'm' }] }), undefined);
});

test('baseURL must be an http(s) URL', () => {
  for (const baseURL of ['not a url', 'ftp://example.com/v1', '']) {
    assert.match(problem({ providers: [{ ...local, baseURL }], routes: [{ name: 'a', model: 'm' }] }) ?? '', /providers\.0\.baseURL: /, baseURL);
  }
});

test('apiVersion is for azure only', () => {
  assert.match(problem({ providers: [{ ...local, apiVersion: '2025-04-01-preview' }], routes: [{ name: 'a', model: 'm' }] }) ?? '',
    /providers\.0\.apiVersion: apiVersion is for providers of kind "azure" only/);
});

test('headers cannot carry a key', () => {
  for (const header of ['Authorization', 'api-key', 'X-Api-Key']) {
    assert.match(problem({ providers: [{ ...local, headers: { [header]: 'sk-secret' } }], routes: [{ name: 'a', model: 'm' }] }) ?? '',
      new RegExp(`providers\\.0\\.headers\\.${header}: "${header}" carries a key`), header);
  }
  assert.equal(problem({ providers: [{ ...local, headers: { 'HTTP-Referer': 'https://example.com', 'X-Title': 'Proxy' } }], routes: [{ name: 'a', model: 'm' }] }), undefined);
});

test('unknown provider fields, a bad kind, an empty name or an empty api list are refused by field', () => {
  assert.match(problem({ providers: [{ ...local, apiKey: 'sk-x' }], routes: [{ name: 'a', model: 'm' }] }) ?? '', /providers\.0: Unrecognized key: "apiKey"/);
  assert.match(problem({ providers: [{ ...local, kind: 'anthropic' }], routes: [{ name: 'a', model: 'm' }] }) ?? '', /providers\.0\.kind: /);
  assert.match(problem({ providers: [{ ...local, name: '' }], routes: [{ name: 'a', model: 'm' }] }) ?? '', /providers\.0\.name: /);
  assert.match(problem({ providers: [{ ...local, apis: [] }], routes: [{ name: 'a', model: 'm' }] }) ?? '', /providers\.0\.apis: /);
  assert.match(problem({ providers: [], routes: [{ name: 'a', model: 'm' }] }) ?? '', /providers: /);
});
