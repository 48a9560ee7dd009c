import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ReasoningMemory, reasoningMemoryKey } from '../../src/proxy/response/reasoning-memory';

const payload = (encrypted: string) => [{ encrypted, summary: [] }];

function memoryAt(limits: Partial<{ maxEntries: number; maxBytes: number; ttlMs: number }>) {
  const clock = { now: 0 };
  const memory = new ReasoningMemory({ maxEntries: 100, maxBytes: 1_000_000, ttlMs: 1000, ...limits }, () => clock.now);
  return { memory, clock };
}

test('remembered reasoning is recalled by its key, and only by it', () => {
  const { memory } = memoryAt({});
  memory.remember('call_1', payload('E1'));
  assert.deepEqual(memory.recall('call_1'), payload('E1'));
  assert.equal(memory.recall('call_2'), undefined);
});

test('past the entry limit the least recently used entry goes', () => {
  const { memory } = memoryAt({ maxEntries: 2 });
  memory.remember('a', payload('A'));
  memory.remember('b', payload('B'));
  memory.recall('a'); // a is in use again; b is now the oldest
  memory.remember('c', payload('C'));
  assert.equal(memory.size, 2);
  assert.equal(memory.recall('b'), undefined);
  assert.deepEqual(memory.recall('a'), payload('A'));
  assert.deepEqual(memory.recall('c'), payload('C'));
});

test('past the byte limit the oldest entries go, and the count of bytes follows', () => {
  const { memory } = memoryAt({ maxBytes: 25 });
  memory.remember('k1', payload('x'.repeat(10)));
  memory.remember('k2', payload('y'.repeat(10)));
  assert.equal(memory.bytes, 24);
  memory.remember('k3', payload('z'.repeat(10)));
  assert.equal(memory.recall('k1'), undefined);
  assert.equal(memory.bytes, 24);
  memory.remember('big', payload('w'.repeat(100)));
  assert.equal(memory.recall('big'), undefined, 'an entry larger than the whole budget is not kept');
  assert.equal(memory.size, 2);
  memory.remember('k2', payload('v'));
  assert.equal(memory.bytes, 15, 'a key remembered again replaces its entry');
});

test('an entry unused for the TTL is forgotten; using it keeps it', () => {
  const { memory, clock } = memoryAt({ ttlMs: 1000 });
  memory.remember('old', payload('O'));
  memory.remember('used', payload('U'));
  clock.now = 900;
  memory.recall('used');
  clock.now = 1500;
  assert.equal(memory.recall('old'), undefined);
  assert.deepEqual(memory.recall('used'), payload('U'));
  clock.now = 3000;
  memory.remember('new', payload('N'));
  assert.equal(memory.size, 1, 'expired entries are swept when a new one comes');
});

test('keys of different callers differ for the same call id', () => {
  assert.notEqual(reasoningMemoryKey('caller-a', 'call_1'), reasoningMemoryKey('caller-b', 'call_1'));
  assert.notEqual(reasoningMemoryKey(undefined, 'call_1'), reasoningMemoryKey('caller-a', 'call_1'));
});
