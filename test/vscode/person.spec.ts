// The person-like check, in a real VS Code (code-server) driven through headless chromium:
// install the packaged VSIX, "Start Claude proxy" from the command palette (typing the OpenAI key
// when asked), read the status bar, open a terminal and see ANTHROPIC_BASE_URL and the token,
// run the self-tests against the fake OpenAI backend and read the PASS lines, run the real
// Claude Code CLI there and see the fake's answer, stop the proxy and see the environment go.
// Screenshots go to .test-artifacts/vscode/. Needs test/vscode/setup.sh first.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startFakeOpenAI, type FakeOpenAI, type ScriptedAnswer } from '../fake-openai';
import { ARTIFACTS, ROOT, freePort, launchBrowser, missingPrerequisite, startCodeServer, type CodeServer } from './lib/code-server';
import {
  answerInputBox, newTerminal, readOutputPanel, runCommand, screenshot, typeInTerminal,
  waitForNotification, waitForStatusBar, waitForTerminal, waitForWorkbench,
} from './lib/workbench';

const VSIX = process.env.CLAUDE_PROXY_VSIX ?? join(ROOT, 'claude-openai-proxy.vsix');
const INHERITED_KEY = 'sk-ant-inherited-from-the-shell';

let fake: FakeOpenAI;
let server: CodeServer;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let proxyPort: number;

