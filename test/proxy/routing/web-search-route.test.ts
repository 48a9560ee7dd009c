import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RouteTable } from '../../../src/proxy/routing/match';
import { canSearchTheWeb } from '../../../src/proxy/routing/web-search-support';
import { defaultRouteTable, parseRouteTable } from '../../../src/proxy/routing/table';

test('the default table sends searches from the Chat Completions route to its Responses route', () => {
  const table = new RouteTable(parseRouteTable(defaultRouteTable));
  assert.equal(table.forWebSearch(table.find('claude-haiku-4-5')!)?.name, 'claude-sonnet-4-5');
  assert.equal(table.forWebSearch(table.find('claude-fable-5-2')!)?.name, 'claude-fable-5-2', 'a route that can search keeps its requests');
  assert.equal(table.forWebSearch(table.find('claude-opus-5-5')!)?.model, 'gpt-5-codex');
});

test('a table without webSearchRoute has no route for a search its route cannot run', () => {
  const table = new RouteTable(parseRouteTable({ routes: [{ name: 'local', model: 'llama3', api: 'chat' }] }));
  assert.equal(table.forWebSearch(table.find('local')!), undefined);
});

test('webSearchRoute must name a Responses route whose model can search', () => {
  const routes = [{ name: 'chat', model: 'gpt-4.1', api: 'chat' }, { name: 'nano', model: 'gpt-4.1-nano', api: 'responses' }, { name: 'big', model: 'gpt-5', api: 'responses' }];
  assert.throws(() => parseRouteTable({ routes, webSearchRoute: 'nope' }), /webSearchRoute: no route is named "nope"/);
  assert.throws(() => parseRouteTable({ routes, webSearchRoute: 'chat' }), /webSearchRoute: route "chat" cannot search the web: .*gpt-4\.1 is on Chat Completions/);
  assert.throws(() => parseRouteTable({ routes, webSearchRoute: 'nano' }), /webSearchRoute: route "nano" cannot search the web: .*gpt-4\.1-nano has none/);
  assert.equal(parseRouteTable({ routes, webSearchRoute: 'big' }).webSearchRoute, 'big');
});

test('which routes can search: the Responses API, except the models OpenAI names', () => {
  assert.ok(canSearchTheWeb({ model: 'gpt-5-codex', api: 'responses' }));
  assert.ok(canSearchTheWeb({ model: 'gpt-4.1-mini', api: 'responses' }));
  assert.ok(!canSearchTheWeb({ model: 'gpt-4.1-nano-2025-04-14', api: 'responses' }));
  assert.ok(!canSearchTheWeb({ model: 'gpt-5', api: 'chat' }));
});
