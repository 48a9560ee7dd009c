// The upstream body serializer must give exactly JSON.stringify's text, as UTF-8 bytes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsonBytes } from '../../src/proxy/upstream/json-body';
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
