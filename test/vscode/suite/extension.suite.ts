/// <reference types="mocha" />
// Extension-host tests: they run inside a real VS Code (code-server here, VS Code desktop with
// @vscode/test-electron elsewhere), against the real extension and the strict fake OpenAI server,
// which runs in this same process. Order matters: each test leaves the state the next expects.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ClaudeProxyApi, TestingApi } from '../../../src/extension/extension';
import type { Prompt } from '../../../src/extension/prompts';
import type { SelfTestReport } from '../../../src/extension/self-test';
import { defaultRouteTable } from '../../../src/proxy/routing/table';
import { ProxyServer } from '../../../src/proxy/server/proxy-server';
import { startFakeOpenAI, type FakeOpenAI } from '../../fake-openai';
import { selfTestAnswers } from '../../helpers/self-test-answers';
import { blockPortRun, freeLoopbackPort as freePort } from '../lib/ports';
import { withPrompts as promptsAnswered } from '../lib/prompts';
import { waitFor as waitUntil } from '../lib/wait';

const EXTENSION_ID = 'claude-openai-proxy.claude-openai-proxy';
const INHERITED_ANTHROPIC_KEY = process.env.ANTHROPIC_API_KEY;

let api: ClaudeProxyApi;
let testing: TestingApi;
let fake: FakeOpenAI;

const config = () => vscode.workspace.getConfiguration('claudeProxy');
const update = (key: string, value: unknown) => config().update(key, value, vscode.ConfigurationTarget.Global);

const waitFor = <T>(what: string, check: () => T | Promise<T>, timeoutMs = 20_000) => waitUntil(what, check, timeoutMs, 100);

function running(): { url: string; port: number } {
  const state = api.state;
  assert.equal(state.kind, 'running', `the proxy should run, state: ${JSON.stringify(state)}`);
  return state;
}

const token = () => testing.terminalEnvironment().ANTHROPIC_AUTH_TOKEN;

async function health(): Promise<any> {
  const response = await fetch(`${running().url}/health`, { signal: AbortSignal.timeout(5000) });
  return response.json();
}

