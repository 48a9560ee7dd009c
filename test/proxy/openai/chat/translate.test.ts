// OpenAI Chat Completions answers -> Anthropic messages and events, for cases the fake does not
// script: whole completions and streamed chunks.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { translateChatCompletion, translateChatStream } from '../../../../src/proxy/openai/chat/translate';
import { chatCompletionChunk as chatChunk, chatUsageChunk as usageChunk, collectingTranslation as translation, streamOf as chunks } from '../../../helpers/translate';

test('a chat refusal becomes stop_reason refusal with its text', () => {
  const { collector, t } = translation();
  translateChatCompletion({
    id: 'c', object: 'chat.completion', created: 0, model: 'gpt-4o',
    choices: [{ index: 0, finish_reason: 'stop', logprobs: null, message: { role: 'assistant', content: null, refusal: 'I cannot help with that.' } }],
    usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
  } as any, t);
  const message = collector.result();
  assert.equal(message.stop_reason, 'refusal');
  assert.deepEqual(message.content, [{ type: 'text', text: 'I cannot help with that.' }]);
  assert.equal(message.model, 'claude-x');
});

test('a content_filter finish is a refusal; length is max_tokens', () => {
  for (const [finish, reason] of [['content_filter', 'refusal'], ['length', 'max_tokens'], ['tool_calls', 'tool_use']] as const) {
    const { collector, t } = translation();
    translateChatCompletion({ choices: [{ index: 0, finish_reason: finish, message: { role: 'assistant', content: 'x' } }], usage: null } as any, t);
    assert.equal(collector.result().stop_reason, reason, finish);
  }
});

test('chat: interleaved fragments of parallel tool calls land in their own tool_use blocks', async () => {
  const { collector, events, t } = translation();
  await translateChatStream(chunks([
    chatChunk({ tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'Bash', arguments: '' } }] }),
    chatChunk({ tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'Read', arguments: '{"file_' } }] }),
    chatChunk({ tool_calls: [{ index: 0, function: { arguments: '{"command":' } }] }),
    chatChunk({ tool_calls: [{ index: 1, function: { arguments: 'path":' } }, { index: 0, function: { arguments: '"ls -la"' } }] }),
    chatChunk({ tool_calls: [{ index: 1, function: { arguments: '"/tmp/a"}' } }] }),
    chatChunk({ tool_calls: [{ index: 0, function: { arguments: '}' } }] }),
    chatChunk({}, 'tool_calls'),
    usageChunk(50, 20),
  ]), t);
  const message = collector.result();
  assert.deepEqual(message.content, [
    { type: 'tool_use', id: 'call_a', name: 'Bash', input: { command: 'ls -la' } },
    { type: 'tool_use', id: 'call_b', name: 'Read', input: { file_path: '/tmp/a' } },
  ]);
  assert.equal(message.stop_reason, 'tool_use');
  // Anthropic's order: one block open at a time, each started, filled and stopped in turn.
  const blockEvents = events.filter((e) => e.type.startsWith('content_block')).map((e) => `${e.type}:${(e as { index: number }).index}`);
  assert.deepEqual(blockEvents, [
    'content_block_start:0', 'content_block_delta:0', 'content_block_delta:0', 'content_block_delta:0', 'content_block_stop:0',
    'content_block_start:1', 'content_block_delta:1', 'content_block_stop:1',
  ]);
});

test('chat: tool calls that arrive one after the other still stream the first as it comes', async () => {
  const { collector, events, t } = translation();
  const seenBeforeEnd: string[] = [];
  async function* live(): AsyncIterable<ChatCompletionChunk> {
    yield chatChunk({ tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'Bash', arguments: '{"command":"pwd"}' } }] });
    // The next chunk arrives later, as over the network.
    await new Promise((resolve) => setImmediate(resolve));
    seenBeforeEnd.push(...events.map((e) => e.type));
    yield chatChunk({ tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'Bash', arguments: '{"command":"id"}' } }] });
    yield chatChunk({}, 'tool_calls');
  }
  await translateChatStream(live(), t);
  assert.ok(seenBeforeEnd.includes('content_block_delta'), 'the first call\'s arguments were sent before the stream ended');
  assert.deepEqual(collector.result().content.map((block: any) => block.input), [{ command: 'pwd' }, { command: 'id' }]);
});
