import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AnthropicError } from '../../../src/proxy/anthropic/errors';
import { countTokensRequest, messagesRequest } from '../../../src/proxy/anthropic/schema';
import { parseJson } from '../../../src/proxy/server/http-io';
import { RepeatedPartsParser } from '../../../src/proxy/server/repeated-parts';
import { parseOrThrow } from '../../../src/proxy/server/validation';
import { capturedMessageRequests, capturedRequests } from '../../helpers/fixtures';

const plainParse = (raw: Buffer) => parseOrThrow(messagesRequest, parseJson(raw));
const bytesOf = (body: unknown) => Buffer.from(JSON.stringify(body));

function errorOf(parse: () => unknown): AnthropicError {
  try {
    parse();
  } catch (error) {
    assert.ok(error instanceof AnthropicError, String(error));
    return error;
  }
  assert.fail('expected a 400');
}

test('every captured request parses as it does whole, the second time with its tools and system prompt reused', () => {
  const parser = new RepeatedPartsParser();
  for (const captured of capturedMessageRequests()) {
    const raw = bytesOf(captured.body);
    const first = parser.parse(raw, messagesRequest);
    const second = parser.parse(raw, messagesRequest);
    assert.deepEqual(first, plainParse(raw), captured.file);
    assert.deepEqual(second, plainParse(raw), captured.file);
    if (raw.length > 20_000) assert.equal(second.tools, first.tools, `${captured.file}: the same tools object, not parsed again`);
  }
});

test('the next turn of a conversation reuses the tools: the messages that changed are parsed, the tools are the same object', () => {
  const parser = new RepeatedPartsParser();
  const [captured] = capturedMessageRequests().filter((request) => request.file.startsWith('01-'));
  const first = parser.parse(bytesOf(captured.body), messagesRequest);
  const nextTurn = { ...captured.body, messages: [...captured.body.messages, { role: 'assistant', content: 'Hello' }, { role: 'user', content: 'again' }] };
  const next = parser.parse(bytesOf(nextTurn), messagesRequest);
  assert.equal(next.tools, first.tools);
  assert.equal(next.system, first.system);
  assert.deepEqual(next, plainParse(bytesOf(nextTurn)));
});

test('a tool that changed by one character is parsed anew', () => {
  const parser = new RepeatedPartsParser();
  const [captured] = capturedMessageRequests().filter((request) => request.file.startsWith('01-'));
  const first = parser.parse(bytesOf(captured.body), messagesRequest);
  const changed = structuredClone(captured.body);
  changed.tools[3].description += '!';
  const next = parser.parse(bytesOf(changed), messagesRequest);
  assert.notEqual(next.tools, first.tools);
  assert.equal(next.tools![3].description, `${captured.body.tools[3].description}!`);
  assert.equal(next.system, first.system, 'the unchanged system prompt is still reused');
});

test('count_tokens and messages share what they remember; each gets its own schema\'s result', () => {
  const parser = new RepeatedPartsParser();
  const [captured] = capturedRequests().filter((request) => request.file.startsWith('05-'));
  const counted = parser.parse(bytesOf(captured.body), countTokensRequest);
  const asMessage = parser.parse(bytesOf({ ...captured.body, max_tokens: 100 }), messagesRequest);
  assert.equal(asMessage.tools, counted.tools);
  assert.equal(asMessage.max_tokens, 100);
});

test('reused parts are frozen: a change meant for one request cannot reach the next', () => {
  const parser = new RepeatedPartsParser();
  const [captured] = capturedMessageRequests().filter((request) => request.file.startsWith('01-'));
  parser.parse(bytesOf(captured.body), messagesRequest);
  const reused = parser.parse(bytesOf(captured.body), messagesRequest);
  assert.throws(() => reused.tools!.push({ name: 'extra' }), TypeError);
  assert.throws(() => { (reused.tools![0].input_schema as Record<string, unknown>).type = 'changed'; }, TypeError);
});

test('errors elsewhere in a body whose tools are reused are the ones the whole parse gives: invalid JSON (same position), an invalid field', () => {
  const parser = new RepeatedPartsParser();
  const [captured] = capturedMessageRequests().filter((request) => request.file.startsWith('01-'));
  parser.parse(bytesOf(captured.body), messagesRequest);
  const text = JSON.stringify(captured.body);
  const cut = Buffer.from(`${text.slice(0, -1)},}`);
  assert.equal(errorOf(() => parser.parse(cut, messagesRequest)).message, errorOf(() => plainParse(cut)).message);
  const invalid = bytesOf({ ...captured.body, max_tokens: -1 });
  const error = errorOf(() => parser.parse(invalid, messagesRequest));
  assert.equal(error.message, errorOf(() => plainParse(invalid)).message);
  assert.match(error.message, /max_tokens/);
});

test('a key given twice, or spelled with an escape, means what JSON.parse makes of it', () => {
  const parser = new RepeatedPartsParser();
  const [captured] = capturedMessageRequests().filter((request) => request.file.startsWith('01-'));
  const tools = JSON.stringify(captured.body.tools);
  parser.parse(bytesOf(captured.body), messagesRequest);
  const base = JSON.stringify({ ...captured.body, tools: undefined }).slice(0, -1);
  for (const text of [`${base},"tools":${tools},"tools":[{"name":"only"}]}`, `${base},"tools":${tools},"tool\\u0073":[{"name":"only"}]}`]) {
    const parsed = parser.parse(Buffer.from(text), messagesRequest);
    assert.deepEqual(parsed.tools, [{ name: 'only' }], text.slice(-60));
    assert.deepEqual(parsed, plainParse(Buffer.from(text)));
  }
});

test('what it remembers is bounded: the oldest part is forgotten first', () => {
  const parser = new RepeatedPartsParser(2);
  const [captured] = capturedMessageRequests().filter((request) => request.file.startsWith('01-'));
  const variant = (n: number) => bytesOf({ ...captured.body, system: undefined, tools: [...captured.body.tools, { name: `tool_${n}` }] });
  const first = [0, 1, 2].map((n) => parser.parse(variant(n), messagesRequest).tools);
  assert.equal(parser.parse(variant(2), messagesRequest).tools, first[2]);
  assert.equal(parser.parse(variant(1), messagesRequest).tools, first[1]);
  assert.notEqual(parser.parse(variant(0), messagesRequest).tools, first[0], 'forgotten after two newer ones');
});
