// Streamed OpenAI answers -> Anthropic events, for stream shapes the fake does not produce.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { ResponseStreamEvent } from 'openai/resources/responses/responses';
import { ResponseAssembler } from '../../../src/proxy/anthropic/assembler';
import type { StreamEvent } from '../../../src/proxy/anthropic/events';
import { MessageCollector } from '../../../src/proxy/anthropic/message-collector';
import { translateChatStream } from '../../../src/proxy/openai/chat/translate';
import { translateResponsesStream } from '../../../src/proxy/openai/responses/translate';
import type { UpstreamUsage } from '../../../src/proxy/openai/usage';
import { testSigner } from '../../helpers/translate';

function translation(options: { stopSequences?: string[]; estimate?: UpstreamUsage } = {}) {
  const collector = new MessageCollector();
  const events: StreamEvent[] = [];
  const sink = { emit: (event: StreamEvent) => { events.push(event); collector.emit(event); } };
  const assembler = new ResponseAssembler(sink, { messageId: 'msg_s', model: 'claude-x', stopSequences: options.stopSequences });
  const estimated: number[] = [];
  const t = {
    assembler, signer: testSigner, clientToolName: (name: string) => name,
    estimateUsage: options.estimate && (async (outputChars: number) => { estimated.push(outputChars); return options.estimate!; }),
  };
  return { collector, events, t, estimated };
}

async function* chunks<T>(items: T[]): AsyncIterable<T> {
  for (const item of items) yield item;
}

type ToolDelta = { index: number; id?: string; type?: 'function'; function?: { name?: string; arguments?: string } };
const chatChunk = (delta: { content?: string; tool_calls?: ToolDelta[] }, finish: string | null = null): ChatCompletionChunk =>
  ({ id: 'c', object: 'chat.completion.chunk', created: 0, model: 'm', choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }] }) as ChatCompletionChunk;
const usageChunk = (prompt: number, completion: number): ChatCompletionChunk =>
  ({ id: 'c', object: 'chat.completion.chunk', created: 0, model: 'm', choices: [], usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion } }) as ChatCompletionChunk;

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
    seenBeforeEnd.push(...events.map((e) => e.type));
    yield chatChunk({ tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'Bash', arguments: '{"command":"id"}' } }] });
    yield chatChunk({}, 'tool_calls');
  }
  await translateChatStream(live(), t);
  assert.ok(seenBeforeEnd.includes('content_block_delta'), 'the first call\'s arguments were sent before the stream ended');
  assert.deepEqual(collector.result().content.map((block: any) => block.input), [{ command: 'pwd' }, { command: 'id' }]);
});

test('usage the upstream never reported is estimated; usage it reported is kept', async () => {
  const estimate: UpstreamUsage = { input: 900, cached: 0, cacheWrite: 0, output: 4, reasoning: 0 };

  // Chat cut by a stop sequence: the usage chunk never comes.
  const cut = translation({ stopSequences: ['STOP'], estimate });
  await translateChatStream(chunks([chatChunk({ content: 'Hello ' }), chatChunk({ content: 'STOP and more' })]), cut.t);
  assert.equal(cut.collector.result().stop_reason, 'stop_sequence');
  assert.deepEqual(cut.collector.result().usage, { input_tokens: 900, output_tokens: 4, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 });
  assert.deepEqual(cut.estimated, ['Hello STOP and more'.length]);

  // Responses cut by a stop sequence: response.completed never comes.
  const cutResponses = translation({ stopSequences: ['STOP'], estimate });
  await translateResponsesStream(chunks([
    { type: 'response.output_text.delta', delta: 'Hi STOP', output_index: 0, item_id: 'm', content_index: 0, sequence_number: 1, logprobs: [] },
  ] as unknown as ResponseStreamEvent[]), cutResponses.t);
  assert.equal(cutResponses.collector.result().usage.input_tokens, 900);
  assert.equal(cutResponses.collector.result().stop_sequence, 'STOP');

  // A stream that reported its usage keeps it, and nothing is estimated.
  const reported = translation({ estimate });
  await translateChatStream(chunks([chatChunk({ content: 'ok' }), chatChunk({}, 'stop'), usageChunk(120, 3)]), reported.t);
  assert.equal(reported.collector.result().usage.input_tokens, 120);
  assert.equal(reported.collector.result().usage.output_tokens, 3);
  assert.deepEqual(reported.estimated, []);
});
