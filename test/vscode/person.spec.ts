// The person-like check, in a real VS Code (code-server) driven through headless chromium:
// install the packaged VSIX, "Start Claude proxy" from the command palette (typing the OpenAI key
// when asked), read the status bar, open a terminal and see ANTHROPIC_BASE_URL and the token,
// run the self-tests against the fake OpenAI backend and read the PASS lines, run the real
// Claude Code CLI there and see the fake's answer, open the usage dashboard from the status-bar
// tooltip and check its rows, totals, its provider, live updates, redacted bodies and charts in
// three themes, open the walkthrough and complete a step with its button, stop the proxy and see
// the environment go.
// Screenshots go to .test-artifacts/vscode/. Needs test/vscode/setup.sh first.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startFakeOpenAI, type FakeOpenAI, type ScriptedAnswer } from '../fake-openai';
import { ARTIFACTS, ROOT, extensionLog, freePort, launchBrowser, missingPrerequisite, startCodeServer, waitFor, type CodeServer } from './lib/code-server';
import {
  answerInputBox, newTerminal, readOutputPanel, runCommand, screenshot, typeInTerminal,
  waitForNotification, waitForStatusBar, waitForTerminal, waitForWorkbench,
} from './lib/workbench';
import { cardText, dashboardFrame, markNode, markOf, roomForTheEditor, setColorTheme, waitForDashboardRows } from './lib/dashboard';

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
      // The fake on this machine stands in for api.openai.com, which needs a key (a server on
      // this machine is otherwise asked for none).
      'claudeProxy.providers': [{ name: 'openai', kind: 'openai', needsKey: true }],
      // The dashboard may show the bodies of the last requests.
      'claudeProxy.dashboard.keepBodies': true,
      'workbench.secondarySideBar.defaultVisibility': 'hidden',
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
  // The provider's row: name, kind, host, key state.
  assert.match(routes, new RegExp(`openai\\s+openai\\s+127\\.0\\.0\\.1:${new URL(fake.url).port}\\s+key set`));
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
  for (const title of ['Stop Claude proxy', 'Show Dashboard', 'Run Self-Tests', 'Export Environment', 'Open Claude Code Terminal', 'Rotate Proxy Token', 'Show Log']) {
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
  for (let route = 0; route < 3; route++) {
    answers.push(
      { kind: 'text', chunks: ['po', 'ng'] },
      { kind: 'text', chunks: ['po', 'ng'] },
      { kind: 'tool_calls', calls: [{ name: 'get_weather', fragments: ['{"city":', '"Paris"}'] }] },
      { kind: 'tool_calls', calls: [{ name: 'get_weather', fragments: ['{"city":', '"Paris"}'] }] },
    );
  }
  fake.script(...answers);
  await runCommand(page, 'Claude Proxy: Run Self-Tests');
  // The extension's log is the state to wait on: every run ends with its summary line, passed or
  // not. Then the person must have been told, in a notification.
  const summary = await waitFor('the self-tests\' summary line in the extension\'s log', () => /Self-tests: [^\n]*checks passed[^\n]*/.exec(extensionLog(server))?.[0], 90_000);
  assert.equal(summary, 'Self-tests: all 15 checks passed', extensionLog(server));
  await waitForNotification(page, /Self-tests: all 15 checks passed/, 15_000);
  await screenshot(page, 'self-test-notification');
  await runCommand(page, 'Claude Proxy: Show Log');
  const log = await readOutputPanel(page, /Self-tests: all 15 checks passed/);
  await screenshot(page, 'self-test-log');
  assert.match(log, /\[PASS\] claude-sonnet-4-5 -> gpt-5-codex/);
  assert.match(log, /\[PASS\] claude-haiku-4-5 -> gpt-5-mini/);
  assert.match(log, /Self-tests: all 15 checks passed/);
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

/** The model calls the fake answered: each is one request the proxy served, one dashboard row. */
const modelCalls = () => fake.requests.filter((request) => request.path === '/v1/chat/completions' || request.path === '/v1/responses').length;

test('the status-bar tooltip shows today\'s usage, and its "Show Dashboard" link opens the dashboard with every request', { timeout: 60_000 }, async () => {
  const page = browser.page;
  const calls = modelCalls();
  await page.keyboard.press('Escape');
  await page.locator('.statusbar-item', { hasText: 'Claude Proxy' }).first().hover();
  const tooltip = page.locator('.workbench-hover, .monaco-hover').filter({ hasText: 'Claude OpenAI Proxy' }).first();
  await tooltip.waitFor({ state: 'visible', timeout: 10_000 });
  assert.match(await tooltip.innerText(), new RegExp(`Today: ${calls} requests · [\\d.]+k? tokens in, \\d+% cached · [\\d.]+k? out · ≈ \\$`));
  await tooltip.locator('a', { hasText: 'Show Dashboard' }).click();
  assert.equal(await waitForDashboardRows(page, calls), calls, 'one row per model call the fake answered');
  assert.equal(await cardText(page, 'requests'), String(calls));
  assert.match(await cardText(page, 'cost'), /^<?\$\d/);
  // The newest row on top: Claude Code's last request, its Claude and OpenAI models, its provider.
  assert.match(await dashboardFrame(page).locator('#requests tbody tr').first().innerText(), /claude-[\w.-]+\s*→\s*gpt-5-(codex|mini)[\s\S]*\bopenai\b/);
  // One provider served them all: its row in the Per provider table.
  const provider = dashboardFrame(page).locator('#providers tbody tr');
  assert.equal(await provider.count(), 1);
  assert.match(await provider.first().innerText(), new RegExp(`^openai\\t[^\\t]*gpt-5-[^\\t]*\\t${calls}\\t0\\t`), 'its models, all the requests, none failed');
});

test('requests made in a terminal show up live on top, without a reload of the page or a rebuild of what was there', { timeout: 90_000 }, async () => {
  const page = browser.page;
  const frame = dashboardFrame(page);
  await frame.locator('body').evaluate(() => { (globalThis as unknown as { sameDocument: boolean }).sameDocument = true; });
  const before = await frame.locator('#requests tbody tr').count();
  // Nodes that a flicker-free update keeps: the newest row, a card's figure, a chart's axis.
  const oldTop = await frame.locator('#requests tbody tr').first().getAttribute('data-id', { timeout: 5000 });
  const kept = { row: `#requests tbody tr[data-id="${oldTop}"]`, card: '[data-card="requests"] .card-value', chart: '#chart-tokens line.axis' };
  for (const [name, selector] of Object.entries(kept)) await markNode(page, selector, `kept-${name}`);
  fake.script(
    { kind: 'text', chunks: ['One'], usage: { input: 24_000, cached: 20_000, output: 600, reasoning: 200 } },
    { kind: 'text', chunks: ['Two'], usage: { input: 9000, cached: 6000, output: 400 } },
    { kind: 'text', chunks: ['Three'], usage: { input: 26_000, cached: 24_000, output: 900, reasoning: 300 } },
  );
  await runCommand(page, 'Terminal: Focus on Terminal View');
  // The prompt carries the proxy token and the OpenAI key: the dashboard must show neither.
  // (Leading spaces: the terminal may drop the first key while it takes the focus.)
  await typeInTerminal(page, `  for m in claude-sonnet-4-5 claude-haiku-4-5 claude-sonnet-4-5; do curl -s -o /dev/null -w '%{http_code} ' "$ANTHROPIC_BASE_URL/v1/messages" -H "x-api-key: $ANTHROPIC_AUTH_TOKEN" -H 'content-type: application/json' -d '{"model":"'$m'","max_tokens":50,"messages":[{"role":"user","content":"token '$ANTHROPIC_AUTH_TOKEN' key ${fake.apiKey}"}]}'; done; echo CURL-$((40+2))`);
  await waitForTerminal(page, /200 200 200 CURL-42/, 30_000);
  assert.equal(await waitForDashboardRows(page, before + 3), before + 3);
  assert.equal(await frame.locator('body').evaluate(() => (globalThis as unknown as { sameDocument?: boolean }).sameDocument), true, 'the page was updated in place');
  await waitFor('the cards and charts to take the update', async () => await cardText(page, 'requests') === String(before + 3), 10_000);
  for (const [name, selector] of Object.entries(kept)) assert.equal(await markOf(page, selector), `kept-${name}`, `the ${name} node (${selector}) is the same node after the live update`);
  assert.notEqual(await frame.locator('#requests tbody tr').first().getAttribute('data-id'), oldTop, 'the new rows went on top of it');
  const top = await frame.locator('#requests tbody tr').first().innerText();
  assert.match(top, /claude-sonnet-4-5\s*→\s*gpt-5-codex/);
  assert.match(top, /26,000\s+24,000\s+900\s+300/);
  assert.equal(await cardText(page, 'requests'), String(before + 3));
});

test('a click on a request shows Claude Code\'s request, the translated request and the response, with the key and the token redacted', { timeout: 60_000 }, async () => {
  const page = browser.page;
  const frame = dashboardFrame(page);
  await frame.locator('#requests tbody tr').first().click();
  const body = frame.locator('#detail-body');
  await body.waitFor({ state: 'visible', timeout: 10_000 });
  assert.match(await body.innerText(), /"content": "token \[redacted\] key \[redacted\]"/);
  await frame.locator('[data-part="upstreamRequest"]').click();
  assert.match(await body.innerText(), /"model": "gpt-5-codex"/);
  assert.match(await body.innerText(), /token \[redacted\] key \[redacted\]/);
  await frame.locator('[data-part="response"]').click();
  assert.match(await body.innerText(), /"text": "Three"/);
  const page_text = await frame.locator('body').innerText();
  assert.ok(!page_text.includes(fake.apiKey), 'the OpenAI key is on the page');
  assert.doesNotMatch(page_text, /cop-[\w-]{20,}/, 'the proxy token is on the page');
  await roomForTheEditor(page);
  await frame.locator('#detail').scrollIntoViewIfNeeded();
  await screenshot(page, 'dashboard-detail');
  await frame.locator('#detail-close').click();
  await frame.locator('#detail').waitFor({ state: 'hidden', timeout: 5000 });
});

test('the charts are drawn, and the dashboard follows the dark, light and high-contrast themes (screenshots)', { timeout: 90_000 }, async () => {
  const page = browser.page;
  const frame = dashboardFrame(page);
  for (const [chart, selector] of [['tokens over time', '#chart-tokens rect.bar'], ['cost per model', '#chart-cost rect.bar'],
    ['cache-hit rate', '#chart-cache circle.ring-value'], ['latency', '#chart-latency rect.bar']]) {
    await frame.locator(selector).first().waitFor({ state: 'attached', timeout: 10_000 }).catch(() => assert.fail(`the ${chart} chart has no mark`));
  }
  const models = await frame.locator('#chart-tokens rect.bar').evaluateAll((bars) => [...new Set(bars.map((bar) => bar.getAttribute('data-model')))]);
  assert.deepEqual(models.sort(), ['gpt-5-codex', 'gpt-5-mini'], 'one colour per model in the tokens chart');
  const bar = await frame.locator('#chart-tokens rect.bar').first().boundingBox();
  assert.ok(bar && bar.width > 0 && bar.height > 0, 'the bars have a size on screen');
  assert.match(await cardText(page, 'cache'), /^\d+(\.\d)?%$/);
  const colors = async () => frame.locator('body').evaluate((node) => {
    const style = (globalThis as unknown as { getComputedStyle: (element: unknown) => Record<string, string> }).getComputedStyle;
    const bar = node.querySelector('#chart-tokens rect.bar');
    return { background: style(node).backgroundColor, bar: bar ? style(bar).fill : '', stroke: bar ? style(bar).stroke : '' };
  });
  const brightness = (rgb: string) => (rgb.match(/\d+/g) ?? []).slice(0, 3).map(Number).reduce((sum, value) => sum + value, 0) / 3;
  await page.mouse.move(5, 450);
  const dark = await colors();
  assert.ok(brightness(dark.background) < 80, `a dark background: ${dark.background}`);
  await screenshot(page, 'dashboard-dark');

  await setColorTheme(page, 'Light Modern', 'vscode-light');
  const light = await colors();
  assert.ok(brightness(light.background) > 200, `a light background: ${light.background}`);
  assert.notEqual(light.bar, dark.bar, 'the chart colours follow the theme');
  await page.mouse.move(5, 450);
  await screenshot(page, 'dashboard-light');

  await setColorTheme(page, 'Dark High Contrast', 'vscode-high-contrast');
  const contrast = await colors();
  assert.notEqual(contrast.stroke, 'none', 'high contrast outlines the bars');
  await page.mouse.move(5, 450);
  await screenshot(page, 'dashboard-high-contrast');
  await setColorTheme(page, 'Dark Modern', 'vscode-dark');
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

test('the walkthrough shows its steps, and a step\'s button runs its command and completes the step', { timeout: 90_000 }, async () => {
  const page = browser.page;
  await runCommand(page, 'Welcome: Open Walkthrough...');
  const input = page.locator('.quick-input-widget input');
  await input.fill('Claude Code on OpenAI or a local model');
  const focused = page.locator('.quick-input-list .monaco-list-row.focused');
  await waitFor('the walkthrough in the list', async () => (await focused.first().innerText({ timeout: 2000 }).catch(() => '')).includes('Claude Code on OpenAI or a local model'), 15_000);
  await page.keyboard.press('Enter');
  const step = (id: string) => page.locator(`button.getting-started-step[data-step-id$="#${id}"]`);
  await step('connect').waitFor({ state: 'visible', timeout: 20_000 });
  for (const [id, title] of [['connect', 'Connect a model provider'], ['selfTests', 'Check with the self-tests'], ['terminal', 'Open a Claude terminal'],
    ['dashboard', 'See which provider served each request']]) {
    assert.match(await step(id).innerText({ timeout: 5000 }), new RegExp(title), id);
  }
  const checked = async (id: string) => step(id).getAttribute('aria-checked', { timeout: 5000 });
  // The key was typed when Start asked for it, not through the step's command.
  assert.equal(await checked('connect'), 'false');
  await screenshot(page, 'walkthrough');
  await step('connect').click();
  await page.locator('.getting-started-step.expanded').getByRole('button', { name: 'Set OpenAI API Key' }).click({ timeout: 10_000 });
  await answerInputBox(page, /OpenAI API key/, fake.apiKey);
  await waitFor('the connect step to be done', async () => (await checked('connect')) === 'true', 15_000);
  await screenshot(page, 'walkthrough-connected');
});
