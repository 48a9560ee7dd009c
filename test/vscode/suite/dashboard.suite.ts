/// <reference types="mocha" />
// Extension-host tests of the usage dashboard, inside a real VS Code against the real extension
// and the strict fake OpenAI server: usage entries and the status-bar tooltip, the webview panel
// and its messages, bodies and their redaction, claudeProxy.prices, the history across restarts,
// export and clear. They run after extension.suite.ts (the proxy is running); order matters.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { DASHBOARD_TITLE } from '../../../src/extension/dashboard/dashboard-panel';
import type { HostMessage } from '../../../src/extension/dashboard/protocol';
import { UsageService } from '../../../src/extension/dashboard/usage-service';
import type { ClaudeProxyApi, TestingApi } from '../../../src/extension/extension';
import { costOf, defaultPrices } from '../../../src/usage/prices';
import { startFakeOpenAI, type FakeOpenAI } from '../../fake-openai';
import { waitFor as waitUntil } from '../lib/wait';

const EXTENSION_ID = 'claude-openai-proxy.claude-openai-proxy';

let api: ClaudeProxyApi;
let testing: TestingApi;
let fake: FakeOpenAI;
let scratch: string;

const config = () => vscode.workspace.getConfiguration('claudeProxy');
const update = (key: string, value: unknown) => config().update(key, value, vscode.ConfigurationTarget.Global);
const usage = () => testing.dashboard().usage;
const token = () => testing.terminalEnvironment().ANTHROPIC_AUTH_TOKEN;

const waitFor = <T>(what: string, check: () => T | Promise<T>, timeoutMs = 15_000) => waitUntil(what, check, timeoutMs, 50);

function proxyUrl(): string {
  const state = api.state;
  assert.equal(state.kind, 'running', `the proxy should run, state: ${JSON.stringify(state)}`);
  return (state as { url: string }).url;
}

async function message(model: string, text = 'hi', path = '/v1/messages'): Promise<{ status: number; body: any }> {
  const response = await fetch(`${proxyUrl()}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': token(), 'anthropic-version': '2023-06-01' },
    body: JSON.stringify({ model, max_tokens: 100, messages: [{ role: 'user', content: text }] }),
    signal: AbortSignal.timeout(30_000),
  });
  return { status: response.status, body: await response.json() };
}

/** A streamed request: the answer comes as server-sent events, read to the end. */
async function streamedMessage(model: string): Promise<{ status: number; events: string }> {
  const response = await fetch(`${proxyUrl()}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': token(), 'anthropic-version': '2023-06-01' },
    body: JSON.stringify({ model, max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'stream please' }] }),
    signal: AbortSignal.timeout(30_000),
  });
  return { status: response.status, events: await response.text() };
}

function dashboardTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((group) => group.tabs)
    .filter((tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith('claudeProxy.dashboard'));
}

function posted(): HostMessage[] {
  return testing.dashboard().panelOpen?.posted ?? [];
}

