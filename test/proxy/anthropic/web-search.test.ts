import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AnthropicError } from '../../../src/proxy/anthropic/errors';
import { decodeSearchResult, encodeSearchResult, pastSearchResultText, urlMatchesDomain, webSearchSettings } from '../../../src/proxy/anthropic/web-search';
import { capturedRequests } from '../../helpers/fixtures';
import { request } from '../../helpers/translate';

const captured = capturedRequests().find((fixture) => fixture.file.startsWith('14-'))!;
const withTool = (tool: Record<string, unknown>) => request({ tools: [{ type: 'web_search_20250305', name: 'web_search', ...tool }] });
const refusal = (message: RegExp) => (error: unknown) => error instanceof AnthropicError && error.status === 400 && message.test(error.message);

test('the captured WebSearch request declares the server tool with max_uses 8', () => {
  assert.deepEqual(webSearchSettings(request(captured.body)), { name: 'web_search', maxUses: 8 });
});

test('every dated web_search version is the search tool; a request without one has none', () => {
  for (const type of ['web_search_20250305', 'web_search_20260209', 'web_search_20260318']) {
    assert.equal(webSearchSettings(request({ tools: [{ type, name: 'web_search' }] as any }))?.name, 'web_search', type);
  }
  assert.equal(webSearchSettings(request({ tools: [{ name: 'Bash', input_schema: { type: 'object' } }] })), undefined);
});

test('allowed_domains, blocked_domains and user_location are read; the two lists together are a 400', () => {
  assert.deepEqual(webSearchSettings(withTool({ allowed_domains: ['nodejs.org'], user_location: { type: 'approximate', city: 'Berlin', country: 'DE', timezone: 'Europe/Berlin' } })), {
    name: 'web_search', allowedDomains: ['nodejs.org'], userLocation: { city: 'Berlin', country: 'DE', timezone: 'Europe/Berlin' },
  });
  assert.deepEqual(webSearchSettings(withTool({ blocked_domains: ['example.com'] }))?.blockedDomains, ['example.com']);
  assert.throws(() => webSearchSettings(withTool({ allowed_domains: ['a.com'], blocked_domains: ['b.com'] })), refusal(/tools\.0: allowed_domains and blocked_domains cannot be used together/));
  assert.throws(() => webSearchSettings(withTool({ max_uses: 0 })), refusal(/tools\.0\.max_uses: expected an integer of at least 1/));
  assert.throws(() => webSearchSettings(withTool({ user_location: { type: 'exact' } })), refusal(/tools\.0\.user_location\.type/));
});

test('errors name the tool by its place in the request', () => {
  const tools = [
    { name: 'Later', input_schema: { type: 'object' }, defer_loading: true },
    { name: 'Read', input_schema: { type: 'object' } },
    { type: 'web_search_20250305', name: 'web_search', max_uses: -1 },
  ];
  assert.throws(() => webSearchSettings(request({ tools: tools })), refusal(/^tools\.2\.max_uses/));
});

test('the web_fetch server tool is a 400 that names it', () => {
  assert.throws(() => webSearchSettings(request({ tools: [{ type: 'web_fetch_20250910', name: 'web_fetch' }] })), refusal(/tools\.0: the server tool web_fetch_20250910 \("web_fetch"\) is not served by this proxy/));
});

test('domains match their subdomains and paths, and nothing else', () => {
  assert.ok(urlMatchesDomain('https://docs.example.com/a', ['example.com']));
  assert.ok(urlMatchesDomain('https://www.example.com/blog/post', ['example.com/blog']));
  assert.ok(!urlMatchesDomain('https://example.com/shop', ['example.com/blog']));
  assert.ok(!urlMatchesDomain('https://notexample.com/', ['example.com']));
  assert.ok(!urlMatchesDomain('not a url', ['example.com']));
});

test('a past search result reads back as links, from the proxy\'s encrypted_content first', () => {
  const encrypted = encodeSearchResult('https://nodejs.org/blog', 'Node.js 24');
  assert.deepEqual(decodeSearchResult(encrypted), { url: 'https://nodejs.org/blog', title: 'Node.js 24' });
  assert.equal(decodeSearchResult('Eq0KCio-anthropic-own'), undefined);
  assert.equal(pastSearchResultText([
    { type: 'web_search_result', url: 'https://ignored.example', title: 'x', encrypted_content: encrypted },
    { type: 'web_search_result', url: 'https://other.example/p', title: 'Other', page_age: 'May 6, 2025', encrypted_content: 'Eq0K' },
  ]), 'Web search results:\n- Node.js 24: https://nodejs.org/blog\n- Other: https://other.example/p (May 6, 2025)');
  assert.equal(pastSearchResultText({ type: 'web_search_tool_result_error', error_code: 'max_uses_exceeded' }), '(The web search failed: max_uses_exceeded)');
});
