// OpenAI Responses API answers -> Anthropic messages, for cases the fake does not script.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { REPEATED_IN_FINAL_EVENTS, translateResponse, translateResponsesStream } from '../../../../src/proxy/openai/responses/translate';
import { collectingTranslation as translation, streamOf, testSigner } from '../../../helpers/translate';

test('a whole Responses answer: reasoning, text, function call, cached usage', () => {
  const { collector, t } = translation();
  translateResponse({
    id: 'resp_1', object: 'response', status: 'completed', model: 'gpt-5-codex',
    output: [
      { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'Plan.' }], encrypted_content: 'ENC' },
      { type: 'message', id: 'msg_1', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Calling.', annotations: [] }] },
      { type: 'function_call', id: 'fc_1', call_id: 'call_1', name: 'Bash', arguments: '{"command":"ls"}', status: 'completed' },
    ],
    usage: { input_tokens: 1000, input_tokens_details: { cached_tokens: 800 }, output_tokens: 50, output_tokens_details: { reasoning_tokens: 30 }, total_tokens: 1050 },
  } as any, t);
  const message = collector.result();
  const [thinking, text, tool] = message.content as any[];
  assert.equal(thinking.thinking, 'Plan.');
  assert.deepEqual(testSigner.verify(thinking.signature), { encrypted: 'ENC', summary: ['Plan.'] });
  assert.equal(text.text, 'Calling.');
  assert.deepEqual(tool, { type: 'tool_use', id: 'call_1', name: 'Bash', input: { command: 'ls' } });
  assert.equal(message.stop_reason, 'tool_use');
  assert.deepEqual(message.usage, { input_tokens: 200, output_tokens: 50, cache_creation_input_tokens: 0, cache_read_input_tokens: 800 });
});

test('an incomplete Responses answer is max_tokens, a content filter a refusal', () => {
  for (const [reason, expected] of [['max_output_tokens', 'max_tokens'], ['content_filter', 'refusal']] as const) {
    const { collector, t } = translation();
    translateResponse({ status: 'incomplete', incomplete_details: { reason }, output: [], usage: null } as any, t);
    assert.equal(collector.result().stop_reason, expected);
  }
});

test('the stream translator never reads the members its final events are stripped of (sse-events.ts drops them unread)', async () => {
  const unreadable = (response: Record<string, unknown>) => {
    for (const member of REPEATED_IN_FINAL_EVENTS.members) {
      Object.defineProperty(response, member, { enumerable: true, get: () => assert.fail(`the translator read response.${member}`) });
    }
    return response;
  };
  for (const status of ['completed', 'incomplete'] as const) {
    const { collector, t } = translation();
    t.assembler.start();
    const final = {
      type: `response.${status}`,
      response: unreadable({ status, incomplete_details: status === 'incomplete' ? { reason: 'max_output_tokens' } : null, usage: { input_tokens: 7, output_tokens: 1 } }),
    };
    assert.ok(REPEATED_IN_FINAL_EVENTS.events.has(final.type));
    await translateResponsesStream(streamOf([{ type: 'response.output_text.delta', output_index: 0, delta: 'hi' }, final] as any[]), t);
    assert.equal(collector.result().stop_reason, status === 'completed' ? 'end_turn' : 'max_tokens');
  }
  const { t } = translation();
  t.assembler.start();
  const failed = { type: 'response.failed', response: unreadable({ status: 'failed', error: { message: 'boom', code: 'server_error' } }) };
  await assert.rejects(translateResponsesStream(streamOf([failed] as any[]), t), /boom/);
});
