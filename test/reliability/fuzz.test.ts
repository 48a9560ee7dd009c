// Hostile input: a few thousand generated and mutated request bodies (the captured Claude Code
// requests with fields deleted, retyped, nested wrongly and oversized; random JSON; broken JSON
// text), from a seeded PRNG so every run tries the same cases. Every answer must be a 2xx (a
// well-formed message or stream) or a 4xx Anthropic error: no 5xx caused by the client, no crash,
// no unhandled rejection, and the proxy is healthy afterwards. Bodies over the limit get 413.
import assert from 'node:assert/strict';
import { Agent } from 'node:http';
import { test } from 'node:test';
import { ProxyServer } from '../../src/proxy/server/proxy-server';
import { startFakeOpenAI } from '../fake-openai';
import { PROXY_TOKEN, testRoutes } from '../helpers/harness';
import { openRawConnection } from '../helpers/raw-connection';
import { anthropicErrorType, classify, pool, send } from '../helpers/reliability';
import { makeCases, type Case } from './fuzz-cases';

const CASES = Number(process.env.FUZZ_CASES ?? 3000);
const CONCURRENCY = 16;
const MAX_BODY = 4 * 1024 * 1024;
const SEED = 0xf022;

/** The image types Anthropic's API accepts. The proxy passes an image's media type through. */
const ANTHROPIC_IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);

/**
 * Why Anthropic's API itself would refuse this body for a reason the proxy leaves to the upstream
 * (an image's media type or bytes, an image URL), or undefined when the body is valid for it.
 * A body the proxy accepted and translated that the strict fake still refuses is a translation
 * bug, unless this explains it.
 */
function invalidForAnthropic(text: string | Buffer): string | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text.toString());
  } catch {
    return undefined;
  }
  const found: string[] = [];
  const walk = (node: any, depth: number): void => {
    if (found.length > 0 || depth > 64 || node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach((child) => walk(child, depth + 1));
    const source = node.source;
    if (node.type === 'image' && source && typeof source === 'object') {
      if (source.type === 'base64' && !ANTHROPIC_IMAGE_TYPES.has(source.media_type)) found.push(`an image of media_type ${JSON.stringify(String(source.media_type).slice(0, 40))}`);
      else if (source.type === 'base64' && !/^[A-Za-z0-9+/]+={0,2}$/.test(source.data)) found.push('an image whose data is not base64');
      else if (source.type === 'url' && !/^https?:\/\/\S+$/i.test(source.url)) found.push(`an image URL ${JSON.stringify(String(source.url).slice(0, 40))}`);
    }
    for (const value of Object.values(node)) walk(value, depth + 1);
  };
  walk(body, 0);
  return found[0];
}

