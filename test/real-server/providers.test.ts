// Two providers at once, end to end: the haiku family on llama.cpp's real llama-server (the tiny
// model, key from LLAMA_API_KEY through its keyEnv), everything else on the strict fake OpenAI,
// in one Claude Code session through the headless proxy; and a 429 from the fake falling back
// to the route on llama-server. Skipped, with the reason, where llama-server cannot be had.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startFakeOpenAI, type FakeOpenAI } from '../fake-openai';
import { runClaude, startHeadlessProxy, type HeadlessProxy } from '../helpers/processes';
import { loggedStatuses, PROXY_TOKEN } from './lib/harness';
import { installLlamaServer, startLlamaServer, type LlamaServer } from './lib/llama-server';
import { tinyModelPath } from './model/tiny-model';
import { AFTER_TOOL_REPLY, PLAIN_REPLY } from './model/weights';

const CLAUDE_TIMEOUT_MS = 150_000;
const CONTEXT_SIZE = 65536;
const MAIN_REPLY = 'The subagent has reported back.';
/** Claude Code's Agent tool, as the main model calls it: an Explore subagent on haiku, in the foreground. */
const AGENT_CALL = JSON.stringify({ description: 'Look around', prompt: 'Say what is in this folder.', subagent_type: 'Explore', model: 'haiku', run_in_background: false });

let llama: LlamaServer | undefined;
let fake: FakeOpenAI | undefined;
let proxy: HeadlessProxy | undefined;
let unavailable = 'llama-server did not start';

before(async () => {
  const installed = await installLlamaServer();
  if (installed.unavailable !== undefined) { unavailable = installed.unavailable; return; }
  llama = await startLlamaServer(installed.home, { model: tinyModelPath(), contextSize: CONTEXT_SIZE, apiKey: `llama-key-${process.pid}` });
  // The main model calls the Agent tool, then answers once the subagent's result is in.
  fake = await startFakeOpenAI({
    answerFor: ({ raw }) => raw.includes('function_call_output')
      ? { kind: 'text', chunks: [MAIN_REPLY] }
      : raw.includes('"Agent"') ? { kind: 'tool_calls', calls: [{ name: 'Agent', fragments: [AGENT_CALL] }] } : undefined,
  });
  const config = join(mkdtempSync(join(tmpdir(), 'real-server-providers-')), 'routes.json');
  writeFileSync(config, JSON.stringify({
    providers: [
      { name: 'openai', kind: 'openai' },
      { name: 'local', kind: 'compatible', baseURL: llama.baseUrl, keyEnv: 'LLAMA_API_KEY' },
    ],
    routes: [
      {
        name: 'claude-haiku-4-5', patterns: ['claude-haiku-*', 'claude-*-haiku-*', 'haiku'], provider: 'local',
        model: 'tiny-llama', api: 'chat', contextWindow: CONTEXT_SIZE, maxOutputTokens: 256, reasoning: false,
      },
      { name: 'claude-sonnet-4-5', patterns: ['claude-*'], model: 'gpt-5-codex', api: 'responses', fallbacks: ['claude-haiku-4-5'] },
    ],
  }));
  proxy = await startHeadlessProxy({
    OPENAI_API_KEY: fake.apiKey, OPENAI_BASE_URL: fake.url, LLAMA_API_KEY: llama.apiKey, CLAUDE_PROXY_TOKEN: PROXY_TOKEN, CLAUDE_PROXY_CONFIG: config,
  });
}, { timeout: 35 * 60_000 });
after(async () => {
  await proxy?.stop();
  await fake?.close();
  await llama?.stop();
});

const claude = (prompt: string, home: string, ...args: string[]) => runClaude(proxy!.url, PROXY_TOKEN, [prompt, ...args], CLAUDE_TIMEOUT_MS, { home });

test('one Claude Code session: the main model on the strict fake, its haiku subagent on llama-server; then a haiku turn on llama-server with the fake\'s turn in the conversation', async (t) => {
  if (!proxy) { t.skip(unavailable); return; }
  const home = mkdtempSync(join(tmpdir(), 'real-server-providers-session-'));
  const before = fake!.requests.length;
  const first = await claude('look around with a subagent', home, '--model', 'sonnet');
  assert.equal(first.code, 0, first.stderr || first.stdout);
  assert.equal(first.json?.result, MAIN_REPLY, first.stdout);
  const toFake = fake!.requests.slice(before);
  assert.ok(toFake.length >= 2 && toFake.every((request) => request.path === '/v1/responses' && !request.rejection), 'the main model\'s calls went to the fake');
  const agentResult = toFake.at(-1)!.body.input.find((item: any) => item.type === 'function_call_output');
  assert.match(JSON.stringify(agentResult.output), new RegExp(AFTER_TOOL_REPLY.replace('.', '\\.')), 'the subagent, on llama-server, answered after its tool call');
  await proxy.logged(/-> tiny-llama on local \(chat, stream\) 200/);

  // The same conversation goes on with haiku: llama-server now reads the fake's turn.
  const callsBefore = fake!.requests.length;
  const second = await claude('and in one sentence?', home, '--model', 'haiku', '--tools', '', '--continue');
  assert.equal(second.code, 0, second.stderr || second.stdout);
  assert.equal(second.json?.result, AFTER_TOOL_REPLY, `a tool result is in the conversation: ${second.stdout}`);
  assert.equal(second.json.session_id, first.json.session_id, 'one session');
  assert.equal(fake!.requests.length, callsBefore, 'the haiku turn did not go to the fake');
});

test('a 429 from the fake falls back to the route on llama-server', async (t) => {
  if (!proxy) { t.skip(unavailable); return; }
  const home = mkdtempSync(join(tmpdir(), 'real-server-providers-429-'));
  const before = fake!.requests.length;
  fake!.script({ kind: 'error', status: 429, headers: { 'retry-after': '30' } });
  const run = await claude('say hello', home, '--model', 'sonnet', '--tools', '');
  assert.equal(run.code, 0, run.stderr || run.stdout);
  assert.equal(run.json?.result, PLAIN_REPLY, run.stdout);
  assert.equal(fake!.requests.length - before, 1, 'the rate-limited provider was asked once');
  await proxy.logged(/claude-sonnet-4-5 \(gpt-5-codex on openai\) failed \(429 .*\); falling back to claude-haiku-4-5 \(tiny-llama on local\)/);
});

test('the proxy\'s log names both providers, with no 4xx and no key', (t) => {
  if (!proxy) { t.skip(unavailable); return; }
  const log = proxy.stderr();
  const statuses = loggedStatuses(log);
  assert.ok(statuses.some(({ line }) => / on local \(/.test(line)), 'a request served by llama-server');
  assert.ok(statuses.some(({ line }) => / on openai \(/.test(line)), 'a request served by the fake');
  assert.deepEqual(statuses.filter(({ status }) => status >= 400 && status < 500), [], log);
  assert.ok(!log.includes(llama!.apiKey) && !log.includes(fake!.apiKey) && !log.includes(PROXY_TOKEN), 'no secret in the log');
  assert.match(proxy.stdout(), /# provider local \(compatible, http:\/\/127\.0\.0\.1:\d+\/v1\): key set \(LLAMA_API_KEY\)/);
});
