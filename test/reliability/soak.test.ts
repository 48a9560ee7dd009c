// Load and soak: a few thousand mixed requests at concurrency 32 through the proxy to the strict
// fake. Each request carries what it expects (a marker in its prompt that the fake's answerFor
// hook reads, and its own model name that the request log records), so every answer is checked
// against what was scripted for it: the right text, tool call or Anthropic error, or a clean
// hang-up. Afterwards: the request log holds every request with its outcome (nothing lost), the
// heap is back at its baseline, and no upstream call, socket or timer is left open.
import assert from 'node:assert/strict';
import { Agent } from 'node:http';
import { test } from 'node:test';
import type { RequestRecord } from '../../src/proxy/server/context';
import { ProxyServer } from '../../src/proxy/server/proxy-server';
import { startFakeOpenAI, type ScriptedAnswer } from '../fake-openai';
import { collectGarbage } from '../helpers/gc';
import { parseSse, PROXY_TOKEN, testRoutes } from '../helpers/harness';
import { activeResources, anthropicErrorType, checkStream, pool, prng, ResourceTracker, send, type ClientResult } from '../helpers/reliability';

const TOTAL = 3000;
const WARMUP = 320;
const CONCURRENCY = 32;
/** Heap growth allowed after a full GC, against the baseline taken after the warm-up. A request
 *  carries ~6 KB of prompt; leaking what one request holds would add well over this. */
const HEAP_TOLERANCE_BYTES = 12 * 1024 * 1024;
/** The same for memory outside the JS heap (`external`, which holds `arrayBuffers`: Buffers,
 *  sockets' and streams' chunks). Every request moves ~10 KB of bodies through Buffers; holding
 *  on to them would add tens of MB over the soak. */
const EXTERNAL_TOLERANCE_BYTES = 8 * 1024 * 1024;

type Kind =
  | 'text' | 'text_stream' | 'tools' | 'tools_stream' | 'reasoning_stream'
  | 'e429' | 'e400' | 'e500' | 'e503_then_ok' | 'stream_error'
  | 'abort_mid_stream' | 'abort_before_headers'
  | 'invalid_body' | 'unknown_model' | 'count_tokens';

/** The mix, by weight: mostly answers, a good share of errors and hang-ups. */
const MIX: [Kind, number][] = [
  ['text', 10], ['text_stream', 14], ['tools', 6], ['tools_stream', 8], ['reasoning_stream', 4],
  ['e429', 4], ['e400', 3], ['e500', 3], ['e503_then_ok', 3], ['stream_error', 4],
  ['abort_mid_stream', 5], ['abort_before_headers', 3],
  ['invalid_body', 3], ['unknown_model', 2], ['count_tokens', 3],
];

/** Shared by every request (so the tokenizer's cache holds it once), ~6 KB. */
const PADDING = Array.from({ length: 120 }, (_, i) => `Rule ${i}: keep answers short and exact.`).join('\n');

interface Expected { status: number; outcome: string | undefined; upstreamCalls: number }

function expectedOf(kind: Kind): Expected {
  switch (kind) {
    case 'e429': return { status: 429, outcome: 'rate_limit_error', upstreamCalls: 1 };
    case 'e400': return { status: 400, outcome: 'invalid_request_error', upstreamCalls: 1 };
    case 'e500': return { status: 500, outcome: 'api_error', upstreamCalls: 3 };
    case 'e503_then_ok': return { status: 200, outcome: undefined, upstreamCalls: 2 };
    case 'stream_error': return { status: 200, outcome: 'stream error: api_error', upstreamCalls: 1 };
    case 'abort_mid_stream': return { status: 200, outcome: 'client closed', upstreamCalls: 1 };
    case 'abort_before_headers': return { status: -1, outcome: 'client closed', upstreamCalls: 1 };
    case 'invalid_body': return { status: 400, outcome: 'invalid_request_error', upstreamCalls: 0 };
    case 'unknown_model': return { status: 404, outcome: 'not_found_error', upstreamCalls: 0 };
    case 'count_tokens': return { status: 200, outcome: undefined, upstreamCalls: 0 };
    default: return { status: 200, outcome: undefined, upstreamCalls: 1 };
  }
}

