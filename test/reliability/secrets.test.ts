// Secrets: the proxy runs with known fake keys, every error path is driven (a bad OpenAI key,
// upstream errors of every status, errors that quote the key back, an unreachable upstream,
// stream errors, invalid bodies, bad proxy tokens, the headless CLI), and everything that comes
// out is collected: log lines, request records, response bodies, headers and status texts, /health,
// the CLI's stdout and stderr, the exported environment (the extension's export lines). Neither key may appear, nor the OpenAI key's tail as OpenAI masks it
// ("sk-proj-****Q7zX"). The one exception: the export line the CLI prints when it generated the
// proxy token, which is the token the user needs.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { claudeEnvironment, exportLines, shells } from '../../src/extension/environment';
import { ProxyServer, type ProxyOptions } from '../../src/proxy/server/proxy-server';
import { startFakeOpenAI, type ScriptedAnswer } from '../fake-openai';
import { testRoutes } from '../helpers/harness';
import { projectRoot, startHeadlessProxy } from '../helpers/processes';
import { send, type ClientResult } from '../helpers/reliability';

const OPENAI_KEY = 'sk-proj-RELIABILITYtestKEY0123456789abcdefQ7zX';
const PROXY_TOKEN_SECRET = 'cop-secretTOKENabcdefghijklmnopqrstuvwxyzK9wT';

/** Everything observed, with where it came from. */
class Observed {
  readonly items: { where: string; text: string }[] = [];

  add(where: string, text: string): void {
    this.items.push({ where, text });
  }

  answer(where: string, result: ClientResult): void {
    this.add(`${where}: body`, result.text);
    this.add(`${where}: status text`, `${result.status} ${result.statusMessage}`);
    this.add(`${where}: headers`, JSON.stringify(result.headers));
  }
}

/** Ways a secret can show: whole, without its prefix, its last 8, and its last 4 as OpenAI masks keys. */
function leaks(text: string, secret: string): string[] {
  const found: string[] = [];
  if (text.includes(secret)) found.push('the whole secret');
  const body = secret.replace(/^(sk-proj-|sk-|cop-)/, '');
  if (text.includes(body)) found.push('the secret without its prefix');
  if (text.includes(secret.slice(-8))) found.push('its last 8 characters');
  if (text.includes(secret.slice(0, 16))) found.push('its first 16 characters');
  // The last 4 alone: long random identifiers (message ids, signatures: 16+ id characters) can
  // hold any 4 characters by chance, so they are blanked first; a masked key ("****Q7zX") is not
  // such an identifier and stays.
  const withoutIds = text.replace(/[A-Za-z0-9_-]{16,}/g, ' ');
  if (withoutIds.includes(secret.slice(-4))) found.push(`its last 4 characters (${secret.slice(-4)}), as a masked key shows them`);
  return found;
}

function assertNoLeak(observed: Observed, secret: string, name: string, except: (where: string, text: string) => boolean = () => false): void {
  const problems: string[] = [];
  for (const { where, text } of observed.items) {
    if (except(where, text)) continue;
    for (const leak of leaks(text, secret)) problems.push(`${name}: ${leak} in ${where}: ${text.slice(0, 300)}`);
  }
  assert.deepEqual(problems.slice(0, 10), [], `${problems.length} leaks`);
}

const ask = (model = 'claude-haiku-4-5', extra: Record<string, unknown> = {}) => ({ model, max_tokens: 20, messages: [{ role: 'user', content: 'hi' }], ...extra });
const auth = { authorization: `Bearer ${PROXY_TOKEN_SECRET}` };
const masked = `${OPENAI_KEY.slice(0, 8)}${'*'.repeat(OPENAI_KEY.length - 12)}${OPENAI_KEY.slice(-4)}`;

