// The real Claude Code CLI in a conversation that outgrows a small upstream window: the fake's
// gpt-5-codex takes 100,000 prompt tokens, and the route says so (contextWindow). Each turn adds
// ~30,000 tokens; the third would not fit. Claude Code believes its model has 1M tokens.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startFakeOpenAI, type FakeOpenAI, type RecordedRequest } from '../fake-openai';
import { runClaude, startHeadlessProxy, type ClaudeOptions, type HeadlessProxy } from '../helpers/processes';
import { defaultRouteTable } from '../../src/proxy/routing/table';

const TOKEN = 'e2e-compaction-token-abcdefgh';
const WINDOW = 100_000;
let fake: FakeOpenAI;
let proxy: HeadlessProxy;

/** Claude Code's compaction request ends with its summary instructions. */
const isCompaction = (request: RecordedRequest) => /<summary>/.test(JSON.stringify(request.body?.input?.at(-1) ?? ''));

before(async () => {
  fake = await startFakeOpenAI({
    inputWindows: { 'gpt-5-codex': WINDOW },
    answerFor: ({ body }) => (isCompaction({ body } as RecordedRequest)
      ? { kind: 'text', chunks: ['<analysis>Two logs were shared.</analysis>\n<summary>The user shared two long logs and got "ok" twice.</summary>'] }
      : undefined),
  });
  // The default table, with the big route's server taking 228,000 tokens: 100,000 of prompt
  // once gpt-5-codex's 128,000 of output are set aside.
  const config = join(mkdtempSync(join(tmpdir(), 'compaction-routes-')), 'routes.json');
  const routes = defaultRouteTable.routes.map((route) => (route.name === 'claude-sonnet-4-5' ? { ...route, contextWindow: 228_000 } : route));
  writeFileSync(config, JSON.stringify({ routes }));
  proxy = await startHeadlessProxy({ OPENAI_API_KEY: fake.apiKey, OPENAI_BASE_URL: fake.url, CLAUDE_PROXY_TOKEN: TOKEN, CLAUDE_PROXY_CONFIG: config });
});
after(async () => {
  await proxy?.stop();
  await fake?.close();
});

/** ~`tokens` tokens of varied words (the fake counts 4 characters a token). */
function bulk(tokens: number, seed: string): string {
  const words: string[] = [];
  for (let i = 0, length = 0; length < tokens * 4; i++) {
    words.push(`${seed}${(i * 7919) % 100003}`);
    length += words.at(-1)!.length + 1;
  }
  return `Keep this log in mind, then answer "ok".\n${words.join(' ')}`;
}

/** Three turns of ~30,000 tokens each in one conversation (--continue), each bounded. */
async function threeTurns(env: Record<string, string>): Promise<{ results: unknown[]; requests: RecordedRequest[] }> {
  const options: ClaudeOptions = { home: mkdtempSync(join(tmpdir(), 'claude-compact-')), env };
  const from = fake.requests.length;
  const results: unknown[] = [];
  for (const [index, seed] of ['a', 'b', 'c'].entries()) {
    const run = await runClaude(proxy.url, TOKEN, index === 0 ? [] : ['--continue'], 90000, { ...options, input: bulk(30_000, seed) });
    assert.equal(run.code, 0, `turn ${index + 1}: ${run.stderr || run.stdout}`);
    results.push(run.json?.result);
  }
  const requests = fake.requests.slice(from).filter((request) => request.path === "/v1/responses");
  return { results, requests };
}

/** "42091, 72132, 73916 compaction, 42399": the requests' sizes, for a failure's message. */
const trace = (requests: RecordedRequest[]) => requests.map((r) => `${Math.ceil(JSON.stringify(r.body).length / 4)}${r.rejection ? ' refused' : ''}${isCompaction(r) ? ' compaction' : ''}`).join(', ');

const refused = (requests: RecordedRequest[]) => requests.filter((request) => request.rejection?.code === 'context_length_exceeded');

test('npm start prints the routes\' smallest input window as CLAUDE_CODE_AUTO_COMPACT_WINDOW', () => {
  assert.match(proxy.stdout(), new RegExp(`^export CLAUDE_CODE_AUTO_COMPACT_WINDOW=${WINDOW}$`, 'm'));
  assert.match(proxy.stdout(), /^export CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY=1$/m);
  assert.ok(!proxy.stdout().includes(TOKEN), 'a token the user chose is not printed');
});

test('with the printed window Claude Code compacts before any request fails, and the next answer arrives', async () => {
  const window = /^export CLAUDE_CODE_AUTO_COMPACT_WINDOW=(\d+)$/m.exec(proxy.stdout())![1];
  const { results, requests } = await threeTurns({ CLAUDE_CODE_AUTO_COMPACT_WINDOW: window });
  assert.deepEqual(results, ['Hello from the fake.', 'Hello from the fake.', 'Hello from the fake.']);
  assert.deepEqual(refused(requests), [], `no request reached the upstream too long: ${trace(requests)}`);
  const compaction = requests.findIndex(isCompaction);
  assert.ok(compaction > 0, `the conversation was compacted: ${trace(requests)}`);
  const after = requests.slice(compaction).find((request) => !isCompaction(request))!;
  assert.ok(JSON.stringify(after.body).length / 4 < WINDOW * 0.6, 'the answer after it was asked with the summary, not the logs');
});

test('without the window the upstream refuses the third turn, "prompt is too long" makes Claude Code compact, and the answer arrives', async () => {
  const { results, requests } = await threeTurns({});
  assert.deepEqual(results, ['Hello from the fake.', 'Hello from the fake.', 'Hello from the fake.']);
  const failed = requests.indexOf(refused(requests)[0]);
  assert.ok(failed > 0, `Claude Code, thinking it has 1M tokens, sent the third turn whole: ${trace(requests)}`);
  assert.ok(requests.slice(failed).some(isCompaction), `then compacted: ${trace(requests)}`);
  await proxy.logged(/POST \/v1\/messages claude-[\w-]+ -> gpt-5-codex \(responses, stream\) 400/);
});
