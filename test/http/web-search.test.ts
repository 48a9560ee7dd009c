// Anthropic's web search server tool over HTTP: the official SDK against the proxy and the strict
// fake's hosted web search, streamed and whole; the route that runs a search; the history.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { decodeSearchResult } from '../../src/proxy/anthropic/web-search';
import type { ScriptedAnswer } from '../fake-openai';
import { capturedRequests } from '../helpers/fixtures';
import { PROXY_TOKEN, post, startHarness, testRoutes, type Harness } from '../helpers/harness';

const captured = capturedRequests().find((fixture) => fixture.file.startsWith('14-'))!.body;
// The SDK refuses a whole answer of Claude Code's max_tokens (128000): it could take too long.
const whole = { ...captured, max_tokens: 4096, stream: false };
const RELEASE = 'https://nodejs.org/en/blog/release/v24.0.0';
const WIKI = 'https://en.wikipedia.org/wiki/Node.js';
const ANSWER = `Node.js 24 was released on 6 May 2025 ([nodejs.org](${RELEASE})).`;
const searching: ScriptedAnswer = {
  kind: 'text', chunks: ['Node.js 24 was released ', `on 6 May 2025 ([nodejs.org](${RELEASE})).`],
  searches: [{ query: 'node 24 release date', results: [{ url: RELEASE, title: 'Node.js — Node.js v24.0.0' }, { url: WIKI, title: 'Node.js - Wikipedia' }] }],
};

let h: Harness;
let noSearchRoute: Harness;
before(async () => {
  h = await startHarness({ routes: testRoutes });
  noSearchRoute = await startHarness({ routes: { routes: [{ name: 'claude-haiku-4-5', model: 'gpt-5-mini', api: 'chat' }] } });
});
after(async () => {
  await h.close();
  await noSearchRoute.close();
});

function assertSearchAnswer(message: any, what: string): void {
  assert.deepEqual(message.content.map((block: any) => block.type), ['server_tool_use', 'web_search_tool_result', 'text'], what);
  const [use, result, text] = message.content;
  assert.match(use.id, /^srvtoolu_/);
  assert.equal(use.name, 'web_search');
  assert.deepEqual(use.input, { query: 'node 24 release date' });
  assert.equal(result.tool_use_id, use.id);
  assert.deepEqual(result.content.map((page: any) => page.url), [RELEASE, WIKI], what);
  assert.equal(decodeSearchResult(result.content[0].encrypted_content)?.url, RELEASE);
  assert.equal(text.text, ANSWER);
  assert.deepEqual(text.citations.map((citation: any) => [citation.type, citation.url, citation.title, citation.cited_text]), [
    ['web_search_result_location', RELEASE, 'Node.js — Node.js v24.0.0', 'Node.js 24 was released on 6 May 2025'],
  ], what);
  assert.equal(message.usage.server_tool_use?.web_search_requests, 1, what);
  assert.equal(message.stop_reason, 'end_turn');
}

function assertSearchedUpstream(harness: Harness, model: string): void {
  const call = harness.fake.requests.at(-1)!;
  assert.equal(call.rejection, undefined, JSON.stringify(call.rejection));
  assert.equal(call.path, '/v1/responses');
  assert.equal(call.body.model, model);
  assert.deepEqual(call.body.tools, [{ type: 'web_search', user_location: { type: 'approximate' } }]);
  assert.ok(call.body.include.includes('web_search_call.action.sources'));
  assert.equal(call.body.max_tool_calls, 8);
}

test('Claude Code\'s WebSearch request, whole: the fake\'s search comes back as Anthropic\'s blocks', async () => {
  h.fake.script(searching);
  const message = await h.anthropic.messages.create(whole);
  assertSearchAnswer(message, 'whole');
  assertSearchedUpstream(h, 'gpt-5-codex');
  assert.match(h.logLines.at(-1)!, /POST \/v1\/messages claude-opus-5-5 -> gpt-5-codex \(responses\) 200 \d+ms in=\d+ cached=0 out=\d+ searches=1$/);
  assert.equal(h.records.at(-1)!.usage?.webSearches, 1, 'the dashboard\'s entry counts the search');
});

test('the same request streamed through the SDK\'s stream helper', async () => {
  h.fake.script(searching);
  const stream = h.anthropic.messages.stream({ ...captured, stream: true });
  const citations: unknown[] = [];
  stream.on('citation', (citation) => citations.push(citation));
  assertSearchAnswer(await stream.finalMessage(), 'streamed');
  assert.equal(citations.length, 1, 'citations_delta events reach the SDK');
  assertSearchedUpstream(h, 'gpt-5-codex');
});

test('a search asked of the Chat Completions route runs on webSearchRoute', async () => {
  h.fake.script(searching);
  const message = await h.anthropic.messages.create({ ...whole, model: 'claude-haiku-4-5' });
  assertSearchAnswer(message, 'haiku');
  assertSearchedUpstream(h, 'gpt-5-codex');
});

test('with no route that can search, a clear 400 names the setting and nothing goes upstream', async () => {
  const before = noSearchRoute.fake.requests.length;
  const response = await post(noSearchRoute.url, '/v1/messages', { ...captured, model: 'claude-haiku-4-5' });
  assert.equal(response.status, 400);
  const body = (await response.json()) as any;
  assert.equal(body.error.type, 'invalid_request_error');
  assert.match(body.error.message, /web_search tool cannot run on route "claude-haiku-4-5".*Chat Completions.*"webSearchRoute"/);
  assert.equal(noSearchRoute.fake.requests.length, before);
});

test('the answer\'s blocks sent back in the next request reach the model as text', async () => {
  h.fake.script(searching);
  const first = await h.anthropic.messages.create(whole);
  h.fake.script({ kind: 'text', chunks: ['You are welcome.'] });
  const next = await h.anthropic.messages.create({
    ...whole,
    messages: [...captured.messages, { role: 'assistant', content: first.content }, { role: 'user', content: 'Thanks. Which page said so?' }],
  });
  assert.equal((next.content[0] as any).text, 'You are welcome.');
  const call = h.fake.requests.at(-1)!;
  assert.equal(call.rejection, undefined);
  const said = JSON.stringify(call.body.input);
  assert.ok(said.includes('(Searched the web for: node 24 release date)'), said);
  assert.ok(said.includes(`Node.js — Node.js v24.0.0: ${RELEASE}`), 'the results as links, titled from the proxy\'s encrypted_content');
});

test('blocked_domains drops the pages and citations of a blocked domain', async () => {
  h.fake.script(searching);
  const tools = [{ ...captured.tools[0], blocked_domains: ['nodejs.org'] }];
  const message: any = await h.anthropic.messages.create({ ...whole, tools });
  assert.deepEqual(message.content[1].content.map((page: any) => page.url), [WIKI]);
  assert.equal(message.content[2].citations, undefined);
  assert.equal(h.fake.requests.at(-1)!.body.tools[0].filters, undefined, 'OpenAI has no block list');
});

test('the web_fetch server tool is a 400 naming it', async () => {
  const response = await post(h.url, '/v1/messages', { ...captured, tools: [{ type: 'web_fetch_20250910', name: 'web_fetch' }] }, { authorization: `Bearer ${PROXY_TOKEN}` });
  assert.equal(response.status, 400);
  assert.match(((await response.json()) as any).error.message, /web_fetch_20250910/);
});