async function startProxy(observed: Observed, options: Partial<ProxyOptions>): Promise<{ proxy: ProxyServer; url: string }> {
  const log = (level: string) => (line: string) => observed.add(`log ${level}`, line);
  const proxy = new ProxyServer({
    token: PROXY_TOKEN_SECRET, openaiApiKey: OPENAI_KEY, routes: testRoutes, port: 0,
    retryPolicy: { retries: 1, baseDelayMs: 1 }, idleTimeoutMs: 500,
    logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    onRequestEnd: (record) => observed.add('request record', JSON.stringify(record)),
    ...options,
  });
  const url = await proxy.start();
  return { proxy, url };
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

test('in process: no error path shows the OpenAI key or the proxy token, whole or in part', async () => {
  const observed = new Observed();
  const fake = await startFakeOpenAI({ apiKey: OPENAI_KEY });
  const { proxy, url } = await startProxy(observed, { openaiBaseUrl: fake.url });
  const call = async (where: string, path: string, body: unknown, options: Parameters<typeof send>[3] = {}) => {
    const result = await send(url, path, body, { headers: auth, ...options });
    observed.answer(where, result);
    return result;
  };
  try {
    // Answers that work, streamed and not, on both APIs; the endpoints without a model call.
    for (const model of ['claude-haiku-4-5', 'claude-sonnet-4-5']) {
      assert.equal((await call(`ok ${model}`, '/v1/messages', ask(model))).status, 200);
      assert.equal((await call(`ok stream ${model}`, '/v1/messages', ask(model, { stream: true }))).status, 200);
    }
    await call('health', '/health', undefined, { method: 'GET', headers: {} });
    await call('models', '/v1/models', undefined, { method: 'GET' });
    await call('count_tokens', '/v1/messages/count_tokens', { model: 'claude-haiku-4-5', messages: [{ role: 'user', content: 'hi' }] });
    await call('head', '/', undefined, { method: 'HEAD', headers: {} });

    // Upstream errors of every status, with OpenAI's default bodies and with bodies that quote the
    // key back (whole, masked, in a message and in other fields), before and during a stream.
    const statuses = [400, 401, 403, 404, 408, 409, 413, 415, 422, 429, 500, 502, 503, 504, 529];
    const quoting = (status: number, message: string): ScriptedAnswer => ({
      kind: 'error', status, headers: { 'x-echo': OPENAI_KEY.slice(-4), 'retry-after': '1' },
      body: { error: { message, type: 'invalid_request_error', param: OPENAI_KEY, code: masked } },
    });
    const retried = new Set([500, 502, 503, 504]); // once more, with retries: 1
    const times = (answer: ScriptedAnswer, status: number) => (retried.has(status) ? [answer, answer] : [answer]);
    for (const status of statuses) {
      for (const model of ['claude-haiku-4-5', 'claude-sonnet-4-5']) {
        fake.script(...times({ kind: 'error', status }, status));
        await call(`upstream ${status} ${model}`, '/v1/messages', ask(model));
        fake.script(...times(quoting(status, `Incorrect API key provided: ${masked}.`), status));
        await call(`upstream ${status} ${model} quoting the masked key`, '/v1/messages', ask(model, { stream: status % 2 === 0 }));
        fake.script(...times(quoting(status, `Bad header: Authorization: Bearer ${OPENAI_KEY}`), status));
        await call(`upstream ${status} ${model} quoting the whole key`, '/v1/messages', ask(model, { stream: status % 2 === 1 }));
      }
    }
    // A 200 carrying an error, stream errors, stalls, all quoting the key.
    fake.script({ kind: 'error', status: 200, body: { error: { message: `key ${OPENAI_KEY} / ${masked} refused`, code: 'provider_error' } } });
    await call('200 with an error body', '/v1/messages', ask());
    for (const model of ['claude-haiku-4-5', 'claude-sonnet-4-5']) {
      fake.script({ kind: 'stream_error', afterChunks: ['partial'], message: `stream broke for ${OPENAI_KEY} (${masked})` });
      await call(`stream error ${model}`, '/v1/messages', ask(model, { stream: true }));
      fake.script({ kind: 'stream_error', afterChunks: [], message: `failed for ${masked}`, via: 'response.failed' });
      await call(`response.failed ${model}`, '/v1/messages', ask(model, { stream: true }));
      fake.script({ kind: 'stall', afterChunks: ['x'] });
      await call(`stall ${model}`, '/v1/messages', ask(model, { stream: true }));
    }
    // Context overflow (its message is rewritten), quota, and a 404 for a model nothing serves.
    fake.script({ kind: 'error', status: 400, body: { error: { message: `maximum context length is 1000 tokens, however you requested 2000 tokens (key ${masked})`, type: 'invalid_request_error', param: null, code: 'context_length_exceeded' } } });
    await call('context overflow', '/v1/messages', ask());
    fake.script({ kind: 'error', status: 429, body: { error: { message: `You exceeded your current quota (${masked})`, type: 'insufficient_quota', param: null, code: 'insufficient_quota' } } });
    await call('quota', '/v1/messages', ask());
    await call('unknown model', '/v1/messages', ask('gpt-unknown'));

    // Client errors: invalid bodies, and every kind of bad token (none may be echoed back).
    for (const [where, body] of [['invalid json', '{"model":'], ['empty body', ''], ['schema error', { model: 5 }], ['body quoting the token', { model: PROXY_TOKEN_SECRET, max_tokens: 1, messages: [] }]] as const) {
      await call(where, '/v1/messages', body);
    }
    const badTokens = [
      PROXY_TOKEN_SECRET.slice(0, -1), `${PROXY_TOKEN_SECRET}x`, PROXY_TOKEN_SECRET.toUpperCase(), OPENAI_KEY, '', 'Bearer', `${PROXY_TOKEN_SECRET.slice(0, -4)}AAAA`,
    ];
    for (const [index, token] of badTokens.entries()) {
      const result = await send(url, '/v1/messages', ask(), { headers: { authorization: `Bearer ${token}` } });
      assert.equal(result.status, 401);
      // The client sent this token: it may be echoed to that client, but it is not; checked below.
      observed.answer(`bad token ${index}`, result);
      observed.answer(`bad x-api-key ${index}`, await send(url, '/v1/messages', ask(), { headers: { 'x-api-key': token } }));
    }
    observed.answer('foreign host', await send(url, '/v1/messages', ask(), { headers: { ...auth, host: 'evil.example' } }));
    observed.answer('origin', await send(url, '/v1/messages', ask(), { headers: { ...auth, origin: 'https://evil.example' } }));
  } finally {
    await proxy.stop();
    await fake.close();
  }

  // A bad OpenAI key: OpenAI answers 401 quoting it masked.
  const other = await startFakeOpenAI({ apiKey: 'sk-proj-theRightKeyIsAnother0000' });
  const second = await startProxy(observed, { openaiBaseUrl: other.url });
  try {
    for (const model of ['claude-haiku-4-5', 'claude-sonnet-4-5']) {
      for (const stream of [false, true]) {
        const result = await send(second.url, '/v1/messages', ask(model, { stream }), { headers: auth });
        assert.equal(result.status, 401);
        observed.answer(`bad openai key ${model} ${stream}`, result);
      }
    }
    assert.ok(other.requests.some((request) => request.headers.authorization === `Bearer ${OPENAI_KEY}`), 'the key did go upstream');
  } finally {
    await second.proxy.stop();
    await other.close();
  }

  // An unreachable upstream.
  const third = await startProxy(observed, { openaiBaseUrl: `http://127.0.0.1:${await freePort()}/v1` });
  try {
    observed.answer('unreachable', await send(third.url, '/v1/messages', ask(), { headers: auth }));
    observed.answer('unreachable stream', await send(third.url, '/v1/messages', ask('claude-sonnet-4-5', { stream: true }), { headers: auth }));
  } finally {
    await third.proxy.stop();
  }

  // The exported environment: the lines "Export Environment" gives for each shell, and the
  // variables set in new terminals (src/extension/environment.ts, plain Node). The proxy token is
  // what they exist to carry, on its ANTHROPIC_AUTH_TOKEN line; the OpenAI key never goes there.
  const exported = claudeEnvironment({ url: 'http://127.0.0.1:4000', token: PROXY_TOKEN_SECRET, autoCompactWindow: 272000 });
  observed.add('terminal environment', JSON.stringify(exported));
  assert.deepEqual(Object.keys(exported).filter((name) => /OPENAI/i.test(name)), []);
  for (const shell of shells) {
    const lines = exportLines(shell, exported).split('\n');
    assert.equal(lines.filter((line) => line.includes(PROXY_TOKEN_SECRET)).length, 1, `${shell}: the token on one line`);
    lines.forEach((line, index) => observed.add(`exported environment (${shell}) line ${index}`, line));
  }
  const tokenLine = (where: string, text: string) => (where === 'terminal environment' || where.startsWith('exported environment')) && /ANTHROPIC_AUTH_TOKEN/.test(text);

  assert.ok(observed.items.length > 300, `only ${observed.items.length} things observed`);
  assert.ok(observed.items.some((item) => item.where.startsWith('log')), 'log lines were collected');
  assertNoLeak(observed, OPENAI_KEY, 'OpenAI key');
  // The one request whose body quoted the token as its model name: the in-memory record keeps the
  // model the client asked for (its own text); its log line and its answer are still checked.
  assertNoLeak(observed, PROXY_TOKEN_SECRET, 'proxy token', (where, text) => (where === 'request record' && JSON.parse(text).claudeModel === PROXY_TOKEN_SECRET) || tokenLine(where, text));
});

/** Runs the built headless CLI to completion with the given environment, bounded in time. */
function runCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(projectRoot, 'dist', 'cli.js'), ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (data) => { stdout += data; });
    child.stderr.on('data', (data) => { stderr += data; });
    const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
}

