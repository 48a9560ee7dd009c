// Claude Code tracks the context from reported usage: input + cache read + cache creation must be
// the prompt the upstream counted, or it compacts too late (or too soon).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fromChatUsage } from '../../../src/proxy/openai/chat/translate';
import { fromResponsesUsage } from '../../../src/proxy/openai/responses/translate';
import { anthropicUsage } from '../../../src/proxy/openai/usage';

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
