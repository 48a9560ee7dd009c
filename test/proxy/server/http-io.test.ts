import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { AnthropicError } from '../../../src/proxy/anthropic/errors';
import { randomMessageId, randomToolId } from '../../../src/proxy/anthropic/ids';
import { parseJson, readBody } from '../../../src/proxy/server/http-io';
import { collectGarbage } from '../../helpers/gc';

/** What the proxy does with a count_tokens or messages body: read it whole, then parse it. */
const readJsonBody = (request: IncomingMessage, limitBytes: number) => readBody(request, limitBytes).then(parseJson);

/** A request body as a stream of chunks, with the headers readBody looks at. */
function body(chunks: (string | Buffer)[], headers: Record<string, string> = {}): IncomingMessage {
  const stream = new Readable({ read() {} });
  for (const chunk of chunks) stream.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  stream.push(null);
  return Object.assign(stream, { headers }) as unknown as IncomingMessage;
}

async function rejection(promise: Promise<unknown>): Promise<AnthropicError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof AnthropicError, `an AnthropicError, not ${String(error)}`);
    return error;
  }
  assert.fail('expected a rejection');
}

test('readJsonBody parses a body in one chunk and in many (a UTF-8 character split across chunks)', async () => {
  assert.deepEqual(await readJsonBody(body(['{"a":1}']), 1000), { a: 1 });
  const bytes = Buffer.from(JSON.stringify({ text: 'héllo → wörld', list: [1, 2, 3] }));
  const arrow = bytes.indexOf(Buffer.from('→'));
  const pieces = [bytes.subarray(0, arrow + 1), bytes.subarray(arrow + 1, arrow + 2), bytes.subarray(arrow + 2)];
  assert.deepEqual(await readJsonBody(body(pieces), 1000), { text: 'héllo → wörld', list: [1, 2, 3] });
});

test('readJsonBody: over the limit is request_too_large, declared or not', async () => {
  const declared = await rejection(readJsonBody(body(['{}'], { 'content-length': '5000' }), 1000));
  assert.equal(declared.type, 'request_too_large');
  const big = body(['{"a":"', 'x'.repeat(600), 'x'.repeat(600), 'x'.repeat(600), '"}']);
  const streamed = await rejection(readJsonBody(big, 1000));
  assert.equal(streamed.type, 'request_too_large');
  // the rest is read and discarded, not cut off (cutting the socket would lose the 413)
  if (!big.readableEnded) await new Promise((resolve) => big.once('end', resolve));
  assert.ok(big.readableEnded);
  assert.equal(big.errored, null);
});

test('readJsonBody: empty and invalid bodies are invalid_request_error', async () => {
  assert.match((await rejection(readJsonBody(body([]), 1000))).message, /empty/);
  assert.match((await rejection(readJsonBody(body(['  \n']), 1000))).message, /empty/);
  assert.match((await rejection(readJsonBody(body(['{"a":']), 1000))).message, /not valid JSON/);
});

test('readJsonBody: a body cut off by the client is reported, not left hanging', async () => {
  const aborted = new Readable({ read() {} });
  aborted.push(Buffer.from('{"a":'));
  const reading = readJsonBody(Object.assign(aborted, { headers: {} }) as unknown as IncomingMessage, 1000);
  setImmediate(() => aborted.destroy(new Error('aborted')));
  assert.match((await rejection(reading)).message, /not received completely/);

  const closed = new Readable({ read() {} });
  const readingClosed = readJsonBody(Object.assign(closed, { headers: {} }) as unknown as IncomingMessage, 1000);
  setImmediate(() => closed.destroy());
  assert.match((await rejection(readingClosed)).message, /not received completely/);

  const gone = new Readable({ read() {} });
  gone.destroy();
  assert.match((await rejection(readJsonBody(Object.assign(gone, { headers: {} }) as unknown as IncomingMessage, 1000))).message, /not received completely/);
});

test('readJsonBody: a client that leaves after its body was read causes no uncaught error', async () => {
  const request = body(['{"a":1}']);
  assert.deepEqual(await readJsonBody(request, 1000), { a: 1 });
  request.emit('error', new Error('aborted')); // what IncomingMessage does when the socket resets later
});

test('message and tool ids: prefix, 96 random bits in base64url, unique across pool refills', () => {
  const ids = new Set<string>();
  for (let i = 0; i < 1000; i++) {
    const id = randomMessageId();
    assert.match(id, /^msg_[A-Za-z0-9_-]{16}$/);
    ids.add(id);
  }
  for (let i = 0; i < 300; i++) {
    const id = randomToolId();
    assert.match(id, /^toolu_[A-Za-z0-9_-]{16}$/);
    ids.add(id.slice('toolu_'.length));
  }
  assert.equal(ids.size, 1300);
});

test('readBody: the request, which lives as long as its answer, keeps neither the chunks nor the body once read', async () => {
  const request = body([Buffer.alloc(70_000, 0x61), Buffer.alloc(50_000, 0x62)]);
  let chunks: WeakRef<Buffer>[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(new WeakRef(chunk))); // watched, not held
  let whole: WeakRef<Buffer> | undefined;
  await (async () => {
    const read = await readBody(request, 1_000_000);
    assert.equal(read.length, 120_000);
    whole = new WeakRef(read);
  })();
  assert.equal(chunks.length, 2);
  await collectGarbage();
  assert.equal(whole!.deref(), undefined, 'the body is still reachable from the request');
  assert.deepEqual(chunks.map((chunk) => chunk.deref()), [undefined, undefined], 'the chunks are still reachable from the request');
  // An error after the body was read is still handled, not thrown as an uncaught one.
  request.emit('error', new Error('late reset'));
  chunks = [];
});