function pickKinds(count: number, seed: number): Kind[] {
  const random = prng(seed);
  const total = MIX.reduce((sum, [, weight]) => sum + weight, 0);
  return Array.from({ length: count }, () => {
    let roll = random() * total;
    for (const [kind, weight] of MIX) {
      roll -= weight;
      if (roll < 0) return kind;
    }
    return 'text';
  });
}

const modelOf = (i: number, kind: Kind) => {
  if (kind === 'unknown_model') return `gpt-nothing-soak${i}`;
  // Reasoning summaries come on the Responses API; otherwise alternate the two APIs.
  const responses = kind === 'reasoning_stream' || i % 2 === 1;
  return responses ? `claude-sonnet-4-5-soak${i}` : `claude-haiku-4-5-soak${i}`;
};

function requestBody(i: number, kind: Kind): Record<string, unknown> {
  const stream = kind.endsWith('_stream') || kind === 'stream_error' || kind === 'abort_mid_stream';
  const body: Record<string, unknown> = {
    model: modelOf(i, kind),
    max_tokens: 256,
    system: [{ type: 'text', text: PADDING }],
    messages: [{ role: 'user', content: `soak#${i}:${kind} please answer` }],
    tools: [{ name: 'Read', description: 'Reads a file', input_schema: { type: 'object', properties: { file_path: { type: 'string' } }, required: ['file_path'] } }],
    ...(stream ? { stream: true } : {}),
    ...(kind === 'reasoning_stream' ? { thinking: { type: 'enabled', budget_tokens: 2048 } } : {}),
  };
  if (kind === 'invalid_body') delete body.max_tokens;
  if (kind === 'count_tokens') delete body.max_tokens;
  return body;
}

/** What the fake answers for request i: decided by the marker in its prompt. */
function answerFor(i: number, kind: Kind, attempt: number): ScriptedAnswer {
  const text: ScriptedAnswer = { kind: 'text', chunks: [`answer ${i} `, 'done'] };
  switch (kind) {
    case 'tools':
    case 'tools_stream':
      return { kind: 'tool_calls', calls: [{ name: 'Read', fragments: ['{"file_', `path":"/f${i}"}`] }] };
    case 'reasoning_stream':
      return { kind: 'reasoning', summary: [`thinking about ${i}`], then: text };
    case 'e429': return { kind: 'error', status: 429, headers: { 'retry-after': '3' } };
    case 'e400': return { kind: 'error', status: 400, body: { error: { message: `bad ${i}`, type: 'invalid_request_error', param: null, code: null } } };
    case 'e500': return { kind: 'error', status: 500 };
    case 'e503_then_ok': return attempt === 0 ? { kind: 'error', status: 503 } : text;
    case 'stream_error': return { kind: 'stream_error', afterChunks: [`partial ${i}`], message: 'The server had an error while processing your request.' };
    case 'abort_mid_stream': return { kind: 'stall', afterChunks: [`partial ${i}`] };
    case 'abort_before_headers': return { kind: 'hang' };
    default: return text;
  }
}

