import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LruCache } from '../../../src/proxy/tokens/lru-cache';

test('the LRU cache drops the least recently used keys beyond its bound in characters', () => {
  const cache = new LruCache<number>(16);
  cache.set('aaaa', 1);
  cache.set('bbbb', 2);
  cache.set('cccc', 3);
  assert.equal(cache.get('aaaa'), 1); // now the most recently used: bbbb is the oldest
  cache.set('dddd', 4); // 16 characters: all fit
  cache.set('cccc', 30); // replacing a value does not count its key twice
  assert.deepEqual(['aaaa', 'bbbb', 'cccc', 'dddd'].map((key) => cache.get(key)), [1, 2, 30, 4]);
  cache.set('e', 5); // 17 characters: the oldest key goes
  assert.deepEqual(['aaaa', 'bbbb', 'cccc', 'dddd', 'e'].map((key) => cache.get(key)), [undefined, 2, 30, 4, 5]);
  assert.equal(cache.get('missing'), undefined);
});

test('the LRU cache keeps no key longer than a quarter of its bound', () => {
  const cache = new LruCache<number>(16);
  cache.set('abcd', 1);
  cache.set('abcde', 2);
  assert.equal(cache.get('abcd'), 1);
  assert.equal(cache.get('abcde'), undefined);
});
