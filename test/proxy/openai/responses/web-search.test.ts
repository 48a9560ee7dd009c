// Anthropic's web search tool -> OpenAI's hosted web_search on the Responses API.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { capturedRequests } from '../../../helpers/fixtures';
import { request, responses, route } from '../../../helpers/translate';

const captured = capturedRequests().find((fixture) => fixture.file.startsWith('14-'))!;
const searchTool = (tool: Record<string, unknown> = {}) => ({ type: 'web_search_20250305', name: 'web_search', ...tool });

test('the captured WebSearch request: the hosted web_search tool, its sources, max_uses as max_tool_calls', () => {
  const body = responses(request(captured.body));
  assert.deepEqual(body.tools, [{ type: 'web_search', user_location: { type: 'approximate' } }]);
  assert.deepEqual(body.include, ['reasoning.encrypted_content', 'web_search_call.action.sources']);
  assert.equal(body.max_tool_calls, 8);
  assert.equal(body.tool_choice, undefined, 'auto is OpenAI\'s default');
  assert.equal(body.reasoning?.effort, 'medium');
});

test('allowed_domains become filters (bare domains), user_location keeps its fields', () => {
  const body = responses(request({
    tools: [searchTool({ allowed_domains: ['https://nodejs.org', 'github.com/nodejs'], user_location: { type: 'approximate', city: 'Berlin', country: 'DE', timezone: 'Europe/Berlin' } })],
  }));
  assert.deepEqual(body.tools, [{
    type: 'web_search',
    filters: { allowed_domains: ['nodejs.org', 'github.com/nodejs'] },
    user_location: { type: 'approximate', city: 'Berlin', country: 'DE', timezone: 'Europe/Berlin' },
  }]);
  assert.equal(body.max_tool_calls, undefined, 'no max_uses, no limit');
});

test('client tools stay functions beside the search; a choice of the search tool names it', () => {
  const tools = [{ name: 'Read', input_schema: { type: 'object', properties: {} } }, searchTool()] as any;
  const named = responses(request({ tools, tool_choice: { type: 'tool', name: 'web_search' } }));
  assert.deepEqual((named.tools as any[]).map((tool) => tool.type), ['function', 'web_search']);
  assert.deepEqual(named.tool_choice, { type: 'allowed_tools', mode: 'required', tools: [{ type: 'web_search' }] });
  const any = responses(request({ tools: [searchTool()], tool_choice: { type: 'any' } }));
  assert.equal(any.tool_choice, 'required');
});

test('a search never runs at effort minimal, which OpenAI refuses with web search', () => {
  const minimal = route({ api: 'responses', model: 'gpt-5-mini', reasoningEffort: 'minimal' });
  assert.equal(responses(request({ tools: [searchTool()] as any }), minimal).reasoning?.effort, 'low');
  assert.equal(responses(request({}), minimal).reasoning?.effort, 'minimal', 'without the tool the route\'s effort stands');
});

test('a non-reasoning model gets the sources asked for, and no encrypted reasoning', () => {
  const body = responses(request({ tools: [searchTool()] }), route({ api: 'responses', model: 'gpt-4.1' }));
  assert.deepEqual(body.include, ['web_search_call.action.sources']);
});

test('past search blocks in history reach the model as assistant text', () => {
  const body = responses(request({
    messages: [
      { role: 'user', content: 'search node 24' },
      { role: 'assistant', content: [
        { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: { query: 'node 24 release' } },
        { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_1', content: [{ type: 'web_search_result', url: 'https://nodejs.org/en/blog/release/v24.0.0', title: 'Node.js 24.0.0', encrypted_content: 'Eq0K', page_age: null }] },
        { type: 'text', text: 'Node 24 came out in May 2025.', citations: [{ type: 'web_search_result_location', url: 'https://nodejs.org/en/blog/release/v24.0.0', title: 'Node.js 24.0.0', encrypted_index: 'x', cited_text: 'May 2025' }] },
      ] },
      { role: 'user', content: 'thanks' },
    ] as any,
  }));
  assert.deepEqual((body.input as any[]).slice(1, 4), [
    { type: 'message', role: 'assistant', content: '(Searched the web for: node 24 release)' },
    { type: 'message', role: 'assistant', content: 'Web search results:\n- Node.js 24.0.0: https://nodejs.org/en/blog/release/v24.0.0' },
    { type: 'message', role: 'assistant', content: 'Node 24 came out in May 2025.' },
  ]);
});
