import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StopSequenceCutter } from '../../../src/proxy/anthropic/stop-sequences';

function run(sequences: string[], chunks: string[]): { text: string; matched: string | null } {
  const cutter = new StopSequenceCutter(sequences);
  let text = '';
  for (const chunk of chunks) text += cutter.push(chunk);
  if (cutter.matched === null) text += cutter.flush();
  return { text, matched: cutter.matched };
}

test('cuts at a sequence inside one chunk', () => {
  assert.deepEqual(run(['STOP'], ['hello STOP world']), { text: 'hello ', matched: 'STOP' });
});

test('finds a sequence that spans chunks', () => {
  assert.deepEqual(run(['</answer>'], ['the answer</an', 'swer> and more']), { text: 'the answer', matched: '</answer>' });
  assert.deepEqual(run(['abc'], ['xa', 'b', 'c', 'd']), { text: 'xa'.slice(0, 1), matched: 'abc' });
});

test('the earliest match wins among several sequences', () => {
  assert.deepEqual(run(['world', 'lo'], ['hello world']), { text: 'hel', matched: 'lo' });
});

test('text that only looks like a sequence start is released', () => {
  assert.deepEqual(run(['STOP'], ['ST', 'ART', ' S']), { text: 'START S', matched: null });
});

test('holds back no more than a possible prefix', () => {
  const cutter = new StopSequenceCutter(['###']);
  assert.equal(cutter.push('abc#'), 'abc');
  assert.equal(cutter.push('x'), '#x');
});
