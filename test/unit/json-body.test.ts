// The upstream body serializer must give exactly JSON.stringify's text, as UTF-8 bytes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsonBytes, sameJson, ToolBytesCache } from '../../src/proxy/upstream/json-body';
import { capturedMessageRequests } from '../helpers/fixtures';
import { chat, request, responses } from '../helpers/translate';

const same = (value: Record<string, unknown>, what: string) =>
  assert.ok(jsonBytes(value).equals(Buffer.from(JSON.stringify(value))), `${what}: bytes differ from JSON.stringify`);

test('every captured Claude Code request, translated for both APIs, serializes as JSON.stringify does', () => {
  const captured = capturedMessageRequests();
  assert.ok(captured.length >= 5);
  for (const capture of captured) {
    const parsed = request(capture.body);
    for (const [api, body] of [['chat', chat(parsed)], ['responses', responses(parsed)]] as const) {
      same({ ...body, stream: true }, `${capture.file} (${api})`);
    }
  }
});

test('characters outside Latin-1, emoji and lone surrogates come out as JSON.stringify writes them', () => {
  same({ model: 'm', messages: [{ role: 'system', content: 'a — b → c' }, { role: 'user', content: 'emoji 🤖 and lone \ud83e half' }], tools: [] }, 'text');
  same({ input: ['\u2028\u2029', 'ascii', 'é'] }, 'separators and Latin-1');
});

test('undefined, functions and empty arrays are handled as JSON.stringify handles them', () => {
  same({}, 'empty object');
  same({ a: undefined, b: 1 }, 'undefined first field');
  same({ a: 1, b: undefined, c: () => 1, d: Symbol('s'), e: null }, 'skipped fields');
  same({ list: [] }, 'empty array');
  same({ list: [undefined, () => 1, 1], after: 'x' }, 'undefined in an array is null');
  same({ first: [1, 2], second: [{ nested: [undefined] }], third: 'end' }, 'arrays one after another');
  same({ date: new Date(0), n: NaN, big: { toJSON: () => 'custom' } }, 'toJSON and NaN');
});

test('with the tool cache, every capture serializes as JSON.stringify does, the first time and again', () => {
  const caches = { chat: new ToolBytesCache(), responses: new ToolBytesCache() };
  for (let round = 0; round < 2; round++) {
    for (const capture of capturedMessageRequests()) {
      const parsed = request(capture.body);
      for (const [api, body] of [['chat', chat(parsed)], ['responses', responses(parsed)]] as const) {
        const value = { ...body, stream: true };
        assert.ok(jsonBytes(value, caches[api]).equals(Buffer.from(JSON.stringify(value))), `${capture.file} (${api}), round ${round + 1}`);
      }
    }
  }
});

test('a tool is reused only while it is the same: a changed description, schema or key order is serialized again', () => {
  const cache = new ToolBytesCache();
  const tool = (description: string, schema: object) => ({ type: 'function', name: 'Bash', description, parameters: schema, strict: false });
  const body = (t: object) => ({ model: 'm', tools: [t] });
  const check = (t: object, what: string) => {
    const value = body(t);
    assert.equal(jsonBytes(value, cache).toString(), JSON.stringify(value), what);
  };
  const schema = { type: 'object', properties: { command: { type: 'string' } } };
  check(tool('Runs a command — safely', schema), 'first');
  const first = cache.bytes('tools', tool('Runs a command — safely', { type: 'object', properties: { command: { type: 'string' } } }));
  assert.equal(cache.bytes('tools', tool('Runs a command — safely', { type: 'object', properties: { command: { type: 'string' } } })), first, 'an equal tool reuses the same bytes');
  check(tool('Runs a command — carefully', schema), 'description changed');
  check(tool('Runs a command — carefully', { type: 'object', properties: { command: { type: 'number' } } }), 'schema changed');
  check(tool('Runs a command — carefully', { properties: { command: { type: 'number' } }, type: 'object' }), 'key order changed');
  check({ type: 'function', function: { name: 'Bash', description: 'chat shape', parameters: schema } }, 'Chat-shaped tool of the same name');
  assert.equal(cache.bytes('messages', { role: 'user', content: 'x' }), undefined, 'only tools are cached');
});

test('sameJson: equal as JSON text, nothing looser', () => {
  assert.ok(sameJson({ a: [1, { b: 'é' }], c: null }, { a: [1, { b: 'é' }], c: null }));
  assert.ok(!sameJson({ a: 1, b: 2 }, { b: 2, a: 1 }), 'key order matters');
  assert.ok(!sameJson({ a: [1, 2] }, { a: { 0: 1, 1: 2 } }), 'an array is not an object');
  assert.ok(!sameJson({ a: undefined }, {}), 'an undefined key counts (conservative)');
  assert.ok(!sameJson([1, 2], [1, 2, 3]));
  assert.ok(!sameJson({ a: '1' }, { a: 1 }));
  assert.ok(!sameJson(null, {}));
});