test('the headless CLI (dist/cli.js): its output and logs show no secret; a generated token only on its export line', async () => {
  const observed = new Observed();
  const fake = await startFakeOpenAI({ apiKey: 'sk-proj-theRightKeyIsAnother0000' }); // so OpenAI answers 401 quoting our key
  const goodFake = await startFakeOpenAI({ apiKey: OPENAI_KEY });
  const drive = async (url: string, token: string, label: string) => {
    const headers = { authorization: `Bearer ${token}` };
    observed.answer(`${label} health`, await send(url, '/health', undefined, { method: 'GET', headers: {} }));
    observed.answer(`${label} messages`, await send(url, '/v1/messages', ask(), { headers }));
    observed.answer(`${label} stream`, await send(url, '/v1/messages', ask('claude-sonnet-4-5', { stream: true }), { headers }));
    observed.answer(`${label} bad token`, await send(url, '/v1/messages', ask(), { headers: { authorization: `Bearer ${token.slice(0, -2)}` } }));
    observed.answer(`${label} invalid body`, await send(url, '/v1/messages', '{', { headers }));
  };
  try {
    // The user's own token (CLAUDE_PROXY_TOKEN): never printed. Debug logging, bad OpenAI key.
    for (const [label, base] of [['bad key', fake.url], ['good key', goodFake.url]] as const) {
      const proxy = await startHeadlessProxy({ OPENAI_API_KEY: OPENAI_KEY, OPENAI_BASE_URL: base, CLAUDE_PROXY_TOKEN: PROXY_TOKEN_SECRET, CLAUDE_PROXY_LOG: 'debug' });
      try {
        await drive(proxy.url, PROXY_TOKEN_SECRET, `cli ${label}`);
      } finally {
        await proxy.stop('SIGTERM');
        observed.add(`cli ${label} stdout`, proxy.stdout());
        observed.add(`cli ${label} stderr`, proxy.stderr());
      }
      assert.match(proxy.stderr(), /POST \/v1\/messages/, 'the request log was written');
    }

    // A generated token: printed on the export line, and nowhere else.
    const generated = await startHeadlessProxy({ OPENAI_API_KEY: OPENAI_KEY, OPENAI_BASE_URL: fake.url, CLAUDE_PROXY_LOG: 'debug' });
    let token = '';
    try {
      token = /^export ANTHROPIC_AUTH_TOKEN=(\S+)$/m.exec(generated.stdout())?.[1] ?? '';
      assert.ok(token.length >= 24, 'a generated token is printed');
      await drive(generated.url, token, 'cli generated');
    } finally {
      await generated.stop('SIGINT');
    }
    const stdoutLines = generated.stdout().split('\n');
    assert.equal(stdoutLines.filter((line) => line.includes(token)).length, 1, 'the token is on one stdout line');
    assert.ok(stdoutLines.some((line) => line === `export ANTHROPIC_AUTH_TOKEN=${token}`));
    for (const [index, line] of stdoutLines.entries()) observed.add(`cli generated stdout line ${index}`, line);
    observed.add('cli generated stderr', generated.stderr());

    // Failing starts: a taken port, an invalid route table; and --help.
    const blocker = createServer();
    const port = await new Promise<number>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as { port: number }).port)));
    try {
      const taken = await runCli([], { OPENAI_API_KEY: OPENAI_KEY, CLAUDE_PROXY_TOKEN: PROXY_TOKEN_SECRET, CLAUDE_PROXY_PORT: String(port) });
      assert.equal(taken.code, 1);
      observed.add('cli port taken', taken.stdout + taken.stderr);
    } finally {
      blocker.close();
    }
    const badConfig = await runCli([], { OPENAI_API_KEY: OPENAI_KEY, CLAUDE_PROXY_TOKEN: PROXY_TOKEN_SECRET, CLAUDE_PROXY_PORT: '0', CLAUDE_PROXY_CONFIG: '/nonexistent/routes.json' });
    assert.equal(badConfig.code, 1);
    observed.add('cli bad config', badConfig.stdout + badConfig.stderr);
    const help = await runCli(['--help'], { OPENAI_API_KEY: OPENAI_KEY, CLAUDE_PROXY_TOKEN: PROXY_TOKEN_SECRET });
    observed.add('cli help', help.stdout + help.stderr);

    assertNoLeak(observed, OPENAI_KEY, 'OpenAI key');
    assertNoLeak(observed, PROXY_TOKEN_SECRET, 'proxy token');
    assertNoLeak(observed, token, 'generated token', (where, text) => where.startsWith('cli generated stdout line') && text === `export ANTHROPIC_AUTH_TOKEN=${token}`);
  } finally {
    await fake.close();
    await goodFake.close();
  }
});