describe('Claude Proxy dashboard', () => {
  before(async () => {
    const extension = vscode.extensions.getExtension<ClaudeProxyApi>(EXTENSION_ID);
    assert.ok(extension);
    api = await extension.activate();
    testing = api.testing!;
    fake = await startFakeOpenAI();
    scratch = mkdtempSync(join(tmpdir(), 'dashboard-suite-'));
    await vscode.commands.executeCommand('claudeProxy.setOpenAIKey', fake.apiKey);
    await update('openaiBaseUrl', fake.url);
    await waitFor('the proxy on the fake', async () => (await (await fetch(`${proxyUrl()}/health`)).json() as any).upstream === fake.url);
    await usage().load();
    assert.equal(await vscode.commands.executeCommand('claudeProxy.clearUsageHistory', { confirm: false }), true);
  });

  after(async () => {
    testing?.dashboard().panelOpen?.dispose();
    await update('dashboard.keepBodies', undefined);
    await update('prices', undefined);
    await fake?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('every model call becomes a usage entry with its estimated cost; the status-bar tooltip shows today\'s tokens and cost', async () => {
    const tokens = { input: 10_000, cached: 8000, output: 500, reasoning: 100 };
    fake.script({ kind: 'text', chunks: ['Hello'], usage: tokens }, { kind: 'text', chunks: ['Hi'], usage: tokens });
    assert.equal((await message('claude-sonnet-4-5')).status, 200);
    assert.equal((await message('claude-haiku-4-5')).status, 200);
    assert.equal((await message('claude-haiku-4-5', 'count me', '/v1/messages/count_tokens')).status, 200);
    await usage().flushed();
    const entries = testing.usageEntries();
    assert.equal(entries.length, 2, 'count_tokens makes no entry');
    const [sonnet, haiku] = entries;
    assert.deepEqual([sonnet.claudeModel, sonnet.openaiModel, sonnet.api, sonnet.status, sonnet.outcome], ['claude-sonnet-4-5', 'gpt-5-codex', 'responses', 200, 'ok']);
    assert.deepEqual([haiku.claudeModel, haiku.openaiModel, haiku.api], ['claude-haiku-4-5', 'gpt-5-mini', 'chat']);
    assert.deepEqual([sonnet.inputTokens, sonnet.cachedTokens, sonnet.outputTokens, sonnet.reasoningTokens], [10_000, 8000, 500, 100]);
    assert.equal(typeof sonnet.firstTokenMs, 'number', 'a whole (not streamed) answer has its time to first token too');
    assert.ok(sonnet.durationMs >= 0);
    const counts = { inputTokens: 10_000, cachedTokens: 8000, outputTokens: 500 };
    assert.equal(sonnet.costUsd, costOf(counts, defaultPrices['gpt-5-codex']));
    assert.equal(haiku.costUsd, costOf(counts, defaultPrices['gpt-5-mini']));
    const total = sonnet.costUsd + haiku.costUsd;
    const tooltip = await waitFor('the tooltip with today\'s usage', () => (/Today: 2 requests/.test(testing.statusBarTooltip()) ? testing.statusBarTooltip() : ''));
    assert.match(tooltip, /20k tokens in, 80% cached · 1\.0k out/);
    assert.ok(tooltip.includes(`≈ $${total.toFixed(4)}`), `the tooltip shows the cost $${total.toFixed(4)}: ${tooltip}`);
    assert.match(tooltip, /\[\$\(graph\) Show Dashboard\]\(command:claudeProxy\.showDashboard/);
  });

  it('"Show Dashboard" opens one webview panel that asks for its snapshot, and gets new requests as deltas', async () => {
    await vscode.commands.executeCommand('claudeProxy.showDashboard');
    const tab = await waitFor('the dashboard tab', () => dashboardTabs()[0]);
    assert.equal(tab.label, DASHBOARD_TITLE);
    // The page's script ran under its CSP and said it is ready: the snapshot went out.
    const snapshot = await waitFor('the snapshot', () => posted().find((item) => item.type === 'snapshot'));
    assert.ok(snapshot.type === 'snapshot');
    assert.equal(snapshot.rows.length, 2);
    assert.equal(snapshot.stats.totals.requests, 2);
    assert.equal(snapshot.settings.keepBodies, false);

    fake.script({ kind: 'text', chunks: ['Again'], usage: { input: 100, cached: 0, output: 10 } });
    assert.equal((await message('claude-haiku-4-5')).status, 200);
    const append = await waitFor('the delta', () => posted().find((item) => item.type === 'append'));
    assert.ok(append.type === 'append');
    assert.equal(append.rows.length, 1);
    assert.equal(append.rows[0].claudeModel, 'claude-haiku-4-5');
    assert.equal(append.stats.totals.requests, 3);
    assert.equal(append.historySize, 3);

    await vscode.commands.executeCommand('claudeProxy.showDashboard');
    assert.equal(dashboardTabs().length, 1, 'a second call reveals the same panel');
  });

  it('bodies are kept only with claudeProxy.dashboard.keepBodies, in memory, with the OpenAI key and the proxy token redacted', async () => {
    const before = usage().entries().at(-1)!;
    assert.equal(usage().hasBodies(before.id), false, 'off by default');
    await update('dashboard.keepBodies', true);
    await waitFor('keepBodies to apply', () => usage().keepBodies);
    await waitFor('the settings message', () => posted().some((item) => item.type === 'settings' && item.settings.keepBodies));
    const secrets = [fake.apiKey, token()];
    fake.script({ kind: 'text', chunks: ['Noted'] });
    assert.equal((await message('claude-sonnet-4-5', `remember ${secrets[0]} and ${secrets[1]} please`)).status, 200);
    await usage().flushed();
    const entry = usage().entries().at(-1)!;
    const bodies = usage().bodiesOf(entry.id);
    assert.ok(bodies, 'the bodies are kept');
    const text = `${bodies.request}${bodies.upstreamRequest}${bodies.response}`;
    for (const secret of secrets) assert.ok(!text.includes(secret), 'a secret is in the bodies for the webview');
    assert.match(bodies.request, /remember \[redacted\] and \[redacted\] please/);
    assert.equal(JSON.parse(bodies.upstreamRequest).model, 'gpt-5-codex');
    assert.equal(JSON.parse(bodies.response).content[0].text, 'Noted');
    const history = readFileSync(join(usage().folder, 'usage.jsonl'), 'utf8');
    assert.ok(!history.includes('remember'), 'bodies never go to disk');

    await update('dashboard.keepBodies', undefined);
    await waitFor('keepBodies off', () => !usage().keepBodies);
    assert.equal(usage().hasBodies(entry.id), false, 'turning it off drops the kept bodies');
  });

  it('claudeProxy.prices: an override reprices the history; an invalid table is named and the last valid prices stay', async () => {
    const codex = () => usage().entries().find((entry) => entry.openaiModel === 'gpt-5-codex')!;
    const expensive = { input: 100, cachedInput: 10, output: 1000 };
    await update('prices', { 'gpt-5-codex': expensive });
    const repriced = costOf(codex(), expensive);
    await waitFor('the new price', () => codex().costUsd === repriced);
    const newTotal = usage().todayTotals().costUsd;
    await waitFor('the tooltip with the new total', () => testing.statusBarTooltip().includes(`≈ $${newTotal < 1 ? newTotal.toFixed(4) : newTotal.toFixed(2)}`));

    await update('prices', { 'gpt-5-codex': { input: -1, cachedInput: 0 } });
    await waitFor('the error naming the setting', () => testing.recentLog().some((line) => line.includes('claudeProxy.prices.gpt-5-codex.input')));
    assert.ok(testing.recentLog().some((line) => line.includes('claudeProxy.prices.gpt-5-codex.output')));
    assert.equal(codex().costUsd, repriced, 'the last valid prices stay');
    assert.ok(testing.dashboard().settings().priceProblems.length >= 2);
    assert.equal(api.state.kind, 'running', 'a bad price does not stop the proxy');

    await update('prices', undefined);
    await waitFor('the default price back', () => codex().costUsd === costOf(codex(), defaultPrices['gpt-5-codex']));
    assert.deepEqual(testing.dashboard().settings().priceProblems, []);
  });

  it('the history is in global storage and survives a restart of the proxy and of the extension\'s usage service', async () => {
    const folder = usage().folder;
    assert.match(folder, /globalStorage/);
    const before = usage().entries().map((entry) => entry.id);
    await vscode.commands.executeCommand('claudeProxy.restart');
    fake.script({ kind: 'text', chunks: ['After the restart'] });
    assert.equal((await message('claude-haiku-4-5')).status, 200);
    await usage().flushed();
    const after = usage().entries().map((entry) => entry.id);
    assert.deepEqual(after.slice(0, -1), before);
    assert.equal(new Set(after).size, after.length, 'ids stay unique across proxy restarts');
    // What a new window (or the next start of VS Code) reads: the same history from the same files.
    const reloaded = new UsageService({ folder, secrets: () => [] });
    await reloaded.load();
    assert.deepEqual(reloaded.entries().map((entry) => entry.id), after);
    assert.deepEqual(reloaded.entries().at(-1), usage().entries().at(-1));
  });

  it('a streamed request records its real time to first token, before the end of the stream', async () => {
    // Three chunks 150 ms apart: the first token comes well before the stream ends.
    fake.script({ kind: 'text', chunks: ['Str', 'eam', 'ed'], delayMs: 150, usage: { input: 50, cached: 0, output: 3 } });
    const answer = await streamedMessage('claude-haiku-4-5');
    assert.equal(answer.status, 200);
    assert.match(answer.events, /event: message_stop/);
    await usage().flushed();
    const streamed = usage().entries().at(-1)!;
    assert.equal(streamed.stream, true);
    assert.equal(typeof streamed.firstTokenMs, 'number', `firstTokenMs: ${streamed.firstTokenMs}`);
    assert.ok(streamed.durationMs >= 400, `the stream took its three delays: ${streamed.durationMs} ms`);
    assert.ok(streamed.firstTokenMs! >= 0 && streamed.firstTokenMs! <= streamed.durationMs - 200,
      `the first token (${streamed.firstTokenMs} ms) came well before the end (${streamed.durationMs} ms)`);
  });

  it('"Export Usage History" writes CSV and JSON to the path it is given', async () => {
    const entries = usage().entries();
    const csvPath = join(scratch, 'usage.csv');
    assert.equal(await vscode.commands.executeCommand('claudeProxy.exportUsage', { format: 'csv', path: csvPath }), csvPath);
    const lines = readFileSync(csvPath, 'utf8').trim().split('\n');
    assert.equal(lines[0], 'time,claudeModel,openaiModel,provider,api,route,stream,status,outcome,firstTokenMs,durationMs,inputTokens,cachedTokens,outputTokens,reasoningTokens,webSearches,costUsd');
    assert.equal(lines.length, entries.length + 1);
    assert.match(lines[1], /^\d{4}-\d\d-\d\dT[\d:.]+Z,claude-sonnet-4-5,gpt-5-codex,openai,responses,claude-sonnet-4-5,false,200,ok,\d*,\d+,10000,8000,500,100,0,0\.00/);
    const jsonPath = join(scratch, 'usage.json');
    assert.equal(await vscode.commands.executeCommand('claudeProxy.exportUsage', { format: 'json', path: jsonPath }), jsonPath);
    const json = JSON.parse(readFileSync(jsonPath, 'utf8'));
    assert.deepEqual(json, JSON.parse(JSON.stringify(entries)));
  });

  it('"Clear Usage History" empties the history, its files, the dashboard and the tooltip', async () => {
    const before = posted().length;
    assert.equal(await vscode.commands.executeCommand('claudeProxy.clearUsageHistory', { confirm: false }), true);
    assert.equal(testing.usageEntries().length, 0);
    assert.ok(!existsSync(join(usage().folder, 'usage.jsonl')));
    const snapshot = await waitFor('an empty snapshot', () => posted().slice(before).find((item) => item.type === 'snapshot'));
    assert.ok(snapshot.type === 'snapshot' && snapshot.rows.length === 0 && snapshot.stats.totals.requests === 0);
    await waitFor('the tooltip without requests', () => testing.statusBarTooltip().includes('Today: no requests yet'));
    testing.dashboard().panelOpen?.dispose();
    await waitFor('the tab to close', () => dashboardTabs().length === 0);
  });
});
