import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isReasoningModel, RouteTable } from '../../../src/proxy/routing/match';
import { defaultRouteTable, parseRouteTable } from '../../../src/proxy/routing/table';

const table = new RouteTable(parseRouteTable(defaultRouteTable));

test('default table routes the names and aliases of the LiteLLM set-up', () => {
  for (const name of ['claude-sonnet-4-5', 'claude-smart', 'claude-code']) {
    assert.equal(table.find(name)?.model, 'gpt-5-codex', name);
    assert.equal(table.find(name)?.api, 'responses');
    assert.equal(table.find(name)?.maxOutputTokens, 8192);
  }
  for (const name of ['claude-haiku-4-5', 'claude-fast']) {
    assert.equal(table.find(name)?.model, 'gpt-5-mini', name);
    assert.equal(table.find(name)?.maxOutputTokens, 4096);
  }
});

test('default table routes the model families today\'s Claude Code sends', () => {
  assert.equal(table.find('claude-opus-4-8')?.model, 'gpt-5-codex');
  assert.equal(table.find('claude-sonnet-5')?.model, 'gpt-5-codex');
  assert.equal(table.find('claude-sonnet-4-5-20250929')?.model, 'gpt-5-codex');
  assert.equal(table.find('claude-3-7-sonnet-20250219')?.model, 'gpt-5-codex');
  assert.equal(table.find('claude-haiku-4-5-20251001')?.model, 'gpt-5-mini');
  assert.equal(table.find('claude-3-5-haiku-20241022')?.model, 'gpt-5-mini');
  assert.equal(table.find('CLAUDE-OPUS-4-8')?.model, 'gpt-5-codex', 'names match case-insensitively');
});

test('every Claude model Claude Code 2.1.332 offers is served, and any claude-* name to come goes to the big route', () => {
  assert.equal(table.find('claude-fable-5-2')?.name, 'claude-fable-5-2');
  assert.equal(table.find('fable')?.reasoningEffort, 'high', 'Fable: the big model at high effort');
  assert.equal(table.find('claude-fable-5-2')?.model, 'gpt-5-codex');
  assert.equal(table.find('claude-opus-5-5')?.name, 'claude-sonnet-4-5');
  assert.equal(table.find('claude-sonnet-5-5')?.name, 'claude-sonnet-4-5');
  assert.equal(table.find('claude-haiku-5-5')?.model, 'gpt-5-mini');
  for (const name of ['claude-mythos-6', 'claude-opus-6-0[1m]', 'claude-quill-1']) assert.equal(table.find(name)?.name, 'claude-sonnet-4-5', name);
  assert.equal(table.find('claude-sonnet-4-5')?.reasoningEffort, undefined, 'the big route follows the request\'s effort');
});

test('a name nothing serves is undefined without a default route, and caught by one', () => {
  assert.equal(table.find('gpt-4o'), undefined);
  const withDefault = new RouteTable(parseRouteTable({ ...defaultRouteTable, defaultRoute: 'claude-haiku-4-5' }));
  assert.equal(withDefault.find('gpt-4o')?.model, 'gpt-5-mini');
});

test('exact names win over patterns of earlier routes', () => {
  const routes = new RouteTable(parseRouteTable({
    routes: [
      { name: 'everything', patterns: ['claude-*'], model: 'gpt-4.1' },
      { name: 'claude-special', model: 'gpt-4o' },
    ],
  }));
  assert.equal(routes.find('claude-special')?.model, 'gpt-4o');
  assert.equal(routes.find('claude-other')?.model, 'gpt-4.1');
});

test('invalid tables are refused with the setting named', () => {
  assert.throws(() => parseRouteTable({ routes: [{ name: 'a', model: 'm', api: 'soap' }] }), /routes\.0\.api/);
  assert.throws(() => parseRouteTable({ routes: [] }), /routes/);
  assert.throws(() => parseRouteTable({ routes: [{ name: 'a', model: 'm' }], defaultRoute: 'b' }), /defaultRoute: no route is named "b"/);
  assert.throws(() => parseRouteTable({ routes: [{ name: 'a', model: 'm' }, { name: 'b', aliases: ['a'], model: 'n' }] }), /already served/);
  assert.throws(() => parseRouteTable({ routes: [{ name: 'a', model: 'm', maxOutputTokens: 0 }] }), /maxOutputTokens/);
});

test('reasoning models are recognised by name', () => {
  for (const model of ['gpt-5', 'gpt-5-mini', 'gpt-5-codex', 'gpt-5.1-codex-max', 'o3', 'o4-mini', 'openai/gpt-5']) assert.ok(isReasoningModel(model), model);
  for (const model of ['gpt-4o', 'gpt-4.1-mini', 'gpt-5-chat-latest', 'llama3.1']) assert.ok(!isReasoningModel(model), model);
});
