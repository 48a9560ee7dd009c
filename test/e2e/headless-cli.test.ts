// `npm start` behaviour: --help, a generated token printed with the export lines, a clear error for a taken port.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startFakeOpenAI } from '../fake-openai';
import { projectRoot, startHeadlessProxy } from '../helpers/processes';
import { openRawConnection } from '../helpers/raw-connection';

const cli = join(projectRoot, 'dist', 'cli.js');

test('--help documents the environment variables', () => {
  const run = spawnSync(process.execPath, [cli, '--help'], { encoding: 'utf8', timeout: 10000 });
  assert.equal(run.status, 0);
  for (const name of ['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'CLAUDE_PROXY_TOKEN', 'CLAUDE_PROXY_PORT', 'CLAUDE_PROXY_CONFIG', 'CLAUDE_PROXY_IDLE_TIMEOUT_MS', 'CLAUDE_PROXY_MAX_BODY_BYTES', 'CLAUDE_PROXY_READ_TIMEOUT_MS', 'CLAUDE_PROXY_UPSTREAM_TRANSPORT']) assert.match(run.stdout, new RegExp(name));
  // Providers: every field of one, and each kind with an example.
  for (const field of ['"providers"', 'keyEnv', 'needsKey', 'apiVersion', 'headers', 'apis', '"kind":"azure"', '"kind":"compatible"', 'openrouter.ai', '"provider"']) assert.ok(run.stdout.includes(field), field);
});

test('providers in CLAUDE_PROXY_CONFIG: the startup lists each with whether its key is set, warns of a missing one, and a call to it is a 401 saying how to set it', async () => {
  const { writeFileSync, mkdtempSync } = await import('node:fs');
  const config = join(mkdtempSync(join((await import('node:os')).tmpdir(), 'proxy-providers-')), 'routes.json');
  writeFileSync(config, JSON.stringify({
    providers: [
      { name: 'local', kind: 'compatible', baseURL: 'http://127.0.0.1:9/v1' },
      { name: 'openrouter', kind: 'compatible', baseURL: 'https://openrouter.ai/api/v1', keyEnv: 'OPENROUTER_API_KEY' },
      { name: 'azure-work', kind: 'azure', baseURL: 'https://example-resource.openai.azure.com/openai/v1', keyEnv: 'AZURE_OPENAI_API_KEY' },
    ],
    routes: [{ name: 'claude-local', model: 'm' }, { name: 'claude-azure', model: 'dep', provider: 'azure-work' }],
  }));
  const token = 'providers-cli-token-123456';
  const proxy = await startHeadlessProxy({ CLAUDE_PROXY_TOKEN: token, CLAUDE_PROXY_CONFIG: config, OPENROUTER_API_KEY: 'sk-or-v1-secret-value-0000' });
  try {
    assert.match(proxy.stdout(), /^# provider local \(compatible, http:\/\/127\.0\.0\.1:9\/v1\): no key needed$/m);
    assert.match(proxy.stdout(), /^# provider openrouter \(compatible, https:\/\/openrouter\.ai\/api\/v1\): key set \(OPENROUTER_API_KEY\)$/m);
    assert.match(proxy.stdout(), /^# provider azure-work \(azure, .*\): key not set: set AZURE_OPENAI_API_KEY$/m);
    await proxy.logged(/WARN provider azure-work .*key not set: set AZURE_OPENAI_API_KEY; its model calls will fail with authentication_error/);
    assert.ok(!proxy.stdout().includes('sk-or-v1-secret-value-0000') && !proxy.stderr().includes('sk-or-v1-secret-value-0000'), 'never the key');
    const response = await fetch(`${proxy.url}/v1/messages`, {
      method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude-azure', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }),
    });
    assert.equal(response.status, 401);
    assert.match(((await response.json()) as any).error.message, /provider "azure-work" .*Set it \(the environment variable AZURE_OPENAI_API_KEY, or "Claude Proxy: Set Provider API Key" in VS Code\)/);
  } finally {
    await proxy.stop();
  }
});

test('providers in CLAUDE_PROXY_CONFIG: an invalid one, an unknown provider or a file that is not JSON is refused, naming what is wrong', async () => {
  const { writeFileSync, mkdtempSync } = await import('node:fs');
  const dir = mkdtempSync(join((await import('node:os')).tmpdir(), 'proxy-providers-'));
  const refused = (config: string) => {
    const file = join(dir, `config-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, config);
    const run = spawnSync(process.execPath, [cli], { encoding: 'utf8', timeout: 10000, env: { PATH: process.env.PATH, CLAUDE_PROXY_CONFIG: file, CLAUDE_PROXY_PORT: '0' } });
    assert.equal(run.status, 1, run.stdout);
    return run.stderr;
  };
  assert.match(refused(JSON.stringify({ providers: [{ name: 'az', kind: 'azure' }], routes: [{ name: 'x', model: 'm', provider: 'az' }] })), /providers\.0\.baseURL: a provider of kind "azure" needs a baseURL/);
  assert.match(refused(JSON.stringify({ providers: [{ name: 'local', kind: 'compatible', baseURL: 'http://127.0.0.1:1/v1' }], routes: [{ name: 'x', model: 'm', provider: 'lokal' }] })), /routes\.0\.provider: no provider is named "lokal"/);
  assert.match(refused(JSON.stringify({ providers: [{ name: 'p', kind: 'compatible', baseURL: 'http://127.0.0.1:1/v1', headers: { Authorization: 'Bearer sk-x' } }], routes: [{ name: 'x', model: 'm' }] })), /providers\.0\.headers\.Authorization: "Authorization" carries a key/);
  assert.match(refused('{"routes": ['), /CLAUDE_PROXY_CONFIG: .* is not valid JSON/);
});

test('without CLAUDE_PROXY_TOKEN a token is generated and printed with the export lines; it works', async () => {
  const proxy = await startHeadlessProxy({ OPENAI_API_KEY: 'sk-unused' });
  try {
    const token = /export ANTHROPIC_AUTH_TOKEN=(\S+)/.exec(proxy.stdout())?.[1];
    assert.ok(token && token.length >= 24);
    assert.match(proxy.stdout(), new RegExp(`export ANTHROPIC_BASE_URL=${proxy.url}`));
    const denied = await fetch(`${proxy.url}/v1/models`);
    assert.equal(denied.status, 401);
    const allowed = await fetch(`${proxy.url}/v1/models`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(allowed.status, 200);
  } finally {
    assert.equal(await proxy.stop('SIGINT'), 0);
  }
});

test('a route table from CLAUDE_PROXY_CONFIG is served; an invalid one is refused with the field named', async () => {
  const { writeFileSync, mkdtempSync } = await import('node:fs');
  const dir = mkdtempSync(join((await import('node:os')).tmpdir(), 'proxy-config-'));
  const good = join(dir, 'routes.json');
  writeFileSync(good, JSON.stringify({ routes: [{ name: 'claude-local', model: 'llama3.1', api: 'chat', maxOutputTokens: 2048 }] }));
  const proxy = await startHeadlessProxy({ CLAUDE_PROXY_TOKEN: 'config-test-token-123', CLAUDE_PROXY_CONFIG: good });
  try {
    const health = await (await fetch(`${proxy.url}/health`)).json() as any;
    assert.deepEqual(health.routes.map((route: any) => route.model), ['llama3.1']);
  } finally {
    await proxy.stop();
  }
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, JSON.stringify({ routes: [{ name: 'x', model: 'm', api: 'grpc' }] }));
  const run = spawnSync(process.execPath, [cli], { encoding: 'utf8', timeout: 10000, env: { PATH: process.env.PATH, CLAUDE_PROXY_CONFIG: bad, CLAUDE_PROXY_PORT: '0' } });
  assert.equal(run.status, 1);
  assert.match(run.stderr, /routes\.0\.api/);
});

test('a port already taken gives a clear message', async () => {
  const blocker = createServer();
  const port = await new Promise<number>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as { port: number }).port)));
  try {
    const run = spawnSync(process.execPath, [cli], { encoding: 'utf8', timeout: 10000, env: { PATH: process.env.PATH, CLAUDE_PROXY_PORT: String(port), CLAUDE_PROXY_TOKEN: 'x-token-12345678' } });
    assert.equal(run.status, 1);
    assert.match(run.stderr, new RegExp(`Port ${port} is already in use`));
  } finally {
    blocker.close();
  }
});

test('the limits are set from the environment: idle timeout, body limit, read timeout; an invalid value is refused', async () => {
  const fake = await startFakeOpenAI();
  const token = 'limits-test-token-12345';
  const proxy = await startHeadlessProxy({
    OPENAI_API_KEY: fake.apiKey, OPENAI_BASE_URL: fake.url, CLAUDE_PROXY_TOKEN: token,
    CLAUDE_PROXY_IDLE_TIMEOUT_MS: '300', CLAUDE_PROXY_MAX_BODY_BYTES: '2000', CLAUDE_PROXY_READ_TIMEOUT_MS: '300',
  });
  const post = (body: unknown) => fetch(`${proxy.url}/v1/messages`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const ask = (content: string, extra: Record<string, unknown> = {}) => ({ model: 'claude-haiku-4-5', max_tokens: 20, messages: [{ role: 'user', content }], ...extra });
  try {
    // The body limit (the default is 32 MB).
    const big = await post(ask('x'.repeat(3000)));
    assert.equal(big.status, 413);
    assert.equal(((await big.json()) as any).error.type, 'request_too_large');
    assert.equal((await post(ask('x'.repeat(100)))).status, 200);

    // The idle timeout (the default is 5 minutes): a stalled stream ends with an error event.
    fake.script({ kind: 'stall', afterChunks: ['partial'] });
    // The stall never ends: the answer ends only by the idle timeout set for this proxy.
    const stalled = await (await post(ask('stall', { stream: true }))).text();
    assert.match(stalled, /event: error\ndata: .*sent nothing for too long/);

    // The read timeout (the default is 30 s): headers that never end get a 408.
    const connection = openRawConnection(proxy.url);
    connection.socket.write('POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const text = await connection.reply(4000);
    assert.match(text, /^HTTP\/1\.1 408 /);
    assert.match(text, /"type":"timeout_error"/);
  } finally {
    await proxy.stop();
    await fake.close();
  }
  for (const [name, value] of [['CLAUDE_PROXY_IDLE_TIMEOUT_MS', '5m'], ['CLAUDE_PROXY_MAX_BODY_BYTES', '0'], ['CLAUDE_PROXY_READ_TIMEOUT_MS', '-1'], ['CLAUDE_PROXY_IDLE_TIMEOUT_MS', '2147483648']]) {
    const run = spawnSync(process.execPath, [cli], { encoding: 'utf8', timeout: 10000, env: { PATH: process.env.PATH, CLAUDE_PROXY_PORT: '0', CLAUDE_PROXY_TOKEN: token, [name]: value } });
    assert.equal(run.status, 1, `${name}=${value}`);
    assert.match(run.stderr, new RegExp(`${name} must be a whole number`));
  }
});

test('CLAUDE_PROXY_UPSTREAM_TRANSPORT=fetch serves through the runtime\'s fetch; an unknown transport is refused', async () => {
  const fake = await startFakeOpenAI();
  const token = 'transport-test-token-123';
  const proxy = await startHeadlessProxy({ OPENAI_API_KEY: fake.apiKey, OPENAI_BASE_URL: fake.url, CLAUDE_PROXY_TOKEN: token, CLAUDE_PROXY_UPSTREAM_TRANSPORT: 'fetch' });
  try {
    fake.script({ kind: 'text', chunks: ['through ', 'fetch'] });
    const answer = await fetch(`${proxy.url}/v1/messages`, {
      method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 20, stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    });
    const text = await answer.text();
    assert.match(text, /"text":"through "[\s\S]*"text":"fetch"[\s\S]*event: message_stop/);
    // undici's fetch adds the fetch standard's sec-fetch-mode header; the node:http fetch does not.
    assert.equal(fake.requests.at(-1)?.headers['sec-fetch-mode'], 'cors');
    assert.match(String(fake.requests.at(-1)?.headers['user-agent']), /^OpenAI\/JS \d/);
  } finally {
    await proxy.stop();
    await fake.close();
  }
  const run = spawnSync(process.execPath, [cli], { encoding: 'utf8', timeout: 10000, env: { PATH: process.env.PATH, CLAUDE_PROXY_PORT: '0', CLAUDE_PROXY_TOKEN: 'x-token-12345678', CLAUDE_PROXY_UPSTREAM_TRANSPORT: 'curl' } });
  assert.equal(run.status, 1);
  assert.match(run.stderr, /CLAUDE_PROXY_UPSTREAM_TRANSPORT must be node-http or fetch, not "curl"/);
});

test('the production bundle (the VSIX\'s) calls OpenAI with the SDK\'s own User-Agent, OpenAI/JS <version>', async () => {
  // Minified without keepNames the SDK's class name, which the header is built from, is a letter.
  const outdir = mkdtempSync(join(tmpdir(), 'proxy-production-'));
  const fake = await startFakeOpenAI();
  try {
    const build = spawnSync(process.execPath, ['esbuild.mjs', '--production', `--outdir=${outdir}`], { cwd: projectRoot, encoding: 'utf8', timeout: 60000 });
    assert.equal(build.status, 0, build.stderr);
    const token = 'user-agent-test-token-123';
    for (const transport of ['node-http', 'fetch']) {
      const proxy = await startHeadlessProxy({ OPENAI_API_KEY: fake.apiKey, OPENAI_BASE_URL: fake.url, CLAUDE_PROXY_TOKEN: token, CLAUDE_PROXY_UPSTREAM_TRANSPORT: transport }, 15000, join(outdir, 'cli.js'));
      try {
        fake.script({ kind: 'text', chunks: ['ok'] });
        const answer = await fetch(`${proxy.url}/v1/messages`, {
          method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] }),
        });
        assert.equal(answer.status, 200, await answer.text());
        assert.match(String(fake.requests.at(-1)?.headers['user-agent']), /^OpenAI\/JS \d+\.\d+\.\d+$/, transport);
      } finally {
        await proxy.stop();
      }
    }
  } finally {
    await fake.close();
    rmSync(outdir, { recursive: true, force: true });
  }
});