async function message(model = 'claude-sonnet-4-5', key = token()): Promise<{ status: number; body: any }> {
  const response = await fetch(`${running().url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': key, 'anthropic-version': '2023-06-01' },
    body: JSON.stringify({ model, max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] }),
    signal: AbortSignal.timeout(30_000),
  });
  return { status: response.status, body: await response.json() };
}

/** Sends one message and returns the log lines written for it. */
async function loggedRequestLines(): Promise<string[]> {
  const served = testing.requestsServed();
  const before = testing.recentLog().length;
  const answer = await message();
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  // The request line is written just before the served count rises.
  await waitFor('the request to end', () => testing.requestsServed() > served);
  return testing.recentLog().slice(before).filter((line) => line.includes('POST /v1/messages'));
}

function parseEnv(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) env[line.slice(0, at)] = line.slice(at + 1);
  }
  return env;
}

/** Opens a real integrated terminal that writes its environment to a file, and reads it. */
async function terminalEnvironment(): Promise<Record<string, string>> {
  const dir = mkdtempSync(join(tmpdir(), 'terminal-env-'));
  const file = join(dir, 'env');
  const terminal = vscode.window.createTerminal({ name: 'env probe', shellPath: '/bin/sh', shellArgs: ['-c', `env > ${file}.tmp && mv ${file}.tmp ${file}`] });
  try {
    return parseEnv(await waitFor('the terminal to write its environment', () => (existsSync(file) ? readFileSync(file, 'utf8') : ''), 20_000));
  } finally {
    terminal.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs "Open Claude Code Terminal" with a fake `claude` on the terminals' PATH that saves its
 *  environment; returns that environment (so: `claude` was sent, and saw these variables). */
async function claudeInOpenedTerminal(): Promise<Record<string, string>> {
  const bin = process.env.CLAUDE_PROXY_TEST_BIN;
  assert.ok(bin && existsSync(bin), 'the runner puts CLAUDE_PROXY_TEST_BIN on the terminals\' PATH');
  const out = join(bin, `claude-env-${Date.now()}`);
  writeFileSync(join(bin, 'claude'), `#!/bin/sh\nenv > "${out}.tmp" && mv "${out}.tmp" "${out}"\n`, { mode: 0o755 });
  const terminal = await vscode.commands.executeCommand<vscode.Terminal>('claudeProxy.openTerminal');
  try {
    assert.equal(terminal?.name, 'Claude Code');
    assert.ok(vscode.window.terminals.includes(terminal));
    return parseEnv(await waitFor('`claude` to run in the terminal', () => (existsSync(out) ? readFileSync(out, 'utf8') : ''), 20_000));
  } finally {
    terminal?.dispose();
    rmSync(out, { force: true });
  }
}

const withPrompts = <T>(action: () => Thenable<T>, choose?: (prompt: Prompt) => string | undefined) => promptsAnswered(testing, action, choose);

function scriptSelfTest(routes: number): void {
  fake.script(...selfTestAnswers(routes));
}

async function selfTest(): Promise<SelfTestReport> {
  return await vscode.commands.executeCommand<SelfTestReport>('claudeProxy.runSelfTests');
}


describe('Claude Proxy extension', () => {
  before(async () => {
    fake = await startFakeOpenAI();
    const extension = vscode.extensions.getExtension<ClaudeProxyApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not installed in this VS Code`);
    api = await extension.activate();
    assert.ok(api.testing, 'the testing API is there outside production mode');
    testing = api.testing;
    await api.ready;
  });

  after(async () => {
    await fake?.close();
  });

  it('activation starts the proxy inside the extension host, on claudeProxy.port, quickly', async () => {
    const { port, url } = running();
    assert.equal(port, config().get('port'));
    assert.equal(url, `http://127.0.0.1:${port}`);
    const body = await health();
    assert.equal(body.status, 'ok');
    // Recorded and reported, not asserted: a busy machine may take any time (the bench measures speed).
    assert.ok(Number.isFinite(api.activationMs) && api.activationMs >= 0, `activation time ${api.activationMs}`);
    (globalThis as { suiteInfo?: Record<string, unknown> }).suiteInfo = { activationMs: api.activationMs, vscodeVersion: vscode.version };
    assert.ok(testing.recentLog().some((line) => line.includes('Activated in')), 'the log tells the activation time');
  });

  it('the status bar shows the port and the tooltip the routes and the served count', async () => {
    assert.match(testing.statusBarText(), new RegExp(`Claude Proxy :${running().port}$`));
    const tooltip = testing.statusBarTooltip();
    assert.match(tooltip, new RegExp(`listening on ${running().url}`));
    assert.match(tooltip, new RegExp(`0 request\\(s\\) in flight, ${testing.requestsServed()} served`));
    const routes: { name: string; model: string; api: string }[] = (await health()).routes;
    assert.ok(routes.length >= 2);
    for (const route of routes) assert.match(tooltip, new RegExp(`\\| \`${route.name}\`.*\\| \`${route.model}\` \\| ${route.api} \\|`));
  });

  it('environmentVariableCollection holds ANTHROPIC_BASE_URL and the SecretStorage token, blanks ANTHROPIC_API_KEY, has a description, and is not persisted', async () => {
    const env = testing.terminalEnvironment();
    assert.equal(env.ANTHROPIC_BASE_URL, running().url);
    assert.match(env.ANTHROPIC_AUTH_TOKEN, /^cop-[\w-]{20,}$/);
    assert.equal(env.ANTHROPIC_API_KEY, '');
    assert.equal(testing.terminalEnvironmentPersistent(), false);
    const description = testing.terminalEnvironmentDescription() ?? '';
    assert.match(description, new RegExp(`port ${running().port} \\(ANTHROPIC_BASE_URL, ANTHROPIC_AUTH_TOKEN; ANTHROPIC_API_KEY blanked; CLAUDE_CODE_AUTO_COMPACT_WINDOW`));
    assert.equal(env.CLAUDE_CODE_AUTO_COMPACT_WINDOW, '272000', 'the default routes\' smallest input window (gpt-5-codex, gpt-5-mini)');
    assert.equal(env.CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY, '1');
    assert.equal((await testing.storedSecrets()).proxyToken, env.ANTHROPIC_AUTH_TOKEN, 'the token is the one in SecretStorage');
  });

  it('a new integrated terminal has them, and the inherited ANTHROPIC_API_KEY is blanked there', async () => {
    assert.ok(INHERITED_ANTHROPIC_KEY, 'the runner gives VS Code an ANTHROPIC_API_KEY to blank');
    const env = await terminalEnvironment();
    assert.equal(env.ANTHROPIC_BASE_URL, running().url);
    assert.equal(env.ANTHROPIC_AUTH_TOKEN, token());
    assert.equal(env.ANTHROPIC_API_KEY, '');
    assert.equal(env.CLAUDE_CODE_AUTO_COMPACT_WINDOW, '272000');
  });

  it('"Set OpenAI API Key" stores the key in SecretStorage and the running proxy uses it; the base URL applies live', async () => {
    assert.equal(testing.openaiKeySource(), 'none');
    assert.equal((await health()).openaiKeyConfigured, false);
    await vscode.commands.executeCommand('claudeProxy.setOpenAIKey', fake.apiKey);
    assert.equal(testing.openaiKeySource(), 'secret-storage');
    assert.equal((await testing.storedSecrets()).openaiKey, fake.apiKey);
    await update('openaiBaseUrl', fake.url);
    await waitFor('the new base URL', async () => (await health()).upstream === fake.url);
    assert.equal((await health()).openaiKeyConfigured, true);
    const before = fake.requests.length;
    const answer = await message();
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(answer.body.content[0].text, 'Hello from the fake.');
    const call = fake.requests.slice(before).find((request) => request.path === '/v1/responses');
    assert.ok(call, 'the proxy called the fake\'s Responses API');
    assert.equal(call.body.model, 'gpt-5-codex');
    assert.equal(call.headers.authorization, `Bearer ${fake.apiKey}`);
  });

  it('the status bar counts a request while it is in flight, and the tooltip the served ones', async () => {
    const served = testing.requestsServed();
    fake.script({ kind: 'text', chunks: ['one ', 'two ', 'three ', 'four'], delayMs: 1000 });
    const response = fetch(`${running().url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': token(), 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'count' }] }),
      signal: AbortSignal.timeout(30_000),
    }).then((answer) => answer.text());
    await waitFor('the request in the status bar', () => new RegExp(`:${running().port} \\$\\(sync~spin\\) 1$`).test(testing.statusBarText()), 3500);
    assert.match(testing.statusBarTooltip(), new RegExp(`1 request\\(s\\) in flight, ${served} served`));
    assert.match(await response, /four/);
    await waitFor('the count back to none', () => !testing.statusBarText().includes('sync~spin')
      && testing.statusBarTooltip().includes(`0 request(s) in flight, ${served + 1} served`));
    assert.equal(testing.requestsServed(), served + 1);
  });

  it('each request is one log line: Claude model -> OpenAI model, API, status, latency, tokens', async () => {
    const lines = await loggedRequestLines();
    assert.equal(lines.length, 1, lines.join('\n'));
    assert.match(lines[0], /^INFO POST \/v1\/messages claude-sonnet-4-5 -> gpt-5-codex \(responses\) 200 \d+ms in=\d+ cached=\d+ out=[1-9]\d*$/);
  });

  it('claudeProxy.logLevel applies live: at "warn" the request lines are dropped, back at "info" they return', async () => {
    await update('logLevel', 'warn');
    try {
      await waitFor('the level to apply', () => testing.logLevel() === 'warn');
      assert.deepEqual(await loggedRequestLines(), []);
    } finally {
      await update('logLevel', undefined);
    }
    await waitFor('the level back', () => testing.logLevel() === 'info');
    assert.equal((await loggedRequestLines()).length, 1);
  });

  it('"Restart Claude proxy" shows "starting" in the status bar before listening again', async () => {
    const seen: { kind: string; text: string }[] = [];
    const subscription = api.onDidChangeState((state) => seen.push({ kind: state.kind, text: testing.statusBarText() }));
    try {
      await vscode.commands.executeCommand('claudeProxy.restart');
    } finally {
      subscription.dispose();
    }
    assert.deepEqual(seen.map((state) => state.kind), ['stopped', 'starting', 'running']);
    assert.match(seen[1].text, /Claude Proxy: starting/);
    assert.match(testing.statusBarText(), new RegExp(`Claude Proxy :${running().port}$`));
  });

  it('a change of claudeProxy.routes re-routes live, without a restart', async () => {
    const port = running().port;
    const states: string[] = [];
    const subscription = api.onDidChangeState((state) => states.push(state.kind));
    try {
      await update('routes', [{ name: 'claude-sonnet-4-5', patterns: ['claude-*'], model: 'gpt-4.1', api: 'chat' }]);
      await waitFor('the new route table', async () => (await health()).routes[0]?.model === 'gpt-4.1');
      const before = fake.requests.length;
      const answer = await message('claude-opus-4-1');
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      const call = fake.requests.slice(before).find((request) => request.path === '/v1/chat/completions');
      assert.equal(call?.body.model, 'gpt-4.1');
      assert.equal(running().port, port);
      assert.deepEqual(states, [], 'no stop/start happened');
      await waitFor('new terminals to compact for gpt-4.1\'s window', () => testing.terminalEnvironment().CLAUDE_CODE_AUTO_COMPACT_WINDOW === '1014808');
    } finally {
      subscription.dispose();
    }
  });

  it('an invalid route table is reported by setting name and the proxy keeps the last good table', async () => {
    await update('routes', [{ name: 'claude-sonnet-4-5', api: 'chat' }]);
    await waitFor('the error in the log', () => testing.recentLog().some((line) => line.includes('claudeProxy.routes[0].model')));
    assert.equal(api.state.kind, 'running');
    assert.equal((await health()).routes[0].model, 'gpt-4.1');
    const before = fake.requests.length;
    assert.equal((await message()).status, 200);
    assert.equal(fake.requests.slice(before).at(-1)?.body.model, 'gpt-4.1');
    await update('routes', undefined);
    await waitFor('the default table back', async () => (await health()).routes[0]?.model === 'gpt-5-codex');
  });

  it('claudeProxy.maxBodyBytes applies live: a larger body gets 413 request_too_large, nothing upstream, no restart; reset, it passes again', async () => {
    const { port } = running();
    const states: string[] = [];
    const subscription = api.onDidChangeState((state) => states.push(state.kind));
    const big = async () => {
      const response = await fetch(`${running().url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': token(), 'anthropic-version': '2023-06-01' },
        body: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'x'.repeat(4000) }] }),
        signal: AbortSignal.timeout(30_000),
      });
      return { status: response.status, body: await response.json() as any };
    };
    try {
      await update('maxBodyBytes', 2048);
      await waitFor('the limit to apply', () => testing.recentLog().some((line) => line.includes('Limits applied: claudeProxy.maxBodyBytes 2048')));
      const before = fake.requests.length;
      const refused = await big();
      assert.equal(refused.status, 413, JSON.stringify(refused.body));
      assert.equal(refused.body.type, 'error');
      assert.equal(refused.body.error.type, 'request_too_large');
      assert.match(refused.body.error.message, /limit of 2048 bytes/);
      assert.equal(fake.requests.length, before, 'nothing was sent upstream');
      assert.equal((await message()).status, 200, 'a small request still passes');
    } finally {
      await update('maxBodyBytes', undefined);
      subscription.dispose();
    }
    await waitFor('the default limit back', () => testing.recentLog().some((line) => line.includes(`Limits applied: claudeProxy.maxBodyBytes ${config().get<number>('maxBodyBytes')}`)));
    assert.equal(config().get('maxBodyBytes'), 32 * 1024 * 1024);
    const passed = await big();
    assert.equal(passed.status, 200, JSON.stringify(passed.body));
    assert.equal(running().port, port);
    assert.deepEqual(states, [], 'no stop/start happened');
  });

  it('claudeProxy.upstreamTransport applies live: auto (own connections to this machine\'s fake), fetch on request, and back; no restart', async () => {
    const { port } = running();
    const states: string[] = [];
    const subscription = api.onDidChangeState((state) => states.push(state.kind));
    // undici's fetch sends the fetch standard's sec-fetch-mode header; the node:http transport does not.
    const upstreamFetchMode = async () => {
      const before = fake.requests.length;
      const answer = await message();
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      assert.equal(fake.requests.length, before + 1);
      return fake.requests.at(-1)!.headers['sec-fetch-mode'];
    };
    try {
      assert.equal(config().get('upstreamTransport'), 'auto');
      assert.equal(await upstreamFetchMode(), undefined, 'the fake is on this machine: the proxy\'s own connections call it');
      await update('upstreamTransport', 'fetch');
      await waitFor('the transport to apply', () => testing.recentLog().some((line) => /Settings applied: upstream \S+ \(fetch\)/.test(line)));
      assert.equal(await upstreamFetchMode(), 'cors', 'the editor\'s fetch calls it');
    } finally {
      await update('upstreamTransport', undefined);
      subscription.dispose();
    }
    await waitFor('the default transport back', () => testing.recentLog().some((line) => /Settings applied: upstream \S+ \(node-http\)/.test(line)));
    assert.equal(await upstreamFetchMode(), undefined);
    assert.equal(running().port, port);
    assert.deepEqual(states, [], 'no stop/start happened');
  });

  it('"Run Self-Tests" passes against the fake backend, a message and a tool call per route, streaming included', async () => {
    const routes = (await health()).routes.length;
    scriptSelfTest(routes);
    const report = await selfTest();
    assert.equal(report.failed, 0, report.results.map((result) => `${result.status} ${result.title}: ${result.detail}`).join('\n'));
    assert.equal(report.passed, 3 + 4 * routes, "health, model list, the provider, and 4 per route");
    const log = testing.recentLog().join('\n');
    assert.match(log, /\[PASS\] claude-sonnet-4-5 -> gpt-5-codex: message, streaming/);
    assert.match(log, /\[PASS\] claude-haiku-4-5 -> gpt-5-mini: tool call, streaming: get_weather\(\{"city":"Paris"\}\)/);
    assert.match(log, /Self-tests: all \d+ checks passed/);
  });

  it('the self-tests fail against a bad key, saying to set the key', async () => {
    await vscode.commands.executeCommand('claudeProxy.setOpenAIKey', 'sk-wrong-key-0123456789');
    try {
      const report = await selfTest();
      assert.ok(report.failed >= 1);
      const failure = report.results.find((result) => result.status === 'fail')!;
      assert.match(failure.detail, /OpenAI rejected the API key/);
      assert.match(failure.fix ?? '', /Set OpenAI API Key/);
      assert.ok(report.results.some((result) => result.status === 'skip'), 'the checks after a bad key are skipped');
      assert.match(testing.recentLog().join('\n'), /\[FAIL\] claude-fable-5-2 -> gpt-5-codex: message: OpenAI rejected the API key/, 'the first route\'s first call');
    } finally {
      await vscode.commands.executeCommand('claudeProxy.setOpenAIKey', fake.apiKey);
    }
  });

  it('the self-tests name claudeProxy.routes when OpenAI does not know a model', async () => {
    await update('routes', [{ name: 'claude-sonnet-4-5', model: 'gpt-does-not-exist', api: 'chat' }]);
    try {
      await waitFor('the route to apply', async () => (await health()).routes[0]?.model === 'gpt-does-not-exist');
      const report = await selfTest();
      const failure = report.results.find((result) => result.status === 'fail');
      assert.ok(failure, 'a check failed');
      assert.match(failure.detail, /gpt-does-not-exist/);
      assert.match(failure.fix ?? '', /claudeProxy\.routes/);
    } finally {
      await update('routes', undefined);
      await waitFor('the default table back', async () => (await health()).routes[0]?.model === 'gpt-5-codex');
    }
  });

  it('the self-tests say when claudeProxy.openaiBaseUrl cannot be reached', async () => {
    const closed = `http://127.0.0.1:${await freePort()}/v1`;
    await update('openaiBaseUrl', closed);
    try {
      await waitFor('the base URL to apply', async () => (await health()).upstream === closed);
      const report = await selfTest();
      const failure = report.results.find((result) => result.status === 'fail');
      assert.ok(failure, 'a check failed');
      assert.match(failure.fix ?? '', /claudeProxy\.openaiBaseUrl/);
    } finally {
      await update('openaiBaseUrl', fake.url);
      await waitFor('the fake back', async () => (await health()).upstream === fake.url);
    }
  });

  it('the key and the token appear in no setting and no log line', () => {
    const secrets = [fake.apiKey, token(), 'sk-wrong-key-0123456789'];
    const settingsFile = process.env.CLAUDE_PROXY_TEST_USER_SETTINGS;
    assert.ok(settingsFile && existsSync(settingsFile), `user settings at ${settingsFile}`);
    const settings = readFileSync(settingsFile, 'utf8');
    assert.match(settings, /claudeProxy/, 'the tests did write settings');
    const log = testing.recentLog().join('\n');
    assert.ok(log.length > 0);
    for (const secret of secrets) {
      assert.ok(!settings.includes(secret), 'a secret is in settings.json');
      assert.ok(!log.includes(secret), 'a secret is in the log');
      assert.ok(!JSON.stringify(config()).includes(secret), 'a secret is in the claudeProxy configuration');
    }
    assert.equal(testing.terminalEnvironmentPersistent(), false);
  });

  it('"Rotate Proxy Token": the old token is refused, the new one works and new terminals get it', async () => {
    const old = token();
    await vscode.commands.executeCommand('claudeProxy.rotateToken');
    const fresh = token();
    assert.notEqual(fresh, old);
    assert.equal((await message('claude-sonnet-4-5', old)).status, 401);
    assert.equal((await message('claude-sonnet-4-5', fresh)).status, 200);
    assert.equal((await terminalEnvironment()).ANTHROPIC_AUTH_TOKEN, fresh);
  });

  it('an error notification and its log line redact the key and the token, the replaced token too', async () => {
    const old = token();
    await vscode.commands.executeCommand('claudeProxy.rotateToken');
    const current = token();
    assert.notEqual(current, old);
    // The failure's message (ENOENT) names the path, so it holds all three.
    const path = join(tmpdir(), 'no-such-dir', old, current, fake.apiKey, 'usage.csv');
    const result = await vscode.commands.executeCommand('claudeProxy.exportUsage', { format: 'csv', path });
    assert.equal(result, undefined);
    const notification = testing.prompts().at(-1);
    assert.equal(notification?.kind, 'error');
    const line = testing.recentLog().findLast((entry) => entry.includes('Export Usage History failed'));
    assert.ok(line, 'the failure is logged');
    for (const text of [notification.message, line]) {
      assert.match(text, /ENOENT.*no-such-dir\/\[redacted\]\/\[redacted\]\/\[redacted\]\/usage\.csv/);
      for (const secret of [old, current, fake.apiKey]) assert.ok(!text.includes(secret), `a secret in: ${text}`);
    }
  });

  it('"Export Environment" copies the lines for an external shell', async () => {
    const text = await vscode.commands.executeCommand<string>('claudeProxy.exportEnvironment', 'bash / zsh');
    assert.ok(text);
    assert.match(text, new RegExp(`export ANTHROPIC_BASE_URL=${running().url}`));
    assert.match(text, new RegExp(`export ANTHROPIC_AUTH_TOKEN=${token()}`));
    assert.match(text, /unset ANTHROPIC_API_KEY/);
    assert.equal(await vscode.env.clipboard.readText(), text);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('"Export Environment" without a shell asks in a quick pick, and gives the chosen shell\'s lines', async () => {
    const { result: text, shown } = await withPrompts(
      () => Promise.resolve(vscode.commands.executeCommand<string>('claudeProxy.exportEnvironment')),
      (prompt) => (prompt.kind === 'pick' ? 'fish' : undefined),
    );
    assert.deepEqual(shown.find((prompt) => prompt.kind === 'pick')?.choices, ['bash / zsh', 'fish', 'PowerShell', 'cmd']);
    assert.equal(text, `set -gx ANTHROPIC_BASE_URL ${running().url}\nset -gx ANTHROPIC_AUTH_TOKEN ${token()}\nset -e ANTHROPIC_API_KEY\n`
      + 'set -gx CLAUDE_CODE_AUTO_COMPACT_WINDOW 272000\nset -gx CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY 1\n');
    assert.equal(await vscode.env.clipboard.readText(), text);
    assert.ok(shown.some((prompt) => prompt.kind === 'info' && prompt.message.includes('environment for fish is copied')));
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');

    const dismissed = await withPrompts(() => Promise.resolve(vscode.commands.executeCommand<string>('claudeProxy.exportEnvironment')));
    assert.equal(dismissed.result, undefined, 'dismissing the quick pick exports nothing');
    assert.equal(await vscode.env.clipboard.readText(), text);
  });

  it('"Configure Claude Code Extension" is offered as a command and says clearly when that extension is not installed', async () => {
    assert.ok((await vscode.commands.getCommands(true)).includes('claudeProxy.configureClaudeCodeExtension'));
    const result = await vscode.commands.executeCommand('claudeProxy.configureClaudeCodeExtension', { confirmed: true });
    assert.equal(result, undefined, 'nothing written without the Claude Code extension');
    assert.ok(testing.recentLog().some((line) => /Configure Claude Code Extension failed: the Claude Code extension \(anthropic\.claude-code\) is not installed/.test(line)));
    assert.equal(vscode.workspace.getConfiguration('claudeCode').get('environmentVariables'), undefined);
  });

  it('a new claudeProxy.port restarts the proxy there, and the terminal environment follows', async () => {
    const before = running();
    const port = await freePort();
    await update('port', port);
    await waitFor('the proxy on the new port', () => api.state.kind === 'running' && (api.state as any).port === port);
    assert.equal(testing.terminalEnvironment().ANTHROPIC_BASE_URL, `http://127.0.0.1:${port}`);
    await assert.rejects(fetch(`${before.url}/health`, { signal: AbortSignal.timeout(3000) }));
  });

  it('a port in use is reported clearly with the next free port; "Use Port N" writes the setting and starts there', async () => {
    const before = running().port;
    const { first: taken, blockers } = await blockPortRun(2);
    let atPrompt: { state: string; statusBar: string; environment: Record<string, string> } | undefined;
    try {
      const { shown } = await withPrompts(async () => {
        await update('port', taken);
        await waitFor('the proxy on a new port', () => api.state.kind === 'running' && ![taken, before].includes((api.state as any).port));
      }, (prompt) => {
        atPrompt ??= { state: JSON.stringify(api.state), statusBar: testing.statusBarText(), environment: testing.terminalEnvironment() };
        return prompt.choices.find((choice) => choice.startsWith('Use Port'));
      });
      const next = taken + 2;
      assert.deepEqual(shown.map((prompt) => prompt.choices), [[`Use Port ${next}`, 'Open Settings']]);
      assert.match(shown[0].message, new RegExp(`Port ${taken} \\(claudeProxy.port\\) is already in use by another program. Port ${next} is free.`));
      assert.match(atPrompt!.state, /"kind":"error"/);
      assert.match(atPrompt!.statusBar, /error/);
      assert.deepEqual(atPrompt!.environment, {}, 'no environment without a proxy');
      assert.equal(config().inspect('port')?.globalValue, next);
      assert.equal(running().port, next);
      assert.equal(testing.terminalEnvironment().ANTHROPIC_BASE_URL, `http://127.0.0.1:${next}`);
      assert.equal((await message()).status, 200);
    } finally {
      for (const blocker of blockers) blocker.close();
    }
  });

  it('invalid settings at start (as at activation): an error naming the setting; fixing it starts the proxy', async () => {
    const { port } = running();
    await vscode.commands.executeCommand('claudeProxy.stop');
    try {
      const { shown } = await withPrompts(async () => {
        await update('routes', [{ name: 'claude-sonnet-4-5', api: 'chat' }]);
        await api.start();
      });
      assert.equal(api.state.kind, 'error');
      assert.match((api.state as any).message, /claudeProxy\.routes\[0\]\.model/);
      assert.match(testing.statusBarText(), /error/);
      const start = shown.find((prompt) => prompt.message.startsWith('Claude Proxy: Invalid settings') && !prompt.message.includes('keeps its last'));
      assert.ok(start, shown.map((prompt) => prompt.message).join('\n'));
      assert.equal(start.kind, 'error');
      assert.match(start.message, /claudeProxy\.routes\[0\]\.model/);
      assert.deepEqual(start.choices, ['Open Settings']);
    } finally {
      await update('routes', undefined);
    }
    await waitFor('the proxy to start with the fixed setting', () => api.state.kind === 'running');
    assert.equal(running().port, port);
  });

  it('claudeProxy.injectEnvironment off removes the terminal environment live; on brings it back', async () => {
    const { url } = running();
    await update('injectEnvironment', false);
    try {
      await waitFor('the environment to go', () => testing.terminalEnvironment().ANTHROPIC_BASE_URL === undefined);
      assert.equal(api.state.kind, 'running', 'the proxy keeps running');
      assert.equal((await terminalEnvironment()).ANTHROPIC_BASE_URL, undefined);
    } finally {
      await update('injectEnvironment', undefined);
    }
    await waitFor('the environment back', () => testing.terminalEnvironment().ANTHROPIC_BASE_URL === url);
  });

  it('"Open Claude Code Terminal" runs `claude` in a terminal with the proxy\'s environment', async () => {
    const env = await claudeInOpenedTerminal();
    assert.equal(env.ANTHROPIC_BASE_URL, running().url);
    assert.equal(env.ANTHROPIC_AUTH_TOKEN, token());
    assert.equal(env.ANTHROPIC_API_KEY, '');
  });

  it('"Open Claude Code Terminal" with claudeProxy.injectEnvironment off gives that terminal the environment itself', async () => {
    const { url } = running();
    const stored = (await testing.storedSecrets()).proxyToken;
    await update('injectEnvironment', false);
    try {
      await waitFor('the environment collection to empty', () => Object.keys(testing.terminalEnvironment()).length === 0);
      const env = await claudeInOpenedTerminal();
      assert.equal(env.ANTHROPIC_BASE_URL, url);
      assert.equal(env.ANTHROPIC_AUTH_TOKEN, stored);
      assert.equal(env.ANTHROPIC_API_KEY, '');
    } finally {
      await update('injectEnvironment', undefined);
    }
    await waitFor('the environment back', () => testing.terminalEnvironment().ANTHROPIC_BASE_URL === url);
  });

  it('another window\'s proxy on claudeProxy.port is used (same token), and this window takes over when it goes away', async () => {
    const own = running().port;
    const port = await freePort();
    const other = new ProxyServer({ token: token(), openaiApiKey: fake.apiKey, openaiBaseUrl: fake.url, routes: defaultRouteTable, port });
    await other.start();
    try {
      await update('port', port);
      await waitFor('the shared state', () => api.state.kind === 'shared');
      assert.equal(testing.terminalEnvironment().ANTHROPIC_BASE_URL, `http://127.0.0.1:${port}`);
      assert.match(testing.statusBarText(), new RegExp(`:${port} \\(other window\\)`));
      const report = await (scriptSelfTest(defaultRouteTable.routes.length), selfTest());
      assert.equal(report.failed, 0, 'the self-tests run against the shared proxy');
    } finally {
      await other.stop();
    }
    await waitFor('the take-over', () => api.state.kind === 'running' && (api.state as any).port === port, 15_000);
    assert.equal((await message()).status, 200);
    await update('port', own);
    await waitFor('the proxy back on its port', () => api.state.kind === 'running' && (api.state as any).port === own);
  });

  it('"Stop Claude proxy" closes the port and removes the terminal environment; "Start Claude proxy" brings both back, with the same token', async () => {
    const { url } = running();
    const tokenBefore = token();
    assert.equal((await testing.storedSecrets()).proxyToken, tokenBefore);
    await vscode.commands.executeCommand('claudeProxy.stop');
    assert.equal(api.state.kind, 'stopped');
    assert.deepEqual(testing.terminalEnvironment(), {});
    assert.equal(testing.terminalEnvironmentDescription(), undefined);
    assert.match(testing.statusBarText(), /stopped/);
    await assert.rejects(fetch(`${url}/health`, { signal: AbortSignal.timeout(3000) }));
    const env = await terminalEnvironment();
    assert.equal(env.ANTHROPIC_BASE_URL, undefined);
    assert.equal(env.ANTHROPIC_AUTH_TOKEN, undefined);
    assert.equal(env.ANTHROPIC_API_KEY, INHERITED_ANTHROPIC_KEY, 'the shell\'s own variable is back');

    await vscode.commands.executeCommand('claudeProxy.start');
    assert.equal(running().url, url);
    assert.equal(testing.terminalEnvironment().ANTHROPIC_BASE_URL, url);
    assert.equal(token(), tokenBefore, 'the token survives stop and start');
    assert.equal((await testing.storedSecrets()).proxyToken, tokenBefore);
    assert.ok(testing.terminalEnvironmentDescription());
    assert.equal((await message()).status, 200);
  });
});
