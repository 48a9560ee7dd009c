import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ReasoningMemory } from '../../../src/proxy/openai/reasoning-memory';

const payload = (encrypted: string) => [{ encrypted, summary: [] }];

function memoryAt(limits: Partial<{ maxEntries: number; maxBytes: number; ttlMs: number }>) {
  const clock = { now: 0 };
  const memory = new ReasoningMemory({ maxEntries: 100, maxBytes: 1_000_000, ttlMs: 1000, ...limits }, () => clock.now);
  return { memory, clock };
}

test('remembered reasoning is recalled by its key, and only by it', () => {
  const { memory } = memoryAt({});
  memory.remember('call_1', 'me', payload('E1'));
  assert.deepEqual(memory.recall('call_1', 'me'), payload('E1'));
  assert.equal(memory.recall('call_2', 'me'), undefined);
});

test('past the entry limit the oldest entry goes', () => {
  const { memory } = memoryAt({ maxEntries: 2 });
  memory.remember('a', 'me', payload('A'));
  memory.remember('b', 'me', payload('B'));
  memory.remember('c', 'me', payload('C'));
  assert.equal(memory.size, 2);
  assert.equal(memory.recall('a', 'me'), undefined);
  assert.deepEqual(memory.recall('b', 'me'), payload('B'));
  assert.deepEqual(memory.recall('c', 'me'), payload('C'));
});

test('past the byte limit the oldest entries go, and the count of bytes follows', () => {
  const { memory } = memoryAt({ maxBytes: 25 });
  memory.remember('k1', 'me', payload('x'.repeat(10)));
  memory.remember('k2', 'me', payload('y'.repeat(10)));
  assert.equal(memory.bytes, 24);
  memory.remember('k3', 'me', payload('z'.repeat(10)));
  assert.equal(memory.recall('k1', 'me'), undefined);
  assert.equal(memory.bytes, 24);
  memory.remember('big', 'me', payload('w'.repeat(100)));
  assert.equal(memory.recall('big', 'me'), undefined, 'an entry larger than the whole budget is not kept');
  assert.equal(memory.size, 2);
  memory.remember('k2', 'me', payload('v'));
  assert.equal(memory.bytes, 15, 'a key remembered again replaces its entry');
});

test('an entry unused for the TTL is forgotten; using it keeps it', () => {
  const { memory, clock } = memoryAt({ ttlMs: 1000 });
  memory.remember('old', 'me', payload('O'));
  memory.remember('used', 'me', payload('U'));
  clock.now = 900;
  memory.recall('used', 'me');
  clock.now = 1500;
  assert.equal(memory.recall('old', 'me'), undefined);
  assert.deepEqual(memory.recall('used', 'me'), payload('U'));
  clock.now = 3000;
  memory.remember('new', 'me', payload('N'));
  assert.equal(memory.size, 1, 'expired entries are swept when a new one comes');
});

test('reasoning is recalled only for the caller it was kept for', () => {
  const { memory } = memoryAt({});
  memory.remember('call_1', 'caller-a', payload('E1'));
  assert.equal(memory.recall('call_1', 'caller-b'), undefined);
  assert.equal(memory.recall('call_1', undefined), undefined);
  assert.deepEqual(memory.recall('call_1', 'caller-a'), payload('E1'));
});
