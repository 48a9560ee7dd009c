// The upstream SSE reader: the SDK's rules, on bytes split anywhere.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SseDecoder, sseEvents } from '../../../src/proxy/transport/sse-events';

const errorEvent = (error: unknown) => Object.assign(new Error('event error'), { error });

/** A body of these chunks; `open` leaves it open after them, like an answer still streaming. */
function streamOf(chunks: Uint8Array[], onCancel?: () => void, open = false): ReadableStream<Uint8Array> {
  let index = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (index < chunks.length) controller.enqueue(chunks[index++]);
      else if (open) return new Promise<void>(() => undefined);
      else controller.close();
      return undefined;
    },
    cancel: onCancel,
  });
}

async function collect(chunks: Uint8Array[], skip?: ReadonlySet<string>): Promise<unknown[]> {
  const events: unknown[] = [];
  for await (const event of sseEvents(streamOf(chunks), { skip, errorEvent })) events.push(event);
  return events;
}

const sample = [
  ': a comment first\n',
  'event: response.created\ndata: {"type":"response.created","big":"—"}\n\n',
  'event: response.output_text.delta\r\ndata: {"type":"delta","text":"h€llo 🤖"}\r\n\r\n',
  'data: {"multi":\ndata: "line"}\n\n',
  'event: cr.only\rdata: {"cr":true}\r\r',
  'data:{"no_space":1}\n\n',
  'retry: 100\nid: 7\ndata: {"other_fields":1}\n\n',
].join('');
const expected = [
  { type: 'response.created', big: '—' },
  { type: 'delta', text: 'h€llo 🤖' },
  { multi: 'line' },
  { cr: true },
  { no_space: 1 },
  { other_fields: 1 },
];

test('events come out whole however the bytes are split (LF, CRLF and CR lines, comments, multi-line data, UTF-8)', async () => {
  const bytes = Buffer.from(sample);
  assert.deepEqual(await collect([bytes]), expected);
  for (let cut = 1; cut < bytes.length; cut++) {
    assert.deepEqual(await collect([bytes.subarray(0, cut), bytes.subarray(cut)]), expected, `split at byte ${cut}`);
  }
  assert.deepEqual(await collect([...bytes].map((byte) => Uint8Array.of(byte))), expected, 'one byte at a time');
});

test('skipped events are never parsed; events without a name always are', async () => {
  const body = Buffer.from('event: response.created\ndata: {not json at all\n\nevent: used\ndata: {"ok":1}\n\ndata: {"unnamed":1}\n\n');
  assert.deepEqual(await collect([body], new Set(['response.created'])), [{ ok: 1 }, { unnamed: 1 }]);
  await assert.rejects(collect([body]), SyntaxError, 'without the skip the bad JSON is parsed and fails');
});

test('[DONE] ends the events; an event that is not closed by a blank line is dropped', async () => {
  assert.deepEqual(await collect([Buffer.from('data: {"a":1}\n\ndata: [DONE]\n\ndata: {"after":1}\n\n')]), [{ a: 1 }]);
  assert.deepEqual(await collect([Buffer.from('data: {"a":1}\n\ndata: {"unterminated":1}')]), [{ a: 1 }]);
});

test('an event with an error field is thrown as the caller\'s error', async () => {
  await assert.rejects(collect([Buffer.from('data: {"a":1}\n\ndata: {"error":{"message":"boom"}}\n\n')]),
    (error: Error & { error?: unknown }) => error.message === 'event error' && (error.error as { message: string }).message === 'boom');
});

test('stopping early cancels the body (which ends the upstream call); reading to the end does not', async () => {
  let cancelled = 0;
  const body = Buffer.from('data: {"a":1}\n\ndata: {"b":2}\n\n');
  for await (const _event of sseEvents(streamOf([body], () => { cancelled++; }, true), { errorEvent })) break;
  assert.equal(cancelled, 1);
  for await (const _event of sseEvents(streamOf([body], () => { cancelled++; }), { errorEvent })) { /* read all */ }
  assert.equal(cancelled, 1);
});

test('the decoder keeps only the unfinished line between chunks', () => {
  const decoder = new SseDecoder();
  assert.deepEqual(decoder.push(Buffer.from('data: {"a"')), []);
  assert.deepEqual(decoder.push(Buffer.from(':1}\n')), []);
  assert.deepEqual(decoder.push(Buffer.from('\n')), ['{"a":1}']);
});

test('an event named in omit arrives without the omitted members, however the bytes are split; other events are whole', async () => {
  const omit = { events: new Set(['response.completed']), within: 'response', members: new Set(['instructions', 'tools']) };
  const echoed = { instructions: 'long "system" prompt — 🤖', tools: [{ type: 'function', name: 'Bash' }] };
  const body = Buffer.from([
    `event: response.output_text.delta\ndata: ${JSON.stringify({ type: 'response.output_text.delta', response: echoed })}\n\n`,
    `event: response.completed\ndata: ${JSON.stringify({ type: 'response.completed', response: { status: 'completed', ...echoed, usage: { input_tokens: 3 } } })}\n\n`,
  ].join(''));
  const expected = [
    { type: 'response.output_text.delta', response: echoed },
    { type: 'response.completed', response: { status: 'completed', usage: { input_tokens: 3 } } },
  ];
  const read = async (chunks: Uint8Array[]) => {
    const events: unknown[] = [];
    for await (const event of sseEvents(streamOf(chunks), { omit, errorEvent })) events.push(event);
    return events;
  };
  assert.deepEqual(await read([body]), expected);
  for (let cut = 1; cut < body.length; cut += 7) assert.deepEqual(await read([body.subarray(0, cut), body.subarray(cut)]), expected, `split at byte ${cut}`);
});
