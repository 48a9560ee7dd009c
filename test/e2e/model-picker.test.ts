// The interactive Claude Code (as a user types `claude` in a terminal the proxy set up), under
// tmux: /model lists the proxy's routes "From gateway", each naming the OpenAI model behind it, and
// the entry picked there serves the next request.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startFakeOpenAI, type FakeOpenAI } from '../fake-openai';
import { claudeBinary, startHeadlessProxy, type HeadlessProxy } from '../helpers/processes';
import { startTmux, tmuxMissing, type TmuxSession } from '../helpers/tmux';

const TOKEN = 'e2e-picker-token-abcdefghij';
const skip = tmuxMissing();
let fake: FakeOpenAI;
let proxy: HeadlessProxy;
let tui: TmuxSession | undefined;

before(async () => {
  if (skip) return;
  fake = await startFakeOpenAI();
  proxy = await startHeadlessProxy({ OPENAI_API_KEY: fake.apiKey, OPENAI_BASE_URL: fake.url, CLAUDE_PROXY_TOKEN: TOKEN });
});
after(async () => {
  await tui?.close();
  await proxy?.stop();
  await fake?.close();
});

/** The variables npm start printed (`export NAME=value`), with the token the user chose. */
function printedEnvironment(): Record<string, string> {
  const variables: Record<string, string> = { ANTHROPIC_AUTH_TOKEN: TOKEN };
  for (const [, name, value] of proxy.stdout().matchAll(/^export (\w+)=(\S+)$/gm)) variables[name] = value;
  return variables;
}

/** A HOME where Claude Code has done its first-run screens (theme, onboarding) and trusts the folder. */
function preparedHome(): { home: string; work: string } {
  const home = mkdtempSync(join(tmpdir(), 'claude-tui-'));
  const work = join(home, 'work');
  mkdirSync(work);
  writeFileSync(join(home, '.claude.json'), JSON.stringify({
    hasCompletedOnboarding: true,
    theme: 'dark',
    projects: { [work]: { hasTrustDialogAccepted: true, hasCompletedProjectOnboarding: true } },
  }));
  return { home, work };
}

const cursorLine = (screen: string) => screen.split('\n').find((line) => line.trimStart().startsWith('❯ ') && /^\s*❯ \d+\./.test(line)) ?? '';

test('/model offers the routes "From gateway" with the OpenAI model behind each, and the pick serves the next request', { skip, timeout: 90000 }, async () => {
  const environment = printedEnvironment();
  assert.equal(environment.CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY, '1', 'npm start prints the discovery variable');
  const { home, work } = preparedHome();
  tui = await startTmux([claudeBinary], {
    cwd: work,
    env: {
      PATH: process.env.PATH ?? '', HOME: home, TERM: 'xterm-256color',
      DISABLE_TELEMETRY: '1', DISABLE_ERROR_REPORTING: '1', DISABLE_AUTOUPDATER: '1', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      ...environment,
    },
  });
  await tui.waitFor('the prompt', (screen) => /Claude Code v/.test(screen) && /\/effort/.test(screen));
  await tui.type('/model');
  await tui.waitFor('/model typed', (screen) => /❯ \/model/.test(screen));
  await tui.press('Enter');
  const picker = await tui.waitFor('the model picker with the gateway entries', (screen) => screen.includes('Fast → gpt-5-mini'));
  assert.match(picker, /Sonnet 4\.5 → gpt-5-codex\s+OpenAI gpt-5-codex via the Responses API, 272,000-token input window/);
  assert.match(picker, /Fable 5\.2 → gpt-5-codex\s+OpenAI gpt-5-codex via the Responses API, high effort/);
  assert.match(picker, /Haiku 4\.5 → gpt-5-mini\s+OpenAI gpt-5-mini via the Chat Completions API/);

  for (let moves = 0; !cursorLine(await tui.screen()).includes('Fast → gpt-5-mini'); moves++) {
    assert.ok(moves < 20, `the cursor never reached "Fast → gpt-5-mini":\n${await tui.screen()}`);
    const before = cursorLine(await tui.screen());
    await tui.press('Down');
    await tui.waitFor('the cursor to move', (screen) => cursorLine(screen) !== before, 5000);
  }
  await tui.press('Enter');
  await tui.waitFor('the model set', (screen) => screen.includes('Set model to Fast → gpt-5-mini'));

  const from = fake.requests.length;
  await tui.type('say hi');
  await tui.press('Enter');
  await tui.waitFor('the answer', (screen) => screen.includes('Hello from the fake.'), 30000);
  const calls = fake.requests.slice(from).filter((request) => request.method === 'POST');
  assert.ok(calls.length >= 1);
  assert.ok(calls.every((call) => call.path === '/v1/chat/completions' && call.body.model === 'gpt-5-mini'),
    calls.map((call) => `${call.path} ${call.body?.model}`).join(', '));
  await proxy.logged(/GET \/v1\/models 200/);
  await proxy.logged(/POST \/v1\/messages claude-fast -> gpt-5-mini \(chat, stream\) 200/);
});
