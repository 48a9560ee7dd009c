// The real Claude Code CLI, headless, against the headless proxy (dist/cli.js) and the strict fake.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startFakeOpenAI, type FakeOpenAI } from '../fake-openai';
import { runClaude, startHeadlessProxy, type HeadlessProxy } from '../helpers/processes';

const TOKEN = 'e2e-proxy-token-abcdefghijkl';
let fake: FakeOpenAI;
let proxy: HeadlessProxy;

before(async () => {
  fake = await startFakeOpenAI();
  proxy = await startHeadlessProxy({ OPENAI_API_KEY: fake.apiKey, OPENAI_BASE_URL: fake.url, CLAUDE_PROXY_TOKEN: TOKEN });
});
after(async () => {
  await proxy?.stop();
  await fake?.close();
});

test('claude -p "say hello" gets the fake\'s answer through the proxy (default model -> gpt-5-codex on the Responses API)', async () => {
  const before = fake.requests.length;
  const run = await runClaude(proxy.url, TOKEN, ['say hello']);
  assert.equal(run.code, 0, run.stderr || run.stdout);
  assert.equal(run.json?.is_error, false, run.stdout);
  assert.equal(run.json.result, 'Hello from the fake.');
  const calls = fake.requests.slice(before);
  assert.ok(calls.length >= 1);
  assert.ok(calls.every((call) => call.path === '/v1/responses' && call.body.model === 'gpt-5-codex'));
});

test('claude --model haiku goes to gpt-5-mini on Chat Completions', async () => {
  const before = fake.requests.length;
  const run = await runClaude(proxy.url, TOKEN, ['say hello', '--model', 'haiku']);
  assert.equal(run.code, 0, run.stderr || run.stdout);
  assert.equal(run.json.result, 'Hello from the fake.');
  const calls = fake.requests.slice(before);
  assert.ok(calls.some((call) => call.path === '/v1/chat/completions' && call.body.model === 'gpt-5-mini'));
});

test('claude --model fable (the picker\'s "most capable") is served: gpt-5-codex at high effort', async () => {
  const before = fake.requests.length;
  const run = await runClaude(proxy.url, TOKEN, ['say hello', '--model', 'fable']);
  assert.equal(run.code, 0, run.stderr || run.stdout);
  assert.equal(run.json.result, 'Hello from the fake.');
  const calls = fake.requests.slice(before).filter((call) => call.path === '/v1/responses');
  assert.ok(calls.length >= 1);
  assert.ok(calls.every((call) => call.body.model === 'gpt-5-codex' && call.body.reasoning?.effort === 'high'), JSON.stringify(calls.map((call) => call.body.reasoning)));
  await proxy.logged(/POST \/v1\/messages claude-fable-[\w-]+ -> gpt-5-codex/);
});

test('a Bash tool call completes the round trip: Claude Code runs it and the output reaches OpenAI', async () => {
  const marker = `e2e-marker-${Date.now()}`;
  fake.script(
    { kind: 'tool_calls', text: 'Running it.', calls: [{ name: 'Bash', fragments: ['{"command":"echo ', marker, '","description":"Print a marker"}'] }] },
    { kind: 'text', chunks: ['The command printed ', 'the marker.'] },
  );
  const before = fake.requests.length;
  const run = await runClaude(proxy.url, TOKEN, ['run the echo command', '--allowedTools', 'Bash']);
  assert.equal(run.code, 0, run.stderr || run.stdout);
  assert.equal(run.json.result, 'The command printed the marker.');
  const calls = fake.requests.slice(before);
  assert.equal(calls.length, 2, 'one call for the tool, one with its result');
  const input = calls[1].body.input as any[];
  const call = input.find((item) => item.type === 'function_call');
  const output = input.find((item) => item.type === 'function_call_output');
  assert.equal(call.name, 'Bash');
  assert.equal(output.call_id, call.call_id, 'the tool_result came back with the call id');
  assert.match(JSON.stringify(output.output), new RegExp(marker));
});

test('the headless proxy logged each request and closes cleanly on SIGTERM', async () => {
  await proxy.logged(/POST \/v1\/messages claude-[\w-]+ -> gpt-5-codex \(responses, stream\) 200/);
  assert.ok(!proxy.stderr().includes(fake.apiKey) && !proxy.stderr().includes(TOKEN), 'no secret in the log');
  assert.equal(await proxy.stop('SIGTERM'), 0);
});
