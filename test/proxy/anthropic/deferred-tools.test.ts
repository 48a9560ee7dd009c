// Deferred tools (tool search): a defer_loading tool reaches the model only once a tool_reference
// loads it, and the reference reads as text saying so, on both APIs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AnthropicError } from '../../../src/proxy/anthropic/errors';
import type { AnthropicMessage } from '../../../src/proxy/anthropic/schema';
import { ToolNameMap } from '../../../src/proxy/openai/tools';
import { countInputTokens } from '../../../src/proxy/tokens/count-tokens';
import { chat, request, responses } from '../../helpers/translate';

const schema = { type: 'object', properties: { q: { type: 'string' } } };
const mcpName = `mcp__docs_server__${'lookup_'.repeat(10)}page`; // over OpenAI's 64 characters
const tools = [
  { name: 'Bash', description: 'Runs a command', input_schema: schema },
  { name: 'WebFetch', description: 'Fetches a URL', input_schema: schema, defer_loading: true },
  { name: 'ToolSearch', description: 'Loads deferred tools', input_schema: schema },
  { name: mcpName, description: 'Looks a page up', input_schema: schema, defer_loading: true },
  { name: 'DeferredToolPlaceholder', description: 'never call this tool', input_schema: { type: 'object', properties: {} }, defer_loading: true },
];

/** A ToolSearch call whose result loads `loaded`, as Claude Code sends it. */
function searched(id: string, loaded: string[]): AnthropicMessage[] {
  return [
    { role: 'assistant', content: [{ type: 'tool_use', id, name: 'ToolSearch', input: { query: `select:${loaded.join(',')}` } }] },
    {
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: id, content: loaded.map((name) => ({ type: 'tool_reference', tool_name: name })) },
        { type: 'text', text: 'Tool loaded.' },
      ],
    },
  ];
}

const chatNames = (body: ReturnType<typeof chat>) => (body.tools ?? []).map((tool: any) => tool.function.name);
const responsesNames = (body: ReturnType<typeof responses>) => (body.tools ?? []).map((tool: any) => tool.name);

test('a deferred tool is not declared before a reference loads it; the placeholder never is', () => {
  const first = request({ tools, messages: [{ role: 'user', content: 'fetch a page' }] });
  assert.deepEqual(chatNames(chat(first)), ['Bash', 'ToolSearch']);
  assert.deepEqual(responsesNames(responses(first)), ['Bash', 'ToolSearch']);
});

test('loaded tools are declared as plain functions after the always-on ones, in the order they were loaded', () => {
  const body = request({ tools, messages: [{ role: 'user' as const, content: 'go' }, ...searched('toolu_1', [mcpName]), ...searched('toolu_2', ['WebFetch'])] });
  const names = new ToolNameMap(body);
  const short = names.upstream(mcpName);
  assert.notEqual(short, mcpName, 'the long MCP name is shortened upstream');
  assert.deepEqual(chatNames(chat(body)), ['Bash', 'ToolSearch', short, 'WebFetch']);
  assert.deepEqual(responsesNames(responses(body)), ['Bash', 'ToolSearch', short, 'WebFetch']);
  assert.equal(names.client(short), mcpName, 'a call to the shortened name maps back');
  const webFetch = (responses(body).tools as any[]).at(-1);
  assert.deepEqual(Object.keys(webFetch).sort(), ['description', 'name', 'parameters', 'strict', 'type'], 'no defer_loading upstream');
  const chatWebFetch = (chat(body).tools as any[]).at(-1);
  assert.deepEqual(Object.keys(chatWebFetch.function).sort(), ['description', 'name', 'parameters']);
});

test('a tool_reference reads upstream as the named tool being loaded, under its upstream name', () => {
  const body = request({ tools, messages: [{ role: 'user' as const, content: 'go' }, ...searched('toolu_1', ['WebFetch', mcpName])] });
  const short = new ToolNameMap(body).upstream(mcpName);
  const expected = `Tool WebFetch is now loaded and can be called.\nTool ${short} is now loaded and can be called.`;
  const toolMessage = chat(body).messages.find((message) => message.role === 'tool');
  assert.equal(toolMessage?.content, expected);
  const output = (responses(body).input as any[]).find((item) => item.type === 'function_call_output');
  assert.equal(output.output, expected);
});

test('a tool_reference naming a tool the request does not declare is an invalid request naming it', () => {
  const body = request({ tools, messages: [{ role: 'user' as const, content: 'go' }, ...searched('toolu_1', ['NotebookEdit'])] });
  for (const translate of [chat, responses] as const) {
    assert.throws(() => translate(body), (error: unknown) => {
      assert.ok(error instanceof AnthropicError && error.status === 400);
      assert.equal(error.message, 'messages.2.content.0.content.0.tool_name: tool_reference names "NotebookEdit", which is not in tools');
      return true;
    });
  }
});

test('tools without defer_loading go as before, in the client\'s order', () => {
  const plain = tools.filter((tool) => !tool.defer_loading);
  const body = request({ tools: [...plain].reverse(), messages: [{ role: 'user', content: 'hi' }] });
  assert.deepEqual(chatNames(chat(body)), ['ToolSearch', 'Bash']);
  assert.deepEqual(responsesNames(responses(body)), ['ToolSearch', 'Bash']);
});

test('count_tokens counts the tools the model is given: a deferred tool only once loaded', async () => {
  const messages: AnthropicMessage[] = [{ role: 'user', content: 'go' }, ...searched('toolu_1', ['WebFetch'])];
  const withoutDeferred = await countInputTokens(request({ tools: tools.filter((tool) => !tool.defer_loading), messages: messages.slice(0, 1) }));
  assert.equal(await countInputTokens(request({ tools, messages: messages.slice(0, 1) })), withoutDeferred);
  const loaded = await countInputTokens(request({ tools, messages }));
  const loadedOnly = await countInputTokens(request({ tools: tools.filter((tool) => !tool.defer_loading || tool.name === 'WebFetch'), messages }));
  assert.equal(loaded, loadedOnly);
});
