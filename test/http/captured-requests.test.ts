// Every request captured from the real Claude Code CLI, sent through the proxy to the strict
// fake OpenAI server on both APIs: the fake accepts the translation and the client gets a
// well-formed answer.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { capturedRequests } from '../helpers/fixtures';
import { post, sseEvents, startHarness, type Harness } from '../helpers/harness';

let h: Harness;
before(async () => { h = await startHarness(); });
after(async () => { await h.close(); });

const apis = [
  { route: 'claude-sonnet-4-5', api: 'responses', path: '/v1/responses' },
  { route: 'claude-haiku-4-5', api: 'chat', path: '/v1/chat/completions' },
  { route: 'claude-chat-classic', api: 'chat (non-reasoning model)', path: '/v1/chat/completions' },
];

for (const captured of capturedRequests()) {
  const path = captured.url.split('?')[0];
  if (path === '/v1/messages/count_tokens') {
    test(`${captured.file}: counted locally`, async () => {
      const before = h.fake.requests.length;
      const response = await post(h.url, captured.url, captured.body);
      assert.equal(response.status, 200);
      const { input_tokens } = (await response.json() as any);
      assert.ok(input_tokens > 5000 && input_tokens < 20000, `input_tokens ${input_tokens}`);
      assert.equal(h.fake.requests.length, before);
    });
    continue;
  }
  for (const target of apis) {
    test(`${captured.file} as ${target.api}: accepted upstream, answered in Anthropic format`, async () => {
      const body = { ...captured.body, model: target.route };
      h.fake.script({ kind: 'tool_calls', text: 'Working.', calls: [{ name: 'Bash', fragments: ['{"command":"ls"', '}'] }] });
      const before = h.fake.requests.length;
      const response = await post(h.url, captured.url, body, { authorization: 'Bearer test-proxy-token-0123456789', 'anthropic-version': '2023-06-01' });
      const upstream = h.fake.requests.slice(before);
      assert.equal(upstream.length, 1);
      // A web search runs on the Responses API (webSearchRoute when the route asked for has Chat Completions).
      assert.equal(upstream[0].path, searches(captured.body) ? '/v1/responses' : target.path);
      assert.equal(response.status, 200, await response.clone().text());
      if (captured.body.stream) {
        const events = await sseEvents(response);
        assert.equal(events[0].event, 'message_start');
        assert.equal(events.at(-1)!.event, 'message_stop');
        const delta = events.find((e) => e.event === 'message_delta')!;
        assert.equal(delta.data.delta.stop_reason, 'tool_use');
      } else {
        const message = (await response.json() as any);
        assert.equal(message.stop_reason, 'tool_use');
        assert.deepEqual(message.content[1].input, { command: 'ls' });
      }
      const sent = JSON.stringify(upstream[0].body);
      assert.ok(!sent.includes('x-anthropic-billing-header'), 'billing header dropped');
      assert.ok(!sent.includes('cache_control'), 'Anthropic-only fields are not sent');
      assert.deepEqual(upstreamToolNames(upstream[0].body), expectedToolNames(captured.body), 'the tools declared upstream');
      for (const name of loadedNames(captured.body)) assert.ok(sent.includes(`Tool ${name} is now loaded and can be called.`), `${name}: the reference reads as text`);
      if (target.api === 'responses') {
        const untyped = upstream[0].body.input.filter((item: any) => item.role !== undefined && item.type !== 'message');
        assert.deepEqual(untyped, [], 'every input message says type "message" (llama.cpp refuses one without)');
      }
    });
  }
}

/** Tools the model may call: the client tools not deferred, in the client's order, then the
 *  deferred ones a tool_reference loaded, then OpenAI's hosted web_search for Anthropic's
 *  web_search_… server tool; never a deferred tool nothing loaded (Claude Code's
 *  DeferredToolPlaceholder). */
function expectedToolNames(body: any): string[] {
  const client = (body.tools ?? []).filter((tool: any) => tool.type === undefined || tool.type === 'custom');
  const deferred = new Map(client.filter((tool: any) => tool.defer_loading).map((tool: any) => [tool.name, tool]));
  return [
    ...client.filter((tool: any) => !tool.defer_loading).map((tool: any) => tool.name),
    ...loadedNames(body).filter((name) => deferred.has(name)),
    ...(searches(body) ? ['web_search'] : []),
  ];
}

function searches(body: any): boolean {
  return (body.tools ?? []).some((tool: any) => /^web_search_\d{8}$/.test(tool.type ?? ''));
}

function loadedNames(body: any): string[] {
  const blocks = body.messages.flatMap((message: any) => (Array.isArray(message.content) ? message.content : []));
  const inner = blocks.flatMap((block: any) => (block.type === 'tool_result' && Array.isArray(block.content) ? block.content : []));
  return [...new Set<string>(inner.filter((part: any) => part.type === 'tool_reference').map((part: any) => part.tool_name))];
}

function upstreamToolNames(body: any): string[] {
  return (body.tools ?? []).map((tool: any) => tool.function?.name ?? tool.name ?? tool.type);
}