/** Checks the client's view of request i; returns a description of what is wrong, or undefined. */
function checkAnswer(i: number, kind: Kind, result: ClientResult): string | undefined {
  const expected = expectedOf(kind);
  const body = () => JSON.parse(result.text);
  if (kind === 'abort_mid_stream' || kind === 'abort_before_headers') return result.aborted ? undefined : `not aborted: ${result.status} ${result.text.slice(0, 200)}`;
  if (result.status !== expected.status) return `status ${result.status}, expected ${expected.status}: ${result.text.slice(0, 300)}`;
  if (expected.outcome && kind !== 'stream_error') {
    const type = anthropicErrorType(result.text);
    if (type !== expected.outcome) return `error type ${type}, expected ${expected.outcome}: ${result.text.slice(0, 300)}`;
    if (kind === 'e429' && result.headers['retry-after'] !== '3') return 'retry-after not passed on';
    if (kind === 'e400' && !body().error.message.includes(`bad ${i}`)) return `400 message lost: ${result.text}`;
    return undefined;
  }
  switch (kind) {
    case 'text':
    case 'e503_then_ok': {
      const message = body();
      if (message.type !== 'message' || message.content[0]?.text !== `answer ${i} done` || message.stop_reason !== 'end_turn') return `wrong message: ${result.text.slice(0, 300)}`;
      if (message.model !== modelOf(i, kind)) return `model ${message.model}`;
      return undefined;
    }
    case 'tools': {
      const message = body();
      const call = message.content.find((block: any) => block.type === 'tool_use');
      if (call?.name !== 'Read' || call.input?.file_path !== `/f${i}` || message.stop_reason !== 'tool_use') return `wrong tool call: ${result.text.slice(0, 300)}`;
      return undefined;
    }
    case 'count_tokens':
      return body().input_tokens > 1000 ? undefined : `count ${result.text}`;
    default: {
      const stream = checkStream(parseSse(result.text));
      if (kind === 'stream_error') return stream.ended === 'error' && stream.text === `partial ${i}` && stream.error?.type === 'api_error' ? undefined : `stream error not reported: ${result.text.slice(-300)}`;
      if (stream.ended !== 'message_stop') return `stream ended with ${stream.ended}`;
      if (kind === 'tools_stream') return stream.json === `{"file_path":"/f${i}"}` && result.text.includes('"name":"Read"') ? undefined : `wrong streamed tool call: ${stream.json}`;
      if (stream.text !== `answer ${i} done`) return `wrong streamed text: ${stream.text}`;
      if (kind === 'reasoning_stream' && !result.text.includes(`thinking about ${i}`)) return 'thinking missing';
      return undefined;
    }
  }
}