test('fuzz: thousands of generated and mutated bodies get a 2xx or a 4xx Anthropic error; no crash, no 5xx, no unhandled rejection', async (t) => {
  const started = performance.now();
  const cases = makeCases(CASES, SEED);
  let made = 0;
  const unhandled: string[] = [];
  const onRejection = (reason: unknown) => { unhandled.push(`unhandledRejection: ${(reason as Error)?.stack ?? String(reason)}`); };
  const onException = (error: Error) => { unhandled.push(`uncaughtException: ${error.stack}`); };
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  const fake = await startFakeOpenAI();
  const internalErrors: string[] = [];
  const proxy = new ProxyServer({
    token: PROXY_TOKEN, openaiApiKey: fake.apiKey, openaiBaseUrl: fake.url, routes: testRoutes, port: 0, maxBodyBytes: MAX_BODY,
    retryPolicy: { retries: 0, baseDelayMs: 1 },
    logger: { debug() {}, info() {}, warn() {}, error: (line) => internalErrors.push(line) },
  });
  const url = await proxy.start();
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const problems: string[] = [];
  /** Cases the proxy accepted and sent upstream, and the strict fake refused. */
  const refusedUpstream: string[] = [];
  const slowest: [number, string][] = [];
  const statuses = new Map<number, number>();
  try {
    await pool(CASES, CONCURRENCY, async () => {
      const item = cases.next().value as Case; // synchronously, so the order is fixed
      made++;
      const caseStarted = performance.now();
      try {
        const result = await send(url, item.path, item.body, { agent, timeoutMs: 30000 });
        slowest.push([performance.now() - caseStarted, `${item.name.slice(0, 150)} (${item.body.length} bytes) -> ${result.status}`]);
        slowest.sort((a, b) => b[0] - a[0]).splice(5);
        statuses.set(result.status, (statuses.get(result.status) ?? 0) + 1);
        if (result.status >= 500 || result.status < 200 || (result.status >= 300 && result.status < 400)) {
          problems.push(`${item.name}: ${result.status} ${result.text.slice(0, 300)}`);
          return;
        }
        if (result.status >= 400 && !anthropicErrorType(result.text)) problems.push(`${item.name}: ${result.status} without an Anthropic error body: ${result.text.slice(0, 200)}`);
        // A 4xx is acceptable when the proxy refused the body itself. One that comes from the
        // upstream refusing what the proxy built is only acceptable when the client's body was
        // invalid for Anthropic too; otherwise the translation is wrong.
        const message: string = anthropicErrorType(result.text) ? JSON.parse(result.text).error.message : '';
        if (result.status === 400 && message.startsWith('OpenAI rejected the request')) {
          refusedUpstream.push(item.name);
          if (!invalidForAnthropic(item.body)) problems.push(`${item.name}: a valid body was translated into one the upstream refuses: ${message.slice(0, 300)}`);
        }
        if (result.status === 200 && item.path === '/v1/messages') {
          const answer = classify(result);
          if (answer.kind === 'stream_error') problems.push(`${item.name}: stream ended with ${JSON.stringify(answer.error)}`);
        }
      } catch (error) {
        problems.push(`${item.name}: ${(error as Error).message}`);
      }
    });
    for (const [ms, name] of slowest) t.diagnostic(`slow: ${ms.toFixed(0)} ms ${name}`);
    assert.equal(made, CASES);
    assert.deepEqual(problems.slice(0, 10), [], `${problems.length} of ${CASES} cases failed`);
    // Every refusal the fake recorded reached its client as such (none hidden, none turned into a
    // 5xx or a success), and each was judged above.
    const rejections = fake.requests.filter((request) => request.rejection);
    assert.equal(rejections.length, refusedUpstream.length, `the fake refused ${rejections.length} requests: ${rejections.map((request) => `${request.rejection!.param}: ${request.rejection!.message}`).slice(0, 5).join('; ')}`);
    assert.ok(rejections.length < fake.requests.length / 20, `${rejections.length} of ${fake.requests.length} upstream calls refused`);
    assert.ok(fake.requests.length > CASES / 10, `only ${fake.requests.length} bodies reached the upstream`);
    assert.deepEqual(internalErrors.slice(0, 5), [], 'internal errors logged');
    assert.deepEqual(unhandled, [], 'unhandled rejections or exceptions');
    // Both kinds of answer were reached: the mutations do not all fail validation.
    assert.ok((statuses.get(200) ?? 0) > CASES / 10, `only ${statuses.get(200)} answers`);
    assert.ok((statuses.get(400) ?? 0) > CASES / 10, `only ${statuses.get(400)} 400s`);

    // Still healthy, nothing left in flight.
    const deadline = Date.now() + 3000;
    while ((proxy.activeRequests > 0 || fake.activeRequests() > 0) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(proxy.activeRequests, 0);
    assert.equal(fake.activeRequests(), 0);
    const health = await send(url, '/health', undefined, { method: 'GET', headers: {} });
    assert.equal(health.status, 200);
    const normal = classify(await send(url, '/v1/messages', { model: 'claude-haiku-4-5', max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] }));
    assert.equal(normal.kind, 'message');
    t.diagnostic(`${CASES} cases in ${((performance.now() - started) / 1000).toFixed(1)} s; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}; ${fake.requests.length} upstream calls, ${refusedUpstream.length} refused upstream (each an input Anthropic refuses too)`);
  } finally {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
    agent.destroy();
    await proxy.stop();
    await fake.close();
  }
});

