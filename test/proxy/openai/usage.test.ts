// Claude Code tracks the context from reported usage: input + cache read + cache creation must be
// the prompt the upstream counted, or it compacts too late (or too soon).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ResponseStreamEvent } from 'openai/resources/responses/responses';
import { fromChatUsage, translateChatStream } from '../../../src/proxy/openai/chat/translate';
import { fromResponsesUsage, translateResponsesStream } from '../../../src/proxy/openai/responses/translate';
import { anthropicUsage, type UpstreamUsage } from '../../../src/proxy/openai/usage';
import { chatCompletionChunk as chatChunk, chatUsageChunk as usageChunk, collectingTranslation as translation, streamOf as chunks } from '../../helpers/translate';

const promptOf = (usage: ReturnType<typeof anthropicUsage>) => usage.input_tokens + (usage.cache_read_input_tokens ?? 0) + (usage.cache_creation_input_tokens ?? 0);

test('Chat Completions: cached tokens are cache reads, the rest uncached input, nothing written', () => {
  const usage = anthropicUsage(fromChatUsage({ prompt_tokens: 72_000, completion_tokens: 40, prompt_tokens_details: { cached_tokens: 41_984 } }));
  assert.deepEqual(usage, { input_tokens: 30_016, output_tokens: 40, cache_creation_input_tokens: 0, cache_read_input_tokens: 41_984 });
  assert.equal(promptOf(usage), 72_000);
});

test('Responses API: the same, and a server\'s cache writes are reported as cache creation', () => {
  const openai = anthropicUsage(fromResponsesUsage({ input_tokens: 72_000, output_tokens: 40, input_tokens_details: { cached_tokens: 41_984 } }));
  assert.deepEqual(openai, { input_tokens: 30_016, output_tokens: 40, cache_creation_input_tokens: 0, cache_read_input_tokens: 41_984 });
  const writes = anthropicUsage(fromResponsesUsage({ input_tokens: 72_000, output_tokens: 40, input_tokens_details: { cached_tokens: 1_000, cache_write_tokens: 30_000 } }));
  assert.deepEqual(writes, { input_tokens: 41_000, output_tokens: 40, cache_creation_input_tokens: 30_000, cache_read_input_tokens: 1_000 });
  assert.equal(promptOf(writes), 72_000);
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