test('soak: thousands of mixed requests at concurrency 32 each get their scripted answer or error; nothing lost, nothing leaked', async (t) => {
  const started = performance.now();
  const before = activeResources();
  const kinds = pickKinds(WARMUP + TOTAL, 0x5eed);
  const attempts = new Map<number, number>();
  const arrived = new Map<number, () => void>();
  const fake = await startFakeOpenAI({
    answerFor: ({ raw }) => {
      const match = /soak#(\d+):([a-z_0-9]+)/.exec(raw);
      if (!match) return undefined;
      const i = Number(match[1]);
      const attempt = attempts.get(i) ?? 0;
      attempts.set(i, attempt + 1);
      arrived.get(i)?.();
      return answerFor(i, match[2] as Kind, attempt);
    },
  });

  // Nothing lost: the request log, kept as counts and per-request records, not as a growing log.
  const records = new Map<string, RequestRecord>();
  const unnamed: RequestRecord[] = [];
  let logLines = 0;
  const logged = new Map<string, string>();
  const onLine = (line: string) => {
    if (!/^POST \/v1\/messages/.test(line)) return;
    logLines++;
    const model = / (\S+-soak\d+) -> /.exec(line)?.[1];
    if (model) logged.set(model, line);
  };
  const proxy = new ProxyServer({
    token: PROXY_TOKEN,
    openaiApiKey: fake.apiKey,
    openaiBaseUrl: fake.url,
    routes: testRoutes,
    port: 0,
    retryPolicy: { retries: 2, baseDelayMs: 5 },
    logger: { debug: onLine, info: onLine, warn: onLine, error: onLine },
    onRequestEnd: (record) => {
      if (record.claudeModel?.includes('-soak')) records.set(record.claudeModel, record);
      else unnamed.push(record);
    },
  });
  const url = await proxy.start();
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const failures: string[] = [];

  const run = async (i: number) => {
    const kind = kinds[i];
    const body = requestBody(i, kind);
    const path = kind === 'count_tokens' ? '/v1/messages/count_tokens' : '/v1/messages';
    let abortOn: Promise<void> | undefined;
    if (kind === 'abort_before_headers') abortOn = new Promise<void>((resolve) => arrived.set(i, resolve));
    const abortWhen = kind === 'abort_mid_stream' ? ({ text }: { text: string }) => text.includes('content_block_delta') : undefined;
    try {
      const result = await send(url, path, body, { agent, abortOn, abortWhen });
      const problem = checkAnswer(i, kind, result);
      if (problem) failures.push(`#${i} ${kind}: ${problem}`);
    } catch (error) {
      failures.push(`#${i} ${kind}: ${(error as Error).message}`);
    } finally {
      arrived.delete(i);
    }
  };
  const settle = async (what: string) => {
    const deadline = Date.now() + 5000;
    while (proxy.activeRequests > 0 || fake.activeRequests() > 0) {
      if (Date.now() > deadline) assert.fail(`${what}: ${proxy.activeRequests} proxy requests, ${fake.activeRequests()} upstream calls still open`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };

  try {
    // Warm-up: loads the SDK and the tokenizer, fills the connection pools, JITs the hot paths.
    await pool(WARMUP, CONCURRENCY, run);
    await settle('after the warm-up');
    fake.requests.length = 0;
    await collectGarbage();
    const memoryBefore = process.memoryUsage();
    const heapBefore = memoryBefore.heapUsed;
    const tracker = new ResourceTracker().start();
    const soakStarted = performance.now();

    await pool(TOTAL, CONCURRENCY, (n) => run(WARMUP + n));
    const soakMs = performance.now() - soakStarted;
    assert.deepEqual(failures.slice(0, 20), [], `${failures.length} requests got a wrong answer`);

    // No upstream call or request left open: every hang-up reached the fake.
    await settle('after the soak');
    const upstreamCalls = fake.requests.length;
    const abortedUpstream = fake.requests.filter((request) => request.aborted).length;

    // Nothing lost: one log record and one log line per request, each with the scripted outcome.
    const soakKinds = kinds.slice(WARMUP);
    const wrongRecords: string[] = [];
    let expectedUpstream = 0;
    let expectedAborts = 0;
    soakKinds.forEach((kind, n) => {
      const i = WARMUP + n;
      const expected = expectedOf(kind);
      expectedUpstream += expected.upstreamCalls;
      if (expected.outcome === 'client closed') expectedAborts++;
      if (kind === 'invalid_body') return; // no model name: counted below
      const record = records.get(modelOf(i, kind));
      if (!record) return void wrongRecords.push(`#${i} ${kind}: no record`);
      if (record.outcome !== expected.outcome) wrongRecords.push(`#${i} ${kind}: outcome ${record.outcome}, expected ${expected.outcome}`);
      if (expected.status !== -1 && record.status !== expected.status) wrongRecords.push(`#${i} ${kind}: status ${record.status}, expected ${expected.status}`);
      if (typeof record.durationMs !== 'number') wrongRecords.push(`#${i}: no duration`);
      if (kind !== 'unknown_model' && kind !== 'count_tokens') {
        const line = logged.get(modelOf(i, kind));
        if (!line) wrongRecords.push(`#${i} ${kind}: no log line`);
        else if (!line.includes(` ${record.status} `) || (expected.outcome && !line.includes(`[${expected.outcome}]`))) wrongRecords.push(`#${i}: log line ${line}`);
      }
    });
    assert.deepEqual(wrongRecords.slice(0, 20), [], `${wrongRecords.length} requests logged wrongly`);
    const invalid = kinds.filter((kind) => kind === 'invalid_body').length;
    assert.equal(unnamed.length, invalid, 'every invalid body is in the log too');
    assert.ok(unnamed.every((record) => record.status === 400 && record.outcome === 'invalid_request_error'));
    assert.equal(records.size + unnamed.length, WARMUP + TOTAL, 'one record per request');
    assert.equal(logLines, WARMUP + TOTAL, 'one log line per request');
    assert.equal(upstreamCalls, expectedUpstream, 'upstream calls: one per answer, retries as scripted, none for client errors');
    assert.equal(abortedUpstream, expectedAborts, 'every hang-up aborted its upstream call');

    // Memory back to its baseline.
    fake.requests.length = 0;
    await collectGarbage();
    const memoryAfter = process.memoryUsage();
    const growth = memoryAfter.heapUsed - heapBefore;
    assert.ok(growth < HEAP_TOLERANCE_BYTES, `heap grew by ${(growth / 1048576).toFixed(1)} MB over ${TOTAL} requests`);
    const externalGrowth = memoryAfter.external - memoryBefore.external;
    const bufferGrowth = memoryAfter.arrayBuffers - memoryBefore.arrayBuffers;
    assert.ok(externalGrowth < EXTERNAL_TOLERANCE_BYTES, `external memory grew by ${(externalGrowth / 1048576).toFixed(1)} MB over ${TOTAL} requests`);
    assert.ok(bufferGrowth < EXTERNAL_TOLERANCE_BYTES, `ArrayBuffer memory grew by ${(bufferGrowth / 1048576).toFixed(1)} MB over ${TOTAL} requests`);

    // No timer or socket per request: the pools stay bounded by the concurrency.
    const liveTimers = tracker.count('Timeout');
    const liveSockets = tracker.count('TCPWRAP');
    // Keep-alive pools: the client's, the proxy's server side, the SDK's, the fake's: at most one
    // socket (and its timer) per concurrent request in each, whereas a leak grows with the count.
    assert.ok(liveTimers <= 6 * CONCURRENCY, `${liveTimers} timers created during the soak are still alive`);
    assert.ok(liveSockets <= 6 * CONCURRENCY, `${liveSockets} sockets opened during the soak are still open`);
    assert.ok(fake.openConnections() <= 2 * CONCURRENCY, `${fake.openConnections()} upstream connections open (idle keep-alive included)`);
    assert.equal(tracker.count('HTTPCLIENTREQUEST'), 0, 'no upstream request object alive');

    // Closing everything leaves no timer or socket behind. The proxy closes its own upstream
    // pool when it stops: no connection to the fake may be left, before the fake closes any.
    agent.destroy();
    await proxy.stop();
    const poolDeadline = Date.now() + 1000;
    // Polled with setImmediate: a timer of its own would count as a live timer.
    while (fake.openConnections() > 0 && Date.now() < poolDeadline) await new Promise((resolve) => setImmediate(resolve));
    assert.equal(fake.openConnections(), 0, 'upstream connections left open after the proxy stopped');
    await fake.close();
    const deadline = Date.now() + 3000;
    // Polled with setImmediate: a timer of its own would count as a live timer.
    // A closed server's handle is released in a later turn of the event loop than its 'close'
    // event, so the active handles are polled too.
    const resourceNames = ['TCPSocketWrap', 'TCPServerWrap', 'Timeout'];
    const handlesLeft = () => {
      const active = activeResources();
      return resourceNames.some((name) => (active[name] ?? 0) > (before[name] ?? 0));
    };
    while ((tracker.count('Timeout') > 0 || tracker.count('TCPWRAP') > 0 || handlesLeft()) && Date.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
    tracker.stop();
    assert.equal(tracker.count('TCPWRAP'), 0, 'sockets left open after closing');
    assert.equal(tracker.count('Timeout'), 0, 'timers left running after closing');
    const after = activeResources();
    for (const name of resourceNames) {
      assert.ok((after[name] ?? 0) <= (before[name] ?? 0), `${name}: ${after[name]} active, ${before[name] ?? 0} before the test`);
    }
    t.diagnostic(`soak: ${TOTAL} requests (+${WARMUP} warm-up) in ${(soakMs / 1000).toFixed(1)} s, ${upstreamCalls} upstream calls, ${liveSockets} sockets and ${liveTimers} timers alive after it, heap ${growth >= 0 ? '+' : ''}${(growth / 1048576).toFixed(2)} MB, external ${externalGrowth >= 0 ? '+' : ''}${(externalGrowth / 1048576).toFixed(2)} MB (array buffers ${bufferGrowth >= 0 ? '+' : ''}${(bufferGrowth / 1048576).toFixed(2)} MB), total ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    agent.destroy();
    await proxy.stop();
    await fake.close();
  }
});