test('hand-picked hostile bodies: deep nesting, huge arrays, long runs for the tokenizer, odd strings; each a 2xx or 4xx, quickly', async (t) => {
  const fake = await startFakeOpenAI();
  const internalErrors: string[] = [];
  const proxy = new ProxyServer({
    token: PROXY_TOKEN, openaiApiKey: fake.apiKey, openaiBaseUrl: fake.url, routes: testRoutes, port: 0, retryPolicy: { retries: 0, baseDelayMs: 1 },
    logger: { debug() {}, info() {}, warn() {}, error: (line) => internalErrors.push(line) },
  });
  const url = await proxy.start();
  const nest = (depth: number, inner = '1') => '{"a":'.repeat(depth) + inner + '}'.repeat(depth);
  const ask = (extra: string, model = 'claude-haiku-4-5') => `{"model":"${model}","max_tokens":20,"messages":[{"role":"user","content":"x"}]${extra}}`;
  const toolTurn = (input: string) => `{"model":"claude-haiku-4-5","max_tokens":20,"messages":[{"role":"user","content":"x"},{"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"f","input":${input}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":"ok"}]}]}`;
  const longRuns = ['object'.repeat(40000), '漢字'.repeat(60000), '='.repeat(200000), ' '.repeat(200000), 'ACGT'.repeat(50000), '🤖'.repeat(60000)];
  const cases: [string, string, string, (status: number) => boolean][] = [
    ['tool input nested 20 000 deep', '/v1/messages', toolTurn(nest(20000)), (status) => status === 400],
    ['tool input nested 200 deep (allowed)', '/v1/messages', toolTurn(nest(200)), (status) => status === 200],
    ['tool schema nested 20 000 deep', '/v1/messages/count_tokens', ask(`,"tools":[{"name":"f","input_schema":{"type":"object","properties":${nest(20000)}}}]`), (status) => status === 400],
    ['unknown field nested 1 000 000 deep (arrays)', '/v1/messages', ask(`,"zzz":${'['.repeat(1000000)}${']'.repeat(1000000)}`), (status) => status === 400],
    ['100 000 messages', '/v1/messages/count_tokens', `{"model":"claude-haiku-4-5","messages":[${Array.from({ length: 100000 }, (_, i) => `{"role":"${i % 2 ? 'assistant' : 'user'}","content":"m"}`).join(',')}]}`, (status) => status === 200],
    ['20 000 tools', '/v1/messages/count_tokens', ask(`,"tools":[${Array.from({ length: 20000 }, (_, i) => `{"name":"t${i}","input_schema":{"type":"object"}}`).join(',')}]`), (status) => status === 200],
    ['200 000 stop sequences', '/v1/messages', ask(`,"stream":true,"stop_sequences":[${Array.from({ length: 200000 }, (_, i) => `"s${i}"`).join(',')}]`), (status) => status === 200 || status === 400],
    ['1 000 stop sequences of 10 000 characters', '/v1/messages', ask(`,"stream":true,"stop_sequences":[${Array.from({ length: 1000 }, (_, i) => `"${String(i).padStart(10000, 'H')}"`).join(',')}]`), (status) => status === 200 || status === 400],
    ['a model name of 1 MB that nothing serves', '/v1/messages', ask('', `gpt-${'-x'.repeat(500000)}`), (status) => status === 404],
    ['a 3 MB base64 image of garbage', '/v1/messages/count_tokens', `{"model":"claude-haiku-4-5","messages":[{"role":"user","content":[{"type":"image","source":{"type":"base64","media_type":"image/jpeg","data":"/9j/${'A'.repeat(3000000)}"}}]}]}`, (status) => status === 200],
    ...['null', '[]', '"text"', '5', 'true', '{"model":null}', '{"messages":{}}'].map((body): [string, string, string, (status: number) => boolean] => [`the body ${body}`, '/v1/messages', body, (status) => status === 400]),
    ['lone surrogates and NULs in text', '/v1/messages', '{"model":"claude-haiku-4-5","max_tokens":20,"messages":[{"role":"user","content":"\\ud800 \\udfff \\u0000 x"}],"system":"\\udbff"}', (status) => status === 200],
    ...longRuns.map((text, i): [string, string, string, (status: number) => boolean] => [`count_tokens of a long run (${i}: ${text.slice(0, 6)}…)`, '/v1/messages/count_tokens', `{"model":"claude-haiku-4-5","messages":[{"role":"user","content":${JSON.stringify(text)}}]}`, (status) => status === 200]),
  ];
  try {
    for (const [name, path, body, ok] of cases) {
      const started = performance.now();
      const result = await send(url, path, body, { timeoutMs: 20000 });
      const ms = performance.now() - started;
      t.diagnostic(`${name}: ${result.status} in ${ms.toFixed(0)} ms`);
      assert.ok(ok(result.status), `${name}: ${result.status} ${result.text.slice(0, 300)}`);
      if (result.status >= 400) assert.ok(anthropicErrorType(result.text), `${name}: not an Anthropic error`);
      else if (path === '/v1/messages') classify(result);
    }
    assert.deepEqual(internalErrors, []);
    assert.deepEqual(fake.requests.filter((request) => request.rejection).map((request) => request.rejection!.message), [], 'the strict fake refused nothing the proxy built');
  } finally {
    await proxy.stop();
    await fake.close();
  }
});