before(async () => {
  const missing = missingPrerequisite();
  assert.equal(missing, undefined, missing);
  mkdirSync(ARTIFACTS, { recursive: true });
  if (!process.env.CLAUDE_PROXY_VSIX) {
    const started = Date.now();
    const build = spawnSync('npm', ['run', 'package'], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
    assert.equal(build.status, 0, `npm run package failed:\n${build.stdout}\n${build.stderr}`);
    assert.ok(statSync(VSIX).mtimeMs >= started - 1000, 'npm run package wrote the VSIX');
  }
  assert.ok(existsSync(VSIX), `no VSIX at ${VSIX}`);
  fake = await startFakeOpenAI();
  proxyPort = await freePort();
  server = await startCodeServer({
    label: 'person',
    install: [VSIX],
    settings: {
      // The person starts it from the command palette.
      'claudeProxy.autoStart': false,
      'claudeProxy.port': proxyPort,
      'claudeProxy.openaiBaseUrl': fake.url,
    },
    // `claude` is installed (here: the project's devDependency) and on the user's PATH.
    shellProfile: `export PATH="${join(ROOT, 'node_modules', '.bin')}:$PATH"\nexport PS1='$ '`,
    env: {
      ANTHROPIC_API_KEY: INHERITED_KEY,
      DISABLE_AUTOUPDATER: '1',
      DISABLE_TELEMETRY: '1',
      DISABLE_ERROR_REPORTING: '1',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    },
  });
  browser = await launchBrowser();
  await browser.page.goto(`${server.url}/?folder=${encodeURIComponent(server.workspace)}`);
  await waitForWorkbench(browser.page);
});

after(async () => {
  if (browser) await screenshot(browser.page, 'person-last').catch(() => undefined);
  await browser?.close();
  await server?.stop();
  await fake?.close();
});

test('the VSIX is installed and shows a stopped proxy in the status bar', { timeout: 90_000 }, async () => {
  const text = await waitForStatusBar(browser.page, /Claude Proxy: stopped/, 60_000);
  assert.match(text, /stopped/);
});

test('"Start Claude proxy" from the command palette asks for the OpenAI key once, then listens', { timeout: 90_000 }, async () => {
  const page = browser.page;
  await runCommand(page, 'Claude Proxy: Start Claude proxy');
  await answerInputBox(page, /OpenAI API key/, fake.apiKey);
  const text = await waitForStatusBar(page, new RegExp(`Claude Proxy :${proxyPort}`));
  assert.match(text, new RegExp(`:${proxyPort}`));
  // The tooltip lists the model routes.
  await page.locator('.statusbar-item', { hasText: 'Claude Proxy' }).first().hover();
  const tooltip = page.locator('.workbench-hover, .monaco-hover').filter({ hasText: 'Claude OpenAI Proxy' });
  await tooltip.first().waitFor({ state: 'visible', timeout: 10_000 });
  const routes = await tooltip.first().innerText();
  assert.match(routes, /claude-sonnet-4-5[\s\S]*gpt-5-codex/);
  assert.match(routes, /claude-haiku-4-5[\s\S]*gpt-5-mini/);
  await screenshot(page, 'status-bar');
  await page.mouse.move(700, 300);
  const health = await (await fetch(`http://127.0.0.1:${proxyPort}/health`)).json() as any;
  assert.equal(health.openaiKeyConfigured, true);
  assert.equal(health.upstream, fake.url);
});

test('a click on the status-bar item opens the quick pick of Claude Proxy commands', { timeout: 60_000 }, async () => {
  const page = browser.page;
  await page.locator('.statusbar-item', { hasText: 'Claude Proxy' }).first().click();
  const list = page.locator('.quick-input-widget .quick-input-list');
  await list.waitFor({ state: 'visible', timeout: 10_000 });
  const text = await list.innerText();
  for (const title of ['Stop Claude proxy', 'Run Self-Tests', 'Export Environment', 'Open Claude Code Terminal', 'Rotate Proxy Token', 'Show Log']) {
    assert.ok(text.includes(title), `the quick pick lacks "${title}": ${text}`);
  }
  assert.ok(!text.includes('Start Claude proxy'), 'no Start while it runs');
  await screenshot(page, 'status-bar-menu');
  await page.keyboard.press('Escape');
});

test('a new terminal has ANTHROPIC_BASE_URL and the token, and the inherited ANTHROPIC_API_KEY is blanked', { timeout: 90_000 }, async () => {
  const page = browser.page;
  await newTerminal(page);
  await typeInTerminal(page, 'echo "BASE=$ANTHROPIC_BASE_URL TOKEN=${ANTHROPIC_AUTH_TOKEN:0:4}... KEY=[$ANTHROPIC_API_KEY]"');
  await waitForTerminal(page, new RegExp(`BASE=http://127\\.0\\.0\\.1:${proxyPort} TOKEN=cop-\\.\\.\\. KEY=\\[\\]`));
  await screenshot(page, 'terminal-environment');
});

test('"Run Self-Tests" passes against the fake OpenAI backend and logs the PASS lines', { timeout: 120_000 }, async () => {
  const page = browser.page;
  const answers: ScriptedAnswer[] = [];
  for (let route = 0; route < 2; route++) {
    answers.push(
      { kind: 'text', chunks: ['po', 'ng'] },
      { kind: 'text', chunks: ['po', 'ng'] },
      { kind: 'tool_calls', calls: [{ name: 'get_weather', fragments: ['{"city":', '"Paris"}'] }] },
      { kind: 'tool_calls', calls: [{ name: 'get_weather', fragments: ['{"city":', '"Paris"}'] }] },
    );
  }
  fake.script(...answers);
  await runCommand(page, 'Claude Proxy: Run Self-Tests');
  await waitForNotification(page, /Self-tests: all 10 checks passed/, 90_000);
  await screenshot(page, 'self-test-notification');
  await runCommand(page, 'Claude Proxy: Show Log');
  const log = await readOutputPanel(page, /Self-tests: all 10 checks passed/);
  await screenshot(page, 'self-test-log');
  assert.match(log, /\[PASS\] claude-sonnet-4-5 -> gpt-5-codex/);
  assert.match(log, /\[PASS\] claude-haiku-4-5 -> gpt-5-mini/);
  assert.match(log, /Self-tests: all 10 checks passed/);
});

test('the real Claude Code CLI in that terminal answers with the fake\'s text', { timeout: 180_000 }, async () => {
  const page = browser.page;
  const before = fake.requests.length;
  await runCommand(page, 'Terminal: Focus on Terminal View');
  await typeInTerminal(page, 'claude -p "Say hello" ; echo "claude exited $?"');
  const text = await waitForTerminal(page, /claude exited \d+/, 150_000);
  await screenshot(page, 'claude-code');
  assert.match(text, /Hello from the fake\./);
  assert.match(text, /claude exited 0/);
  const calls = fake.requests.slice(before).filter((request) => request.path === '/v1/responses');
  assert.ok(calls.length >= 1, 'Claude Code\'s request reached the fake through the proxy');
  assert.equal(calls[0].body.model, 'gpt-5-codex');
});

test('"Stop Claude proxy" stops it and new terminals no longer get the environment', { timeout: 90_000 }, async () => {
  const page = browser.page;
  await runCommand(page, 'Claude Proxy: Stop Claude proxy');
  await waitForStatusBar(page, /Claude Proxy: stopped/);
  await assert.rejects(fetch(`http://127.0.0.1:${proxyPort}/health`, { signal: AbortSignal.timeout(3000) }));
  await newTerminal(page);
  await typeInTerminal(page, 'echo "AFTER-STOP BASE=[$ANTHROPIC_BASE_URL] TOKEN=[$ANTHROPIC_AUTH_TOKEN] KEY=[${ANTHROPIC_API_KEY:0:6}]"');
  await waitForTerminal(page, /AFTER-STOP BASE=\[\] TOKEN=\[\] KEY=\[sk-ant\]/);
  await screenshot(page, 'stopped');
});
