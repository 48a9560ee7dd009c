// Cancellation: when the client hangs up, the proxy ends its upstream call. Asserted on state, not
// on the clock (a busy machine may take any time): the upstream server sees its connection close
// after the client closed its socket (a close before would not be a cancellation), while the
// upstreams here never end a call on their own, so without the cancellation the bounded wait
// fails. How fast is the bench's business. Mid-stream, before the upstream's first byte,
// after its headers but before its first event, and during a retry wait (no upstream call is open
// then: the request must end, and no retry be sent).
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { test } from 'node:test';
import type { RequestRecord } from '../../src/proxy/server/context';
import { ProxyServer, type ProxyOptions } from '../../src/proxy/server/proxy-server';
import { PROXY_TOKEN, testRoutes } from '../helpers/harness';
import { chatChunk, send, sseHeaders, startRawUpstream, type RawUpstream } from '../helpers/reliability';

const ROUNDS = 5;
/** How long a wait for a state may take before it counts as never: far beyond any busy machine. */
const NEVER_MS = 15_000;

/** Every delay is measured after the hang-up: a negative one would mean the upstream call had
 *  closed on its own first, so nothing was cancelled. (Their size is not asserted.) */
function assertCancelled(delays: number[], what: string): void {
  const shown = delays.map((delay) => delay.toFixed(1)).join(', ');
  assert.ok(delays.every((delay) => delay >= 0), `${what}: closed before the client left? ${shown} ms`);
  if (process.env.SHOW_DELAYS) console.log(what, shown);
}

type Handler = (req: IncomingMessage, res: ServerResponse, body: string, index: number) => void;

async function withUpstream(handler: Handler, options: Partial<ProxyOptions>, run: (upstream: RawUpstream, url: string, ended: Map<number, number>, records: RequestRecord[]) => Promise<void>): Promise<void> {
  const upstream = await startRawUpstream(handler);
  const ended = new Map<number, number>();
  const records: RequestRecord[] = [];
  const proxy = new ProxyServer({
    token: PROXY_TOKEN, openaiApiKey: 'sk-test', openaiBaseUrl: upstream.url, routes: testRoutes, port: 0,
    retryPolicy: { retries: 2, baseDelayMs: 5 },
    onRequestEnd: (record) => { ended.set(record.id, performance.now()); records.push(record); },
    ...options,
  });
  const url = await proxy.start();
  try {
    await run(upstream, url, ended, records);
  } finally {
    await proxy.stop();
    await upstream.close();
  }
}

const ask = (model: string, stream: boolean) => ({ model, max_tokens: 100, messages: [{ role: 'user', content: 'hi' }], ...(stream ? { stream: true } : {}) });

