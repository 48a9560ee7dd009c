// The SSE writer on a real HTTP response: the events of one tick leave in one write, each
// tick's events leave before the next tick, and what is pending goes out with the end.
import assert from 'node:assert/strict';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { SseWriter } from '../../../src/proxy/anthropic/sse-writer';

async function withWriter(script: (writer: SseWriter, writes: string[]) => void | Promise<void>): Promise<string> {
  const server = createServer((_request, response: ServerResponse) => {
    const writes: string[] = [];
    const write = response.write.bind(response);
    response.write = ((chunk: string, ...rest: never[]) => {
      writes.push(chunk);
      return write(chunk, ...rest);
    }) as typeof response.write;
    const writer = new SseWriter(response, { pingIntervalMs: 60_000 });
    void new Promise<void>((resolve) => resolve(script(writer, writes))).catch((error: Error) => { response.destroy(error); });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const reply = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    return await reply.text();
  } finally {
    server.close();
  }
}

const delta = (text: string) => ({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } }) as const;

test('events emitted in one tick go out in one write, in order', async () => {
  let writesAfterFirstTick: string[] = [];
  const body = await withWriter(async (writer, writes) => {
    writer.emit(delta('a'));
    writer.emit(delta('b'));
    writer.emit(delta('c'));
    assert.equal(writes.length, 0, 'nothing is written before the tick ends');
    await new Promise((resolve) => setImmediate(resolve));
    writesAfterFirstTick = [...writes];
    writer.emit(delta('d'));
    writer.end();
  });
  assert.equal(writesAfterFirstTick.length, 1, 'one write for the three events of the first tick');
  assert.deepEqual([...writesAfterFirstTick[0].matchAll(/"text":"(.)"/g)].map((m) => m[1]), ['a', 'b', 'c']);
  assert.deepEqual([...body.matchAll(/"text":"(.)"/g)].map((m) => m[1]), ['a', 'b', 'c', 'd'], 'the pending event leaves with the end');
});

test('events emitted across the promise jobs of one tick share the write; a later tick gets its own', async () => {
  // As in the proxy: the SDK hands over one upstream chunk's events through a chain of promise jobs.
  let writes: string[] = [];
  await withWriter(async (writer, seen) => {
    writes = seen;
    await Promise.resolve();
    writer.emit(delta('a'));
    await Promise.resolve();
    writer.emit(delta('b'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    writer.emit(delta('c'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    writer.end();
  });
  assert.equal(writes.length, 2);
  assert.match(writes[0], /"text":"a".*"text":"b"/s);
  assert.match(writes[1], /"text":"c"/);
});

test('an error after the stream started goes out as an SSE error event before the end', async () => {
  const body = await withWriter((writer) => {
    writer.emit(delta('a'));
    writer.error('api_error', 'upstream broke');
    writer.end();
    writer.emit(delta('ignored after the end'));
  });
  assert.match(body, /event: error\ndata: \{"type":"error","error":\{"type":"api_error","message":"upstream broke"\}\}\n\n$/);
  assert.doesNotMatch(body, /ignored/);
});
