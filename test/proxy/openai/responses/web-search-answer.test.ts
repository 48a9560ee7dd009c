// OpenAI's hosted web search in a Responses answer -> Anthropic's server_tool_use,
// web_search_tool_result and cited text, streamed and whole.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeSearchResult, type WebSearchSettings } from '../../../../src/proxy/anthropic/web-search';
import { translateResponse, translateResponsesStream } from '../../../../src/proxy/openai/responses/translate';
import { collectingTranslation, streamOf } from '../../../helpers/translate';

const RELEASE = 'https://nodejs.org/en/blog/release/v24.0.0';
const WIKI = 'https://en.wikipedia.org/wiki/Node.js';
const CLAIM = 'Node.js 24 was released on 6 May 2025.';
const LINK = ` ([nodejs.org](${RELEASE}))`;
const TEXT = CLAIM + LINK;
const citation = { type: 'url_citation', start_index: CLAIM.length + 1, end_index: TEXT.length, url: RELEASE, title: 'Node.js — Node.js 24.0.0' };
const searchCall = (overrides: Record<string, unknown> = {}) => ({
  type: 'web_search_call', id: 'ws_1', status: 'completed',
  action: { type: 'search', query: 'node 24 release date', sources: [{ type: 'url', url: RELEASE }, { type: 'url', url: WIKI }] },
  ...overrides,
});
const usage = { input_tokens: 100, output_tokens: 20, input_tokens_details: { cached_tokens: 0 }, output_tokens_details: { reasoning_tokens: 0 } };
const settings: WebSearchSettings = { name: 'web_search', maxUses: 8 };

function wholeAnswer(output: unknown[], search: WebSearchSettings = settings) {
  const { collector, t } = collectingTranslation({ webSearch: search });
  translateResponse({ id: 'resp_1', object: 'response', status: 'completed', output, usage } as any, t);
  return collector.result();
}

async function streamedAnswer(output: unknown[], search: WebSearchSettings = settings) {
  const { collector, events, t } = collectingTranslation({ webSearch: search });
  t.assembler.start();
  const stream: unknown[] = [];
  output.forEach((item: any, index) => {
    if (item.type === 'web_search_call') {
      stream.push({ type: 'response.output_item.added', output_index: index, item: { ...item, status: 'in_progress', action: { type: 'search' } } });
      for (const phase of ['in_progress', 'searching', 'completed']) stream.push({ type: `response.web_search_call.${phase}`, output_index: index, item_id: item.id });
      stream.push({ type: 'response.output_item.done', output_index: index, item });
    } else {
      const part = item.content[0];
      stream.push({ type: 'response.output_item.added', output_index: index, item: { ...item, content: [] } });
      stream.push({ type: 'response.output_text.delta', output_index: index, item_id: item.id, content_index: 0, delta: CLAIM });
      stream.push({ type: 'response.output_text.delta', output_index: index, item_id: item.id, content_index: 0, delta: part.text.slice(CLAIM.length) });
      part.annotations.forEach((annotation: unknown, annotation_index: number) => stream.push({ type: 'response.output_text.annotation.added', output_index: index, item_id: item.id, content_index: 0, annotation_index, annotation }));
      stream.push({ type: 'response.output_item.done', output_index: index, item });
    }
  });
  stream.push({ type: 'response.completed', response: { status: 'completed', usage } });
  await translateResponsesStream(streamOf(stream as any[]), t);
  return { message: collector.result(), events };
}

const message = (annotations: unknown[] = [citation]) => ({ type: 'message', id: 'msg_1', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: TEXT, annotations }] });