/** Polls without timers of its own until the upstream call has closed (bounded). */
async function closedAt(upstream: RawUpstream, index: number): Promise<number> {
  const deadline = performance.now() + NEVER_MS;
  while (upstream.calls[index]?.closedAt === undefined) {
    if (performance.now() > deadline) assert.fail(`upstream call ${index} never closed after the client left`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  return upstream.calls[index].closedAt;
}

/** The upstream call for the next request has arrived. */
function arrival(upstream: RawUpstream, index: number): Promise<void> {
  return new Promise((resolve) => {
    const check = () => (upstream.calls.length > index ? resolve() : setTimeout(check, 1));
    check();
  });
}

const stallingChat: Handler = (_req, res) => {
  res.writeHead(200, sseHeaders);
  res.write(chatChunk({ role: 'assistant', content: '' }) + chatChunk({ content: 'partial' }));
};
const stallingResponses: Handler = (_req, res) => {
  res.writeHead(200, sseHeaders);
  res.write(`event: response.created\ndata: ${JSON.stringify({ type: 'response.created', sequence_number: 0, response: { id: 'resp_x', object: 'response', status: 'in_progress', output: [] } })}\n\n`
    + `event: response.output_item.added\ndata: ${JSON.stringify({ type: 'response.output_item.added', sequence_number: 1, output_index: 0, item: { id: 'msg_x', type: 'message', role: 'assistant', content: [] } })}\n\n`
    + `event: response.output_text.delta\ndata: ${JSON.stringify({ type: 'response.output_text.delta', sequence_number: 2, item_id: 'msg_x', output_index: 0, content_index: 0, delta: 'partial' })}\n\n`);
};

test('a client that disconnects mid-stream: the upstream call is closed (both APIs)', async () => {
  for (const [model, handler] of [['claude-chat-classic', stallingChat], ['claude-sonnet-4-5', stallingResponses]] as const) {
    await withUpstream(handler, {}, async (upstream, url, ended, records) => {
      const delays: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const result = await send(url, '/v1/messages', ask(model, true), { abortWhen: ({ text }) => text.includes('"partial"') });
        assert.ok(result.aborted);
        const upstreamClosed = await closedAt(upstream, round);
        delays.push(upstreamClosed - result.abortedAt!);
      }
      assertCancelled(delays, `${model}: upstream call`);
      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(records.length, ROUNDS);
      assert.ok(records.every((record) => record.outcome === 'client closed'), 'logged as client closed');
      assert.ok(ended.size === ROUNDS);
    });
  }
});

test("a client that disconnects before the upstream's first byte: the upstream call is closed (stream and not)", async () => {
  const silent: Handler = () => undefined; // never answers
  for (const stream of [true, false]) {
    await withUpstream(silent, {}, async (upstream, url, _ended, records) => {
      const delays: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const result = await send(url, '/v1/messages', ask('claude-haiku-4-5', stream), { abortOn: arrival(upstream, round) });
        assert.ok(result.aborted);
        delays.push(await closedAt(upstream, round) - result.abortedAt!);
      }
      assertCancelled(delays, `stream ${stream}: upstream call`);
      assert.equal(upstream.calls.length, ROUNDS, 'no retry after the client left');
      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.ok(records.every((record) => record.outcome === 'client closed'));
    });
  }
});

test("a client that disconnects after the upstream's headers, before its first event: the upstream call is closed", async () => {
  const headersOnly: Handler = (_req, res) => { res.writeHead(200, sseHeaders); res.flushHeaders(); };
  await withUpstream(headersOnly, {}, async (upstream, url) => {
    const delays: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // message_start goes to the client once the upstream accepted the call.
      const result = await send(url, '/v1/messages', ask('claude-haiku-4-5', true), { abortWhen: ({ text }) => text.includes('message_start') });
      assert.ok(result.aborted);
      delays.push(await closedAt(upstream, round) - result.abortedAt!);
    }
    assertCancelled(delays, 'upstream call');
  });
});

test('a client that disconnects during a retry wait: the request ends before the retry, and no retry is sent', async () => {
  const failing: Handler = (_req, res) => {
    res.writeHead(500, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message: 'The server had an error', type: 'server_error', param: null, code: null } }));
  };
  await withUpstream(failing, { retryPolicy: { retries: 2, baseDelayMs: 600 } }, async (upstream, url, ended, records) => {
    const delays: number[] = [];
    for (let round = 0; round < 3; round++) {
      const firstClosed = new Promise<void>((resolve) => {
        const check = () => (upstream.calls[round]?.closedAt !== undefined ? resolve() : setTimeout(check, 1));
        check();
      });
      // Hang up 50 ms into the wait before the first retry (at least 480 ms long).
      const result = await send(url, '/v1/messages', ask('claude-haiku-4-5', round % 2 === 0), { abortOn: firstClosed.then(() => new Promise((resolve) => setTimeout(resolve, 50))) });
      assert.ok(result.aborted);
      const deadline = performance.now() + NEVER_MS;
      while (ended.size <= round && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 1));
      assert.equal(ended.size, round + 1, `request ${round} never ended after the client left`);
      // It ended in the wait, not after a retry that the hang-up failed to stop.
      assert.equal(upstream.calls.length, round + 1, `request ${round}: a retry was sent after the client left`);
      delays.push([...ended.values()][round] - result.abortedAt!);
    }
    assertCancelled(delays, 'request');
    await new Promise((resolve) => setTimeout(resolve, 900)); // longer than the retry wait would have been
    assert.equal(upstream.calls.length, 3, 'no retry was sent after the client left');
    assert.ok(records.every((record) => record.outcome === 'client closed'));
  });
});
