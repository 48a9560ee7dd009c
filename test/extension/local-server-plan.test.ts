// "Use a Local Server": the providers and routes it writes, checked with the settings' own validation.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planLocalServer, servesHaiku } from '../../src/extension/local-server-plan';
import { defaultProviders, readSettings } from '../../src/extension/settings';
import { defaultRouteTable } from '../../src/proxy/routing/table';

const routes = defaultRouteTable.routes as Record<string, unknown>[];
const valid = (plan: { providers: unknown[]; routes: unknown[] }) => {
  const result = readSettings((key) => (key === 'providers' ? plan.providers : key === 'routes' ? plan.routes : undefined));
  assert.ok(result.ok, JSON.stringify(result));
  return result.settings;
};

test('the haiku family on Ollama: a "local" provider after openai, the haiku route on it, the others untouched', () => {
  const plan = planLocalServer({ providers: defaultProviders, routes, baseURL: 'http://127.0.0.1:11434/v1/', model: 'qwen3', scope: 'haiku' });
  assert.equal(plan.provider, 'local');
  assert.deepEqual(plan.providers, [{ name: 'openai', kind: 'openai' }, { name: 'local', kind: 'compatible', baseURL: 'http://127.0.0.1:11434/v1' }]);
  assert.deepEqual(plan.changed, ['claude-haiku-4-5']);
  const haiku = plan.routes[1];
  assert.deepEqual([haiku.name, haiku.provider, haiku.model, haiku.api, haiku.files], ['claude-haiku-4-5', 'local', 'qwen3', 'chat', false]);
  assert.deepEqual(haiku.patterns, ['claude-haiku-*', 'claude-*-haiku-*', 'haiku'], 'the names it serves stay');
  assert.deepEqual(plan.routes[0], routes[0]);
  assert.deepEqual(plan.routes[2], routes[2]);
  const settings = valid(plan);
  assert.equal(settings.routeTable.webSearchRoute, 'claude-sonnet-4-5', 'web search stays on OpenAI');
});

test('every route on llama.cpp: OpenAI\'s model facts go, and web search is then off (not an error)', () => {
  const plan = planLocalServer({ providers: [], routes, baseURL: 'http://127.0.0.1:8080/v1', model: 'tiny', scope: 'all' });
  assert.deepEqual(plan.changed, ['claude-fable-5-2', 'claude-haiku-4-5', 'claude-sonnet-4-5']);
  for (const route of plan.routes) {
    assert.equal(route.provider, 'local');
    assert.equal(route.model, 'tiny');
    assert.equal('reasoningEffort' in route, false);
  }
  assert.equal(valid(plan).routeTable.webSearchRoute, undefined);
});

test('a provider already there for the URL is reused; another URL gets the next free name', () => {
  const providers = [{ name: 'openai', kind: 'openai' }, { name: 'local', kind: 'compatible', baseURL: 'http://127.0.0.1:8080/v1' }];
  assert.equal(planLocalServer({ providers, routes, baseURL: 'http://127.0.0.1:8080/v1', model: 'm', scope: 'haiku' }).providers.length, 2);
  const other = planLocalServer({ providers, routes, baseURL: 'http://127.0.0.1:1234/v1', model: 'm', scope: 'haiku' });
  assert.equal(other.provider, 'local-2');
  valid(other);
});

test('a table without a haiku route gets one first, so that its catch-all does not take haiku', () => {
  const own = [{ name: 'everything', patterns: ['claude-*'], model: 'gpt-5-codex', api: 'responses' }];
  const plan = planLocalServer({ providers: defaultProviders, routes: own, baseURL: 'http://127.0.0.1:8080/v1', model: 'm', scope: 'haiku' });
  assert.deepEqual(plan.routes.map((route) => [route.name, route.provider]), [['claude-haiku-4-5', 'local'], ['everything', undefined]]);
  valid(plan);
  assert.ok(servesHaiku({ name: 'x', patterns: ['claude-*-haiku-*'] }));
  assert.ok(!servesHaiku({ name: 'claude-sonnet-4-5', aliases: ['claude-smart'] }));
});
