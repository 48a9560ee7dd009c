// Whole (non-streaming) OpenAI answers -> Anthropic messages, for cases the fake does not script.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ResponseAssembler } from '../../../src/proxy/anthropic/assembler';
import { MessageCollector } from '../../../src/proxy/anthropic/message-collector';
import { translateChatCompletion } from '../../../src/proxy/openai/chat/translate';
import { translateResponse } from '../../../src/proxy/openai/responses/translate';
import { testSigner } from '../../helpers/translate';

function translation() {
  const collector = new MessageCollector();
  const assembler = new ResponseAssembler(collector, { messageId: 'msg_t', model: 'claude-x' });
  return { collector, t: { assembler, signer: testSigner, clientToolName: (name: string) => name } };
}

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

test('the reasoning signature refuses tampering and other keys', () => {
  const signature = testSigner.sign({ encrypted: 'E', summary: ['s'] });
  assert.ok(testSigner.verify(signature));
  const { ReasoningSigner } = require('../../../src/proxy/openai/reasoning-signature');
  assert.equal(new ReasoningSigner(Buffer.from('another key')).verify(signature), undefined);
  const [prefix, body, mac] = [signature.slice(0, 5), signature.slice(5, signature.lastIndexOf('.')), signature.slice(signature.lastIndexOf('.') + 1)];
  const tampered = Buffer.from(JSON.stringify({ e: 'EVIL', s: ['s'] })).toString('base64url');
  assert.equal(testSigner.verify(`${prefix}${tampered}.${mac}`), undefined);
  assert.ok(body.length > 0);
  assert.equal(testSigner.verify(undefined), undefined);
  assert.equal(testSigner.verify('EqQBCkgIARAB'), undefined);
});