test('redact: whole secrets and masked forms go, ordinary text stays, in linear time', async () => {
  const { redact } = await import('../../src/proxy/server/logger');
  const cases: [string, string][] = [
    [`Incorrect API key provided: ${masked}.`, 'Incorrect API key provided: [redacted].'],
    ['key sk-...Q7zX here', 'key [redacted] here'],
    ['"sk-proj-RELI…Q7zX"', '"[redacted]"'],
    [`Bearer ${OPENAI_KEY}`, 'Bearer [redacted]'],
    ['plain Q7zX and x.Q7zX stay', 'plain Q7zX and x.Q7zX stay'],
  ];
  for (const [input, output] of cases) assert.equal(redact(input, [OPENAI_KEY, PROXY_TOKEN_SECRET, undefined, 'short']), output);
  const long = `${'a'.repeat(4_000_000)}*Q7zX`.repeat(3);
  assert.ok(!redact(long, [OPENAI_KEY]).includes('Q7zX'));
  // Linear, checked as a ratio rather than against the clock (a busy machine slows both sides
  // alike): one text of 16n masked keys with no word ends (each match scanning back over the
  // text before it would be quadratic) against 16 texts of n. Linear: about 1; quadratic: about 16.
  const small = 'x*Q7zX'.repeat(1000);
  const big = small.repeat(16);
  const fastest = (run: () => void) => {
    let best = Infinity;
    for (let sample = 0; sample < 5; sample++) {
      const started = performance.now();
      run();
      best = Math.min(best, performance.now() - started);
    }
    return best;
  };
  const sixteenSmall = () => { for (let n = 0; n < 16; n++) redact(small, [OPENAI_KEY]); };
  const oneBig = () => { redact(big, [OPENAI_KEY]); };
  sixteenSmall(); oneBig(); // warm up the JIT
  const ratio = fastest(oneBig) / Math.max(fastest(sixteenSmall), 0.05);
  assert.ok(ratio < 5, `redacting 16n took ${ratio.toFixed(1)} times as long as 16 times n: not linear`);
});
