import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ResponseAssembler } from '../../../src/proxy/anthropic/assembler';
import type { StreamEvent } from '../../../src/proxy/anthropic/events';
import { MessageCollector } from '../../../src/proxy/anthropic/message-collector';

function record(stopSequences?: string[]) {
  const events: StreamEvent[] = [];
  const assembler = new ResponseAssembler({ emit: (event) => events.push(event) }, { messageId: 'msg_1', model: 'claude-x', stopSequences });
  return { events, assembler };
}

const usage = { input_tokens: 3, output_tokens: 4 };

test('text, thinking and tool blocks get consecutive indices and are closed in order', () => {
  const { events, assembler } = record();
  assembler.start();
  assembler.thinking('plan');
  assembler.thinkingSignature('sig');
  assembler.text('Hi');
  assembler.toolStart('call_1', 'Bash');
  assembler.toolArguments('{"a"');
  assembler.toolArguments(':1}');
  assembler.toolStart('call_2', 'Read');
  assembler.finish('end_turn', usage);
  assert.deepEqual(events.map((e) => e.type + ('index' in e ? `:${e.index}` : '')), [
    'message_start',
    'content_block_start:0', 'content_block_delta:0', 'content_block_delta:0', 'content_block_stop:0',
    'content_block_start:1', 'content_block_delta:1', 'content_block_stop:1',
    'content_block_start:2', 'content_block_delta:2', 'content_block_delta:2', 'content_block_stop:2',
    'content_block_start:3', 'content_block_stop:3',
    'message_delta', 'message_stop',
  ]);
  const delta = events.find((e) => e.type === 'message_delta') as any;
  assert.equal(delta.delta.stop_reason, 'tool_use', 'tool calls end the turn with tool_use');
  assert.deepEqual(delta.usage, usage);
});

test('no empty text block is ever sent', () => {
  const { events, assembler } = record();
  assembler.text('');
  assembler.finish('end_turn', usage);
  assert.ok(!events.some((e) => e.type === 'content_block_start'));
  assert.deepEqual(events.map((e) => e.type), ['message_start', 'message_delta', 'message_stop']);
});

test('a stop sequence cuts the text and is reported with stop_reason stop_sequence', () => {
  const collector = new MessageCollector();
  const assembler = new ResponseAssembler(collector, { messageId: 'm', model: 'c', stopSequences: ['</x>'] });
  assembler.text('one </');
  assembler.text('x> two');
  assert.ok(assembler.stoppedBySequence);
  assembler.text('more');
  assembler.finish('end_turn', usage);
  const message = collector.result();
  assert.deepEqual(message.content, [{ type: 'text', text: 'one ' }]);
  assert.equal(message.stop_reason, 'stop_sequence');
  assert.equal(message.stop_sequence, '</x>');
});

test('held-back text is released when the answer ends without a match', () => {
  const collector = new MessageCollector();
  const assembler = new ResponseAssembler(collector, { messageId: 'm', model: 'c', stopSequences: ['STOP'] });
  assembler.text('almost ST');
  assembler.finish('max_tokens', usage);
  assert.deepEqual(collector.result().content, [{ type: 'text', text: 'almost ST' }]);
  assert.equal(collector.result().stop_reason, 'max_tokens');
});

test('the collector parses tool input and keeps unparsable arguments visible', () => {
  const collector = new MessageCollector();
  const assembler = new ResponseAssembler(collector, { messageId: 'm', model: 'c' });
  assembler.toolStart('c1', 'A');
  assembler.toolArguments('{"x": [1, 2]}');
  assembler.toolStart('c2', 'B');
  assembler.toolArguments('{"broken"');
  assembler.toolStart('c3', 'C');
  assembler.finish('tool_use', usage);
  assert.deepEqual(collector.result().content, [
    { type: 'tool_use', id: 'c1', name: 'A', input: { x: [1, 2] } },
    { type: 'tool_use', id: 'c2', name: 'B', input: { _raw_arguments: '{"broken"' } },
    { type: 'tool_use', id: 'c3', name: 'C', input: {} },
  ]);
});

test('redacted thinking is a block of its own', () => {
  const collector = new MessageCollector();
  const assembler = new ResponseAssembler(collector, { messageId: 'm', model: 'c' });
  assembler.redactedThinking('opaque');
  assembler.text('answer');
  assembler.finish('end_turn', usage);
  assert.deepEqual(collector.result().content, [{ type: 'redacted_thinking', data: 'opaque' }, { type: 'text', text: 'answer' }]);
});
