// The fake's hosted web search (Responses API), driven by the real openai SDK: the web_search_call
// items and events, the sources only when included, url_citation annotations, and OpenAI's 400s.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import OpenAI from 'openai';
import { startFakeOpenAI, type FakeOpenAI, type ScriptedAnswer } from './';

const URL_A = 'https://nodejs.org/en/blog/release/v24.0.0';
const searching: ScriptedAnswer = {
  kind: 'text', chunks: ['Released in May 2025 ', `([nodejs.org](${URL_A})).`],
  searches: [{ query: 'node 24', results: [{ url: URL_A, title: 'Node.js 24' }] }, { query: 'node 24 lts', results: [] }],
};
const base = { model: 'gpt-5-mini', input: 'when was node 24 released?', store: false };

async function withFake(run: (fake: FakeOpenAI, client: OpenAI) => Promise<void>): Promise<void> {
  const fake = await startFakeOpenAI();
  try {
    await run(fake, new OpenAI({ apiKey: fake.apiKey, baseURL: fake.url, maxRetries: 0 }));
  } finally {
    await fake.close();
  }
}

test('streamed: web_search_call items with their events, then text with its annotation', async () => {
  await withFake(async (fake, client) => {
    fake.script(searching);
    const stream = await client.responses.create({ ...base, tools: [{ type: 'web_search' }], include: ['web_search_call.action.sources'], stream: true });
    const events: any[] = [];
    for await (const event of stream) events.push(event);
    const types = events.map((event) => event.type);
    const first = types.indexOf('response.output_item.added');
    assert.deepEqual(types.slice(first, first + 5), [
      'response.output_item.added', 'response.web_search_call.in_progress', 'response.web_search_call.searching', 'response.web_search_call.completed', 'response.output_item.done',
    ]);
    assert.deepEqual(events[first].item.action, { type: 'search' }, 'the query comes with the finished item');
    assert.deepEqual(events[first + 4].item.action, { type: 'search', query: 'node 24', queries: ['node 24'], sources: [{ type: 'url', url: URL_A }] });
    const annotation = events.find((event) => event.type === 'response.output_text.annotation.added');
    const text = 'Released in May 2025 ' + `([nodejs.org](${URL_A})).`;
    assert.deepEqual(annotation.annotation, { type: 'url_citation', start_index: 21, end_index: text.length - 1, url: URL_A, title: 'Node.js 24' });
    assert.ok(types.indexOf('response.output_text.annotation.added') > types.lastIndexOf('response.output_text.delta'), 'after the text it annotates');
    const final = events.at(-1).response;
    assert.deepEqual(final.output.map((item: any) => item.type), ['web_search_call', 'web_search_call', 'message']);
    assert.deepEqual(final.output[2].content[0].annotations, [annotation.annotation]);
  });
});

test('whole: sources only with the include; no searches without the tool; max_tool_calls caps them', async () => {
  await withFake(async (fake, client) => {
    fake.script(searching, searching, searching);
    const plain = await client.responses.create({ ...base, tools: [{ type: 'web_search' }] });
    assert.equal((plain.output[0] as any).action.sources, undefined);
    const none = await client.responses.create(base);
    assert.deepEqual(none.output.map((item) => item.type), ['message'], 'a model without the tool cannot search');
    const capped = await client.responses.create({ ...base, tools: [{ type: 'web_search' }], max_tool_calls: 1 });
    assert.deepEqual(capped.output.map((item) => item.type), ['web_search_call', 'message']);
  });
});

test('OpenAI\'s 400s: a model without web search, effort minimal, bad tool parameters, a hosted tool on Chat Completions', async () => {
  await withFake(async (fake, client) => {
    const refused = async (body: any, param: string | null, message: RegExp, path: 'responses' | 'chat' = 'responses') => {
      const call = path === 'responses' ? client.responses.create(body) : client.chat.completions.create(body);
      const error = await call.then(() => assert.fail('expected a 400'), (e: unknown) => e as InstanceType<typeof OpenAI.APIError>);
      assert.equal(error.status, 400);
      assert.equal((error.error as any)?.param ?? null, param);
      assert.match(error.message, message);
    };
    await refused({ ...base, model: 'gpt-4.1-nano', tools: [{ type: 'web_search' }] }, 'tools', /Hosted tool 'web_search' is not supported with gpt-4\.1-nano-2025-04-14\./);
    await refused({ ...base, reasoning: { effort: 'minimal' }, tools: [{ type: 'web_search' }] }, 'tools', /cannot be used with reasoning\.effort 'minimal': web_search/);
    await refused({ ...base, tools: [{ type: 'web_search', filters: { blocked_domains: ['x.com'] } }] }, 'tools[0].filters.blocked_domains', /Unknown parameter/);
    await refused({ ...base, tools: [{ type: 'web_search', user_location: { type: 'exact' } }] }, 'tools[0].user_location.type', /Invalid value: 'exact'/);
    await refused({ ...base, tools: [{ type: 'web_search' }], max_tool_calls: 0 }, 'max_tool_calls', /max_tool_calls/);
    await refused({ model: 'gpt-5-mini', messages: [{ role: 'user', content: 'hi' }], tools: [{ type: 'web_search' }] }, 'tools[0].type', /Invalid value: 'web_search'/, 'chat');
    assert.ok(fake.requests.every((request) => request.rejection !== undefined));
  });
});
