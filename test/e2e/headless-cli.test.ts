// `npm start` behaviour: --help, a generated token printed with the export lines, a clear error for a taken port.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { projectRoot, startHeadlessProxy } from '../helpers/processes';

const cli = join(projectRoot, 'dist', 'cli.js');

test('--help documents the environment variables', () => {
  const run = spawnSync(process.execPath, [cli, '--help'], { encoding: 'utf8', timeout: 10000 });
  assert.equal(run.status, 0);
  for (const name of ['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'CLAUDE_PROXY_TOKEN', 'CLAUDE_PROXY_PORT', 'CLAUDE_PROXY_CONFIG']) assert.match(run.stdout, new RegExp(name));
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