test('count_tokens cuts long text for the tokenizer without changing the count of ordinary text', async () => {
  const { countInputTokens } = await import('../../src/proxy/tokens/count-tokens');
  const tokenizer = await import('gpt-tokenizer/encoding/o200k_base');
  const prose = Array.from({ length: 3000 }, (_, i) => `Sentence ${i}: the quick brown fox, jumping over ${i % 7} lazy dogs; naïve café "quotes" — done.\n`).join('');
  const request = (text: string) => ({ model: 'm', messages: [{ role: 'user' as const, content: text }] });
  const overhead = (await countInputTokens(request('x'))) - 1;
  const exact = tokenizer.countTokens(prose, { disallowedSpecial: new Set<string>() });
  const counted = await countInputTokens(request(prose));
  // The same as counting the whole text at once (up to the 1% margin and the framing).
  assert.ok(Math.abs(counted - Math.ceil((exact + overhead) * 1.01)) <= 2, `${counted} vs exact ${exact}`);
  const letters = await countInputTokens(request('object'.repeat(100000)));
  // Linear, as a ratio rather than against the clock: one run of 16n letters against 16 runs of n
  // (fastest of 3 each). Linear: about 1; quadratic in the run's length: about 16.
  const fastest = async (run: () => Promise<unknown>) => {
    let best = Infinity;
    for (let sample = 0; sample < 3; sample++) {
      const started = performance.now();
      await run();
      best = Math.min(best, performance.now() - started);
    }
    return best;
  };
  const small = request('object'.repeat(6250));
  const big = request('object'.repeat(100000));
  const sixteenSmall = async () => { for (let n = 0; n < 16; n++) await countInputTokens(small); };
  const ratio = (await fastest(() => countInputTokens(big))) / Math.max(await fastest(sixteenSmall), 0.05);
  assert.ok(ratio < 5, `counting a run of 16n letters took ${ratio.toFixed(1)} times as long as 16 runs of n: not linear`);
  assert.ok(letters >= 100000 / 1.2, `a long run still counts its tokens (${letters})`);
});

test('bodies above the configured limit get 413 request_too_large, declared or chunked, on every body endpoint', async () => {
  const fake = await startFakeOpenAI();
  const proxy = new ProxyServer({ token: PROXY_TOKEN, openaiApiKey: fake.apiKey, openaiBaseUrl: fake.url, routes: testRoutes, port: 0, maxBodyBytes: 64 * 1024 });
  const url = await proxy.start();
  try {
    const big = JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'x'.repeat(70 * 1024) }] });
    for (const path of ['/v1/messages', '/v1/messages/count_tokens']) {
      const declared = await send(url, path, big);
      assert.equal(declared.status, 413, path);
      assert.equal(anthropicErrorType(declared.text), 'request_too_large');

      // Chunked: no content-length, the limit is found while reading.
      const connection = openRawConnection(url);
      const { socket } = connection;
      socket.write(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${PROXY_TOKEN}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n`);
      for (let offset = 0; offset < big.length; offset += 8192) {
        const piece = big.slice(offset, offset + 8192);
        socket.write(`${Buffer.byteLength(piece).toString(16)}\r\n${piece}\r\n`);
      }
      socket.write('0\r\n\r\n');
      const text = await connection.reply(5000);
      assert.match(text, /^HTTP\/1\.1 413 /, `${path} chunked: ${text.slice(0, 200)}`);
      assert.match(text, /"type":"request_too_large"/);
    }
    assert.equal(fake.requests.length, 0, 'nothing sent upstream');
    const fine = await send(url, '/v1/messages', { model: 'claude-haiku-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'x'.repeat(60 * 1024) }] });
    assert.equal(fine.status, 200, 'a body under the limit is served');
  } finally {
    await proxy.stop();
    await fake.close();
  }
});