test('a search becomes server_tool_use and web_search_tool_result, a url_citation a cited text block (whole)', () => {
  const answer = wholeAnswer([searchCall(), message()]);
  const [use, result, text] = answer.content as any[];
  assert.equal(answer.content.length, 3);
  assert.match(use.id, /^srvtoolu_/);
  assert.deepEqual({ ...use, id: undefined }, { type: 'server_tool_use', id: undefined, name: 'web_search', input: { query: 'node 24 release date' } });
  assert.equal(result.type, 'web_search_tool_result');
  assert.equal(result.tool_use_id, use.id);
  assert.deepEqual(result.content.map((page: any) => [page.type, page.url, page.title, page.page_age]), [
    ['web_search_result', RELEASE, 'Node.js — Node.js 24.0.0', null], // the whole answer's citation names it
    ['web_search_result', WIKI, 'en.wikipedia.org', null],
  ]);
  assert.deepEqual(decodeSearchResult(result.content[0].encrypted_content), { url: RELEASE, title: 'Node.js — Node.js 24.0.0' });
  assert.equal(text.text, TEXT);
  assert.equal(text.citations.length, 1);
  assert.deepEqual({ ...text.citations[0], encrypted_index: undefined }, {
    type: 'web_search_result_location', url: RELEASE, title: 'Node.js — Node.js 24.0.0', encrypted_index: undefined, cited_text: CLAIM,
  });
  assert.deepEqual(answer.usage.server_tool_use, { web_search_requests: 1 });
  assert.equal(answer.stop_reason, 'end_turn');
});

test('the same answer streamed: the blocks in order, citations as citations_delta, the search count in message_delta', async () => {
  const { message: answer, events } = await streamedAnswer([searchCall(), message()]);
  assert.deepEqual(answer.content.map((block) => block.type), ['server_tool_use', 'web_search_tool_result', 'text']);
  assert.deepEqual((answer.content[0] as any).input, { query: 'node 24 release date' });
  const starts = events.filter((event) => event.type === 'content_block_start').map((event: any) => event.content_block.type);
  assert.deepEqual(starts, ['server_tool_use', 'web_search_tool_result', 'text']);
  assert.ok(events.some((event: any) => event.type === 'content_block_delta' && event.delta.type === 'citations_delta' && event.delta.citation.cited_text === CLAIM));
  const delta: any = events.find((event) => event.type === 'message_delta');
  assert.deepEqual(delta.usage.server_tool_use, { web_search_requests: 1 });
  // A stream reports a search before any citation names its pages: they are titled by host.
  assert.deepEqual((answer.content[1] as any).content.map((page: any) => page.title), ['nodejs.org', 'en.wikipedia.org']);
});

test('blocked_domains drops the blocked pages and their citations, streamed and whole', async () => {
  const blocking: WebSearchSettings = { name: 'web_search', blockedDomains: ['nodejs.org'] };
  const whole = wholeAnswer([searchCall(), message()], blocking);
  const streamed = (await streamedAnswer([searchCall(), message()], blocking)).message;
  for (const answer of [whole, streamed]) {
    assert.deepEqual((answer.content[1] as any).content.map((page: any) => page.url), [WIKI]);
    assert.equal((answer.content[2] as any).citations, undefined);
  }
});

test('a failed search and one past max_uses are Anthropic\'s error results; opening a page is no search', () => {
  const answer = wholeAnswer([
    searchCall({ status: 'failed', action: { type: 'search', query: 'q1' } }),
    { type: 'web_search_call', id: 'ws_2', status: 'completed', action: { type: 'open_page', url: RELEASE } },
    searchCall({ id: 'ws_3', action: { type: 'search', queries: ['q2'], sources: [] } }),
    message([]),
  ], { name: 'web_search', maxUses: 1 });
  const results = answer.content.filter((block) => block.type === 'web_search_tool_result') as any[];
  assert.deepEqual(results.map((block) => block.content), [
    { type: 'web_search_tool_result_error', error_code: 'unavailable' },
    { type: 'web_search_tool_result_error', error_code: 'max_uses_exceeded' },
  ]);
  assert.deepEqual((answer.content[2] as any).input, { query: 'q2' });
  assert.deepEqual(answer.usage.server_tool_use, { web_search_requests: 2 });
});

test('a call that failed before it had an action is a failed search too', () => {
  const answer = wholeAnswer([{ type: 'web_search_call', id: 'ws_1', status: 'failed' }, message([])]);
  assert.deepEqual((answer.content[0] as any).input, { query: '' });
  assert.deepEqual((answer.content[1] as any).content, { type: 'web_search_tool_result_error', error_code: 'unavailable' });
});

test('without the web search tool in the request, an answer has no server_tool_use usage', () => {
  const { collector, t } = collectingTranslation();
  translateResponse({ id: 'resp_1', object: 'response', status: 'completed', output: [message([])], usage } as any, t);
  assert.equal(collector.result().usage.server_tool_use, undefined);
});
