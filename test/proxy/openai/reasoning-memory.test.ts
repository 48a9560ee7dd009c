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
  memory.remember('call_1', 'me', 'openai', payload('E1'));
  assert.deepEqual(memory.recall('call_1', 'me', 'openai'), payload('E1'));
  assert.equal(memory.recall('call_2', 'me', 'openai'), undefined);
});

test('past the entry limit the oldest entry goes', () => {
  const { memory } = memoryAt({ maxEntries: 2 });
  memory.remember('a', 'me', 'openai', payload('A'));
  memory.remember('b', 'me', 'openai', payload('B'));
  memory.remember('c', 'me', 'openai', payload('C'));
  assert.equal(memory.size, 2);
  assert.equal(memory.recall('a', 'me', 'openai'), undefined);
  assert.deepEqual(memory.recall('b', 'me', 'openai'), payload('B'));
  assert.deepEqual(memory.recall('c', 'me', 'openai'), payload('C'));
});

test('past the byte limit the oldest entries go, and the count of bytes follows', () => {
  const { memory } = memoryAt({ maxBytes: 25 });
  memory.remember('k1', 'me', 'openai', payload('x'.repeat(10)));
  memory.remember('k2', 'me', 'openai', payload('y'.repeat(10)));
  assert.equal(memory.bytes, 24);
  memory.remember('k3', 'me', 'openai', payload('z'.repeat(10)));
  assert.equal(memory.recall('k1', 'me', 'openai'), undefined);
  assert.equal(memory.bytes, 24);
  memory.remember('big', 'me', 'openai', payload('w'.repeat(100)));
  assert.equal(memory.recall('big', 'me', 'openai'), undefined, 'an entry larger than the whole budget is not kept');
  assert.equal(memory.size, 2);
  memory.remember('k2', 'me', 'openai', payload('v'));
  assert.equal(memory.bytes, 15, 'a key remembered again replaces its entry');
});

test('an entry unused for the TTL is forgotten; using it keeps it', () => {
  const { memory, clock } = memoryAt({ ttlMs: 1000 });
  memory.remember('old', 'me', 'openai', payload('O'));
  memory.remember('used', 'me', 'openai', payload('U'));
  clock.now = 900;
  memory.recall('used', 'me', 'openai');
  clock.now = 1500;
  assert.equal(memory.recall('old', 'me', 'openai'), undefined);
  assert.deepEqual(memory.recall('used', 'me', 'openai'), payload('U'));
  clock.now = 3000;
  memory.remember('new', 'me', 'openai', payload('N'));
  assert.equal(memory.size, 1, 'expired entries are swept when a new one comes');
});

test('reasoning is recalled only for the caller it was kept for', () => {
  const { memory } = memoryAt({});
  memory.remember('call_1', 'caller-a', 'openai', payload('E1'));
  assert.equal(memory.recall('call_1', 'caller-b', 'openai'), undefined);
  assert.equal(memory.recall('call_1', undefined, 'openai'), undefined);
  assert.deepEqual(memory.recall('call_1', 'caller-a', 'openai'), payload('E1'));
});

test('reasoning is recalled only for the provider that made it, and a provider\'s is forgotten on demand', () => {
  const { memory } = memoryAt({});
  memory.remember('call_1', 'me', 'openai', payload('E1'));
  memory.remember('call_2', 'me', 'azure-work', payload('E2'));
  assert.equal(memory.recall('call_1', 'me', 'local'), undefined, 'another provider cannot decrypt it');
  assert.deepEqual(memory.recall('call_1', 'me', 'openai'), payload('E1'));
  memory.forgetProvider('azure-work');
  assert.equal(memory.recall('call_2', 'me', 'azure-work'), undefined);
  assert.deepEqual(memory.recall('call_1', 'me', 'openai'), payload('E1'), 'the other providers\' entries stay');
  assert.equal(memory.size, 1);
});
