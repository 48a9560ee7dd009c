// Dropping members of a JSON text while it is bytes: the result parses to what parsing the whole
// text and deleting the members gives, and anything unexpected gives undefined (decode it whole).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsonWithout, type OmittedMembers } from '../../../src/proxy/transport/json-omit';

const omit: OmittedMembers = { within: 'response', members: new Set(['instructions', 'tools']) };

/** What the proxy would have seen by parsing everything and ignoring the members. */
function parsedWithout(text: string): unknown {
  const value = JSON.parse(text) as { response: Record<string, unknown> };
  for (const name of omit.members) delete value.response[name];
  return value;
}

function check(text: string, message?: string): void {
  const bytes = Buffer.from(text);
  const result = jsonWithout(bytes, 0, bytes.length, omit);
  assert.ok(result !== undefined, `undefined for ${message ?? text}`);
  assert.deepEqual(JSON.parse(result), parsedWithout(text), message ?? text);
}

const tricky = {
  instructions: 'Quotes " and \\" and \\\\", braces } ] { [, a colon: and a comma, — and 🤖',
  tools: [{ type: 'function', name: 'Bash', parameters: { type: 'object', properties: { command: { type: 'string', description: 'a "quoted" }] thing \\' } } } }],
};

test('the omitted members are gone and everything else is as parsed, wherever they stand', () => {
  const response = { id: 'resp_1', status: 'completed', usage: { input_tokens: 10, output_tokens: 2 }, incomplete_details: null, output: [{ type: 'message', content: [{ type: 'output_text', text: 'hi "there" }' }] }] };
  check(JSON.stringify({ type: 'response.completed', sequence_number: 9, response: { ...tricky, ...response } }), 'first');
  check(JSON.stringify({ type: 'response.completed', response: { ...response, ...tricky } }), 'last');
  check(JSON.stringify({ response: { id: 'a', instructions: tricky.instructions, status: 'x', tools: tricky.tools, usage: null } }), 'between others');
  check(JSON.stringify({ response: tricky, after: [1, { response: 2 }] }), 'only omitted members');
  check(JSON.stringify({ response: { ...response } }), 'none to omit');
  check(JSON.stringify({ response: {} }), 'an empty object');
  check(JSON.stringify({ type: 'x', response: { ...tricky, n: -1.5e3, t: true, f: false, z: null } }, null, 2), 'pretty-printed, with numbers and literals');
  check(`{ "response" : { "tools" : [ ] , "status" : "completed" } , "x" : 1 }`, 'spaces around everything');
});

test('random JSON values round-trip (seeded)', () => {
  let seed = 42;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const pieces = ['"', '\\', '}', ']', '{', '[', ',', ':', 'é', '🤖', 'a', ' ', '\n'];
  const randomString = () => Array.from({ length: Math.floor(random() * 12) }, () => pieces[Math.floor(random() * pieces.length)]).join('');
  const randomValue = (depth: number): unknown => {
    const kind = Math.floor(random() * (depth > 3 ? 4 : 6));
    switch (kind) {
      case 0: return randomString();
      case 1: return Math.floor(random() * 2000) - 1000;
      case 2: return [true, false, null][Math.floor(random() * 3)];
      case 3: return random();
      case 4: return Array.from({ length: Math.floor(random() * 4) }, () => randomValue(depth + 1));
      default: return Object.fromEntries(Array.from({ length: Math.floor(random() * 4) }, () => [randomString(), randomValue(depth + 1)]));
    }
  };
  for (let round = 0; round < 300; round++) {
    const inner: Record<string, unknown> = {};
    for (const key of ['id', 'instructions', 'status', 'tools', randomString()].sort(() => random() - 0.5)) inner[key] = randomValue(0);
    check(JSON.stringify({ [randomString()]: randomValue(1), response: inner, type: randomString() }), `round ${round}`);
  }
});

test('a text that is not as expected gives undefined, never a wrong text', () => {
  const cases = [
    '',
    '[1, 2]',
    '"response"',
    '{"response": [1]}',
    '{"response": "text"}',
    '{"other": {"tools": []}}',
    '{"response": {"tools": [1, 2}',
    '{"response": {"tools": "unterminated}}',
    '{"response": {"tools" [1]}}',
    '{"response": {"tools": [1] "status": 1}}',
    '{"response": {tools: 1}}',
  ];
  for (const text of cases) assert.equal(jsonWithout(Buffer.from(text), 0, text.length, omit), undefined, text);
});

test('only the given range is read: a text cut short is not completed from the bytes after it', () => {
  const whole = Buffer.from('{"response": {"tools": [1], "status": "completed"}}\n\n{"next": 1}');
  const end = whole.indexOf('\n');
  assert.deepEqual(JSON.parse(jsonWithout(whole, 0, end, omit)!), { response: { status: 'completed' } });
  for (let cut = 1; cut < end; cut++) assert.equal(jsonWithout(whole, 0, cut, omit), undefined, `cut at ${cut}`);
  const offset = Buffer.from(`data: ${whole.toString('utf8', 0, end)}`);
  assert.deepEqual(JSON.parse(jsonWithout(offset, 6, offset.length, omit)!), { response: { status: 'completed' } }, 'from an offset');
});
