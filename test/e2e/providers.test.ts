// Two providers behind the headless proxy (dist/cli.js), each a strict fake OpenAI with its own
// key, read from the environment variable its keyEnv names: the real Claude Code CLI, in one
// session, has its main model on one and its haiku subagent on the other; a 429 from one
// provider falls back to a route on the other; the startup output lists the providers.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startFakeOpenAI, type FakeOpenAI } from '../fake-openai';
import { runClaude, startHeadlessProxy, type HeadlessProxy } from '../helpers/processes';
import { loggedStatuses } from '../real-server/lib/harness';

const TOKEN = 'e2e-providers-token-abcdefghijkl';
const SUBAGENT_REPLY = 'The subagent looked and reports: all quiet.';
const MAIN_REPLY = 'The subagent has reported back.';
let main: FakeOpenAI;
let small: FakeOpenAI;
let proxy: HeadlessProxy;

/** Claude Code's Agent tool, as its main model would call it: an Explore subagent on haiku, in the foreground. */
const AGENT_CALL = JSON.stringify({ description: 'Look around', prompt: 'Say what is in this folder.', subagent_type: 'Explore', model: 'haiku', run_in_background: false });

before(async () => {
  // The main model calls the Agent tool, then answers once the subagent's result is in.
  main = await startFakeOpenAI({
    apiKey: 'sk-main-provider-key-0001',
    answerFor: ({ raw }) => raw.includes('function_call_output') || raw.includes('"role":"tool"')
      ? { kind: 'text', chunks: [MAIN_REPLY] }
      : raw.includes('"Agent"') ? { kind: 'tool_calls', calls: [{ name: 'Agent', fragments: [AGENT_CALL] }] } : undefined,
  });
  small = await startFakeOpenAI({ apiKey: 'sk-small-provider-key-0002', answerFor: () => ({ kind: 'text', chunks: [SUBAGENT_REPLY] }) });
  const config = join(mkdtempSync(join(tmpdir(), 'providers-e2e-')), 'routes.json');
  writeFileSync(config, JSON.stringify({
    providers: [
      { name: 'main', kind: 'compatible', baseURL: main.url, keyEnv: 'MAIN_PROVIDER_KEY' },
      { name: 'small', kind: 'compatible', baseURL: small.url, keyEnv: 'SMALL_PROVIDER_KEY' },
    ],
    routes: [
      { name: 'claude-haiku-4-5', patterns: ['claude-haiku-*', 'claude-*-haiku-*', 'haiku'], model: 'gpt-4.1-mini', api: 'chat', provider: 'small' },
      { name: 'claude-rate-limited', model: 'gpt-5-codex', api: 'responses', provider: 'main', fallbacks: ['claude-haiku-4-5'] },
      { name: 'claude-sonnet-4-5', patterns: ['claude-*'], model: 'gpt-5-codex', api: 'responses', provider: 'main' },
    ],
  }));
  proxy = await startHeadlessProxy({ MAIN_PROVIDER_KEY: main.apiKey, SMALL_PROVIDER_KEY: small.apiKey, CLAUDE_PROXY_TOKEN: TOKEN, CLAUDE_PROXY_CONFIG: config });
});
after(async () => {
  await proxy?.stop();
  await main?.close();
  await small?.close();
});

test('the startup output lists each provider and that its key is set, never the key', () => {
  assert.match(proxy.stdout(), new RegExp(`# provider main \\(compatible, ${main.url}\\): key set \\(MAIN_PROVIDER_KEY\\)`));
  assert.match(proxy.stdout(), new RegExp(`# provider small \\(compatible, ${small.url}\\): key set \\(SMALL_PROVIDER_KEY\\)`));
  assert.ok(!proxy.stdout().includes(main.apiKey) && !proxy.stdout().includes(small.apiKey));
});

test('one Claude Code session: the main model on one provider, its haiku subagent on the other, no 4xx', async () => {
  const before = { main: main.requests.length, small: small.requests.length };
  const run = await runClaude(proxy.url, TOKEN, ['look around with a subagent', '--model', 'sonnet'], 150_000);
  assert.equal(run.code, 0, run.stderr || run.stdout);
  assert.equal(run.json?.result, MAIN_REPLY, run.stdout);
  const toMain = main.requests.slice(before.main);
  const toSmall = small.requests.slice(before.small);
  assert.ok(toMain.length >= 2, 'the tool call and the answer after it');
  assert.ok(toMain.every((request) => request.path === '/v1/responses' && request.headers.authorization === `Bearer ${main.apiKey}` && !request.rejection));
  assert.ok(toSmall.length >= 1, 'the subagent ran on the other provider');
  assert.ok(toSmall.every((request) => request.path === '/v1/chat/completions' && request.headers.authorization === `Bearer ${small.apiKey}` && !request.rejection));
  const agentResult = toMain.at(-1)!.body.input.find((item: any) => item.type === 'function_call_output');
  assert.match(JSON.stringify(agentResult.output), /all quiet/, 'the subagent\'s answer went back to the main model');
  await proxy.logged(/-> gpt-4\.1-mini on small \(chat, stream\) 200/);
  await proxy.logged(/-> gpt-5-codex on main \(responses, stream\) 200/);
  const statuses = loggedStatuses(proxy.stderr());
  assert.deepEqual(statuses.filter(({ status }) => status >= 400), [], 'no error in the proxy\'s log');
});

test('a 429 from one provider falls back to a route on the other, and Claude Code gets the answer', async () => {
  const before = { main: main.requests.length, small: small.requests.length };
  main.script({ kind: 'error', status: 429, headers: { 'retry-after': '30' } });
  const run = await runClaude(proxy.url, TOKEN, ['say hello', '--model', 'claude-rate-limited', '--tools', ''], 90_000);
  assert.equal(run.code, 0, run.stderr || run.stdout);
  assert.equal(run.json?.result, SUBAGENT_REPLY, run.stdout);
  assert.equal(main.requests.length - before.main, 1, 'the rate-limited provider was asked once');
  assert.ok(small.requests.length > before.small);
  await proxy.logged(/claude-rate-limited \(gpt-5-codex on main\) failed \(429 .*\); falling back to claude-haiku-4-5 \(gpt-4\.1-mini on small\)/);
  assert.ok(!proxy.stderr().includes(main.apiKey) && !proxy.stderr().includes(small.apiKey) && !proxy.stderr().includes(TOKEN), 'no secret in the log');
});
