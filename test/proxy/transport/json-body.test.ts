// The upstream body serializer must give exactly JSON.stringify's text, as UTF-8 bytes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsonBytes, sameJson, RepeatedBytesCache } from '../../../src/proxy/transport/json-body';
import { capturedMessageRequests } from '../../helpers/fixtures';
import { chat, request, responses } from '../../helpers/translate';

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

test('with the repeated-parts cache, every capture serializes as JSON.stringify does, the first time and again', () => {
  const caches = { chat: new RepeatedBytesCache(), responses: new RepeatedBytesCache() };
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
  const cache = new RepeatedBytesCache();
  const tool = (description: string, schema: object) => ({ type: 'function', name: 'Bash', description, parameters: schema, strict: false });
  const body = (t: object) => ({ model: 'm', tools: [t] });
  const check = (t: object, what: string) => {
    const value = body(t);
    assert.equal(jsonBytes(value, cache).toString(), JSON.stringify(value), what);
  };
  const schema = { type: 'object', properties: { command: { type: 'string' } } };
  check(tool('Runs a command — safely', schema), 'first');
  const first = cache.bytes('tools', tool('Runs a command — safely', { type: 'object', properties: { command: { type: 'string' } } }), 0);
  assert.equal(cache.bytes('tools', tool('Runs a command — safely', { type: 'object', properties: { command: { type: 'string' } } }), 3), first, 'an equal tool reuses the same bytes, wherever it is in the list');
  check(tool('Runs a command — carefully', schema), 'description changed');
  check(tool('Runs a command — carefully', { type: 'object', properties: { command: { type: 'number' } } }), 'schema changed');
  check(tool('Runs a command — carefully', { properties: { command: { type: 'number' } }, type: 'object' }), 'key order changed');
  check({ type: 'function', function: { name: 'Bash', description: 'chat shape', parameters: schema } }, 'Chat-shaped tool of the same name');
  assert.equal(cache.bytes('metadata', { role: 'user', content: 'x' }, 0), undefined, 'only tools, messages and input items are cached');
});

test('a conversation that grows: the messages it repeats reuse their bytes, by position; a change is serialized again', () => {
  const cache = new RepeatedBytesCache();
  const capture = capturedMessageRequests().find((c) => c.body.messages.length >= 3) ?? capturedMessageRequests()[0];
  for (const [api, translate] of [['chat', chat], ['responses', responses]] as const) {
    const parsed = request(capture.body);
    const full = translate(parsed) as unknown as Record<string, unknown[]>;
    const field = api === 'chat' ? 'messages' : 'input';
    const items = full[field];
    // The same conversation, one more item each time, as Claude Code sends it turn after turn.
    let previous: Buffer[] = [];
    for (let length = 1; length <= items.length; length++) {
      const value = { ...full, [field]: structuredClone(items.slice(0, length)) };
      assert.ok(jsonBytes(value, cache).equals(Buffer.from(JSON.stringify(value))), `${api}, ${length} items`);
      const now = (value[field]).map((item, index) => cache.bytes(field, item, index)!);
      for (let index = 0; index < previous.length; index++) assert.equal(now[index], previous[index], `${api}: item ${index} reused at length ${length}`);
      previous = now;
    }
    // A changed item at a position is serialized again, and the bytes are right.
    const changed = structuredClone(items);
    changed[0] = { ...(changed[0] as object), extra: 'é changed' };
    const value = { ...full, [field]: changed };
    assert.ok(jsonBytes(value, cache).equals(Buffer.from(JSON.stringify(value))), `${api}: changed first item`);
    assert.notEqual(cache.bytes(field, changed[0], 0), previous[0]);
  }
});

test('long instructions are remembered, short ones and other fields are not; the store is bounded', () => {
  const cache = new RepeatedBytesCache(10_000);
  const long = `You are Claude Code — ${'x'.repeat(2000)}`;
  const first = cache.fieldBytes('instructions', long)!;
  assert.equal(first.toString(), JSON.stringify(long));
  assert.equal(cache.fieldBytes('instructions', `${long}`.slice(0)), first);
  assert.equal(cache.fieldBytes('instructions', 'short'), undefined);
  assert.equal(cache.fieldBytes('model', long), undefined);
  const value = { model: 'm', instructions: long, input: [{ role: 'user', content: 'hi' }] };
  assert.equal(jsonBytes(value, cache).toString(), JSON.stringify(value));
  // Past its limit the store starts again: the next lookup serializes, and still answers right.
  for (let index = 0; index < 10; index++) cache.bytes('input', { role: 'user', content: 'y'.repeat(1500) + index }, index);
  const again = cache.fieldBytes('instructions', long)!;
  assert.notEqual(again, first, 'dropped when the store passed 10 000 bytes');
  assert.equal(again.toString(), JSON.stringify(long));
  // A part larger than 1 MB is serialized but not kept.
  const image = { role: 'user', content: [{ type: 'input_image', image_url: `data:image/png;base64,${'A'.repeat(1_100_000)}` }] };
  const big = new RepeatedBytesCache();
  const once = big.bytes('input', image, 0)!;
  assert.equal(once.toString(), JSON.stringify(image));
  assert.notEqual(big.bytes('input', image, 0), once);
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
