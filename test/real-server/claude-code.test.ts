// The newest Claude Code (node_modules/.bin/claude) through the headless proxy to llama.cpp's
// llama-server, a server someone else wrote, on both APIs: a plain answer, a Bash tool round
// trip, and a second turn (--continue) after each. The tiny model's answers are fixed by its
// weights (test/real-server/model/weights.ts): what the tests check is that every step got
// through both translations and the real server's parsing. Skipped, with the reason, where
// llama-server cannot be installed (test/real-server/setup.sh).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runClaude } from '../helpers/processes';
import { loggedStatuses, PROXY_TOKEN, ROUTES, startRealServer, type RealServer } from './lib/harness';
import { AFTER_TOOL_REPLY, PLAIN_REPLY, TOOL_COMMAND } from './model/weights';

const CLAUDE_TIMEOUT_MS = 120_000;
let server: RealServer | undefined;
let unavailable = 'llama-server did not start';

before(async () => {
  const started = await startRealServer(65536);
  if ('unavailable' in started) unavailable = started.unavailable;
  else server = started;
}, { timeout: 35 * 60_000 });
after(async () => { await server?.close(); });

const claude = (prompt: string, api: keyof typeof ROUTES, home: string, ...args: string[]) =>
  runClaude(server!.proxy.url, PROXY_TOKEN, [prompt, '--model', ROUTES[api], ...args], CLAUDE_TIMEOUT_MS, { home });

/** Every line of Claude Code's transcripts under that HOME, parsed. */
function transcript(home: string): any[] {
  const projects = join(home, '.claude', 'projects');
  return readdirSync(projects, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.jsonl'))
    .flatMap((file) => readFileSync(join(projects, file), 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line)));
}

function toolResults(home: string): string[] {
  return transcript(home)
    .flatMap((entry) => (Array.isArray(entry.message?.content) ? entry.message.content : []))
    .filter((block: any) => block.type === 'tool_result')
    .map((block: any) => JSON.stringify(block.content));
}

for (const api of ['chat', 'responses'] as const) {
  test(`${api}: a plain answer, then a second turn with the first one in the conversation`, async (t) => {
    if (!server) { t.skip(unavailable); return; }
    const home = mkdtempSync(join(tmpdir(), `real-server-${api}-`));
    const first = await claude('say hello', api, home, '--tools', '');
    assert.equal(first.code, 0, first.stderr || first.stdout);
    assert.equal(first.json?.result, PLAIN_REPLY, first.stdout);
    const second = await claude('say it again', api, home, '--tools', '', '--continue');
    assert.equal(second.code, 0, second.stderr || second.stdout);
    assert.equal(second.json?.result, PLAIN_REPLY, second.stdout);
    assert.equal(second.json.session_id, first.json.session_id, 'the second turn continued the same conversation');
  });

  test(`${api}: a Bash tool round trip, then a second turn with the tool result in the conversation`, async (t) => {
    if (!server) { t.skip(unavailable); return; }
    const home = mkdtempSync(join(tmpdir(), `real-server-${api}-tool-`));
    const marker = `marker-${randomUUID()}.txt`;
    writeFileSync(join(home, marker), '');
    const run = await claude('list the files here', api, home, '--tools', 'Bash', '--allowedTools', 'Bash');
    assert.equal(run.code, 0, run.stderr || run.stdout);
    assert.equal(run.json?.result, AFTER_TOOL_REPLY, `the model answers so only with a tool result in its prompt: ${run.stdout}`);
    const calls = transcript(home).flatMap((entry) => (Array.isArray(entry.message?.content) ? entry.message.content : [])).filter((block: any) => block.type === 'tool_use');
    assert.deepEqual(calls.map((call: any) => [call.name, call.input.command]), [['Bash', TOOL_COMMAND]]);
    assert.ok(toolResults(home).some((result) => result.includes(marker)), `${TOOL_COMMAND}'s output went back to the model`);

    const second = await claude('and now?', api, home, '--tools', 'Bash', '--allowedTools', 'Bash', '--continue');
    assert.equal(second.code, 0, second.stderr || second.stdout);
    assert.equal(second.json?.result, AFTER_TOOL_REPLY, second.stdout);
    assert.equal(toolResults(home).length, 1, 'no second tool call: the result is already in the conversation');
  });
}

test('the proxy logged a request line for each call, none of them an error', (t) => {
  if (!server) { t.skip(unavailable); return; }
  const statuses = loggedStatuses(server.proxy.stderr());
  for (const api of ['chat', 'responses'] as const) {
    assert.ok(statuses.some(({ line }) => line.startsWith(`POST /v1/messages ${ROUTES[api]} -> `)), `a request went to the ${api} route`);
  }
  assert.deepEqual(statuses.filter(({ status }) => status >= 400), [], server.proxy.stderr());
});
