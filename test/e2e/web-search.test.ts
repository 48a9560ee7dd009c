// The real Claude Code CLI searches the web through the headless proxy: the main model loads
// WebSearch through ToolSearch (2.1.332 defers it) and calls it; WebSearch sends its own request
// with Anthropic's web_search server tool, which the proxy gives to the fake's hosted web search;
// the main model then receives a tool result listing the fake's links.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startFakeOpenAI, type FakeOpenAI, type RecordedRequest } from '../fake-openai';
import { runClaude, startHeadlessProxy, type HeadlessProxy } from '../helpers/processes';

const TOKEN = 'e2e-proxy-token-websearch-0123';
const MARKER = `websearch-marker-${process.pid}`;
const PAGE = `https://example.org/${MARKER}/release-notes`;
const OTHER = 'https://nodejs.org/en/blog/release/v24.0.0';
const QUERY = 'node 24 release date';
const FINAL = `The search found ${PAGE}.`;

let fake: FakeOpenAI;
let proxy: HeadlessProxy;

const items = (body: any): any[] => body.input ?? body.messages;
const toolNames = (body: any): string[] => (body.tools ?? []).map((tool: any) => tool.function?.name ?? tool.name ?? tool.type);
const toolOutputs = (body: any): string[] => items(body)
  .filter((item) => item.type === 'function_call_output' || item.role === 'tool')
  .map((item) => JSON.stringify(item.output ?? item.content));

before(async () => {
  fake = await startFakeOpenAI({
    answerFor: ({ body }) => {
      // WebSearch's own call: the hosted web_search tool and nothing else.
      if (toolNames(body).includes('web_search')) {
        return {
          kind: 'text', chunks: [`Node.js 24 was released in May 2025 ([example.org](${PAGE})).`],
          searches: [{ query: QUERY, results: [{ url: PAGE, title: 'Release notes' }, { url: OTHER, title: 'Node.js 24.0.0' }] }],
        };
      }
      if (!toolNames(body).includes('ToolSearch')) return undefined;
      switch (toolOutputs(body).length) {
        case 0: return { kind: 'tool_calls', calls: [{ name: 'ToolSearch', fragments: ['{"query":"select:WebSearch"}'] }] };
        case 1: return { kind: 'tool_calls', calls: [{ name: 'WebSearch', fragments: [JSON.stringify({ query: QUERY })] }] };
        default: return { kind: 'text', chunks: [FINAL] };
      }
    },
  });
  proxy = await startHeadlessProxy({ OPENAI_API_KEY: fake.apiKey, OPENAI_BASE_URL: fake.url, CLAUDE_PROXY_TOKEN: TOKEN });
});

after(async () => {
  await proxy?.stop();
  await fake?.close();
});

for (const target of [
  { api: 'Responses', args: [], mainPath: '/v1/responses' },
  { api: 'Chat Completions (the search runs on webSearchRoute)', args: ['--model', 'haiku'], mainPath: '/v1/chat/completions' },
]) {
  test(`WebSearch searches through the proxy and the fake's hosted search; its links reach the model (${target.api})`, async () => {
    const seen = fake.requests.length;
    const logged = proxy.stderr().length;
    const run = await runClaude(proxy.url, TOKEN, [`search the web for ${QUERY}`, ...target.args, '--allowedTools', 'WebSearch'], 120000);
    const calls: RecordedRequest[] = fake.requests.slice(seen);
    const log = proxy.stderr().slice(logged).trim().split('\n');
    const diagnosis = `${run.stdout}\n${run.stderr}\nproxy log:\n${log.join('\n')}\nupstream: ${calls.map((call) => `${call.path} ${toolNames(call.body).join(',')} ${call.rejection?.message ?? ''}`).join('\n')}`;
    assert.equal(run.code, 0, diagnosis);
    assert.equal(run.json?.result, FINAL, diagnosis);
    for (const line of log) assert.doesNotMatch(line, / 4\d\d \d+ms/, `no 4xx: ${line}`);
    assert.ok(calls.every((call) => call.rejection === undefined), diagnosis);

    const search = calls.find((call) => toolNames(call.body).includes('web_search'));
    assert.ok(search, `WebSearch's request reached the fake's hosted search\n${diagnosis}`);
    assert.equal(search.path, '/v1/responses');
    assert.equal(search.body.model, 'gpt-5-codex', 'the default table\'s webSearchRoute (or the main route, already on it)');
    assert.ok(calls.filter((call) => call !== search).every((call) => call.path === target.mainPath), 'the main loop stays on its route');
    assert.ok(search.body.include.includes('web_search_call.action.sources'));

    const last = calls.at(-1)!.body;
    const result = toolOutputs(last).at(-1) ?? '';
    assert.ok(result.includes(PAGE) && result.includes(OTHER), `the tool result lists the fake's links: ${result}`);
    // Claude Code counts the searches of WebSearch's own request per model (its `usage` is the main loop's).
    const searches = Object.values<any>(run.json?.modelUsage ?? {}).reduce((sum, model) => sum + (model.webSearchRequests ?? 0), 0);
    assert.ok(searches >= 1, `web_search_requests in ${JSON.stringify(run.json?.modelUsage)}`);
  });
}
