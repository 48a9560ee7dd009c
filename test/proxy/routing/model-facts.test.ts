// The context windows of OpenAI's models, a route's input window, and the compaction window.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { autoCompactWindow, inputWindow, modelWindow } from '../../../src/proxy/routing/model-facts';
import { defaultRouteTable, parseRouteTable } from '../../../src/proxy/routing/table';

test('OpenAI\'s models have their published windows; dated snapshots match their family', () => {
  const cases: [string, number, number][] = [
    ['gpt-5', 400_000, 128_000], ['gpt-5-mini', 400_000, 128_000], ['gpt-5-nano-2025-08-07', 400_000, 128_000],
    ['gpt-5-codex', 400_000, 128_000], ['gpt-5.1', 400_000, 128_000], ['gpt-5.1-codex-max', 400_000, 128_000],
    ['gpt-5-chat-latest', 128_000, 16_384], ['gpt-4.1', 1_047_576, 32_768], ['gpt-4.1-mini', 1_047_576, 32_768],
    ['gpt-4o-2024-08-06', 128_000, 16_384], ['gpt-4o-mini', 128_000, 16_384], ['o3', 200_000, 100_000], ['o4-mini', 200_000, 100_000],
    ['openai/gpt-5', 400_000, 128_000],
  ];
  for (const [model, context, output] of cases) assert.deepEqual(modelWindow(model), { contextWindow: context, maxOutputTokens: output }, model);
  for (const model of ['llama3.1', 'gpt-5.2', 'gpt-4o-audio-preview', 'o1-mini', 'gpt-50']) assert.equal(modelWindow(model), undefined, model);
});

test('a route\'s input window: the context less the output room; its own contextWindow wins', () => {
  assert.equal(inputWindow({ model: 'gpt-5-codex', maxOutputTokens: 8192 }), 272_000, 'as OpenAI enforces for the GPT-5 family');
  assert.equal(inputWindow({ model: 'gpt-4o', maxOutputTokens: 4096 }), 111_616);
  assert.equal(inputWindow({ model: 'gpt-5-codex', contextWindow: 200_000, maxOutputTokens: 8192 }), 72_000);
  assert.equal(inputWindow({ model: 'llama3.1', contextWindow: 131_072, maxOutputTokens: 2048 }), 129_024, 'unknown model: the route\'s own output cap');
  assert.equal(inputWindow({ model: 'llama3.1', maxOutputTokens: 2048 }), undefined);
});

test('the compaction window is the smallest known input window of the routes', () => {
  assert.equal(autoCompactWindow(parseRouteTable(defaultRouteTable).routes), 272_000);
  assert.equal(autoCompactWindow([{ model: 'gpt-5-codex', maxOutputTokens: 8192 }, { model: 'gpt-4o', maxOutputTokens: 4096 }, { model: 'llama3.1', maxOutputTokens: 1 }]), 111_616);
  assert.equal(autoCompactWindow([{ model: 'llama3.1', maxOutputTokens: 2048 }]), undefined);
});
