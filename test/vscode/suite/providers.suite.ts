/// <reference types="mocha" />
// Extension-host tests of providers, inside a real VS Code against the real extension: the
// claudeProxy.providers setting reaching the proxy (a second strict fake with its own key, and a
// keyless "local server" fake), "Set Provider API Key", "Use a Local Server", the tooltip, the
// self-tests per provider, the dashboard per provider, the terminal environment unchanged, and
// the walkthrough. They run after the other suites (the proxy is running on the first fake);
// order matters, and the last test puts the settings back.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { ClaudeProxyApi, TestingApi } from '../../../src/extension/extension';
import type { Prompt } from '../../../src/extension/prompts';
import type { SelfTestReport } from '../../../src/extension/self-test';
import { startFakeOpenAI, type FakeOpenAI } from '../../fake-openai';
import { selfTestAnswers } from '../../helpers/self-test-answers';
import { withPrompts as promptsAnswered } from '../lib/prompts';
import { waitFor as waitUntil } from '../lib/wait';

const EXTENSION_ID = 'claude-openai-proxy.claude-openai-proxy';
const SECOND_KEY = 'sk-second-provider-0123456789abcdef';

let api: ClaudeProxyApi;
let testing: TestingApi;
/** The "openai" provider (claudeProxy.openaiBaseUrl), a second provider that needs its own key, and a local server that takes none. */
let openai: FakeOpenAI;
let second: FakeOpenAI;
let local: FakeOpenAI;

const config = () => vscode.workspace.getConfiguration('claudeProxy');
const update = (key: string, value: unknown) => config().update(key, value, vscode.ConfigurationTarget.Global);
const token = () => testing.terminalEnvironment().ANTHROPIC_AUTH_TOKEN;
const waitFor = <T>(what: string, check: () => T | Promise<T>, timeoutMs = 20_000) => waitUntil(what, check, timeoutMs, 100);

function proxyUrl(): string {
  const state = api.state;
  assert.equal(state.kind, 'running', `the proxy should run, state: ${JSON.stringify(state)}`);
  return (state as { url: string }).url;
}

async function health(): Promise<any> {
  return (await fetch(`${proxyUrl()}/health`, { signal: AbortSignal.timeout(5000) })).json();
}

async function message(model: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${proxyUrl()}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': token(), 'anthropic-version': '2023-06-01' },
    body: JSON.stringify({ model, max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] }),
    signal: AbortSignal.timeout(30_000),
  });
  return { status: response.status, body: await response.json() };
}

const modelCalls = (fake: FakeOpenAI) => fake.requests.filter((request) => request.path === '/v1/chat/completions' || request.path === '/v1/responses');

const withPrompts = <T>(action: () => Thenable<T>, choose?: (prompt: Prompt) => string | undefined) => promptsAnswered(testing, action, choose);

/** The tooltip's row of one provider: `| name | kind | host | key |`. */
function tooltipRow(provider: string): string | undefined {
  return testing.statusBarTooltip().split('\n').find((line) => line.startsWith(`| \`${provider}\` |`));
}

describe('Claude Proxy providers', () => {
  before(async () => {
    const extension = vscode.extensions.getExtension<ClaudeProxyApi>(EXTENSION_ID);
    assert.ok(extension);
    api = await extension.activate();
    testing = api.testing!;
    openai = await startFakeOpenAI();
    second = await startFakeOpenAI({ apiKey: SECOND_KEY });
    local = await startFakeOpenAI({ keyRequired: false, models: [{ id: 'qwen3', snapshot: 'qwen3', reasoning: false, chat: true }] });
    await vscode.commands.executeCommand('claudeProxy.setOpenAIKey', openai.apiKey);
    await update('openaiBaseUrl', openai.url);
    await waitFor('the proxy on the first fake', async () => (await health()).upstream === openai.url);
  });

  after(async () => {
    await update('providers', undefined);
    await update('routes', undefined);
    await Promise.all([openai?.close(), second?.close(), local?.close()]);
  });

  it('claudeProxy.providers reaches the proxy live: a route on a second provider, whose key is missing, is named in the tooltip and refused', async () => {
    const states: string[] = [];
    const subscription = api.onDidChangeState((state) => states.push(state.kind));
    try {
      // keyEnv, as a provider copied from a headless JSON config would have it.
      await update('providers', [{ name: 'openai', kind: 'openai' }, { name: 'second', kind: 'compatible', baseURL: second.url, needsKey: true, keyEnv: 'SECOND_API_KEY' }]);
      await update('routes', [
        { name: 'claude-haiku-4-5', patterns: ['claude-haiku-*'], model: 'gpt-5-mini', api: 'chat', provider: 'second' },
        { name: 'claude-sonnet-4-5', patterns: ['claude-*'], model: 'gpt-4.1', api: 'chat' },
      ]);
      await waitFor('the second provider in /health', async () => (await health()).routes[0]?.provider === 'second');
    } finally {
      subscription.dispose();
    }
    assert.deepEqual(states, [], 'no restart');
    assert.ok(testing.recentLog().some((line) => line.includes('claudeProxy.providers[1].keyEnv is ignored in VS Code: keys are kept in SecretStorage')));
    const providers = (await health()).providers;
    assert.deepEqual(providers.map((provider: any) => [provider.name, provider.baseURL, provider.keyConfigured]), [['openai', openai.url, true], ['second', second.url, false]]);
    await waitFor('the tooltip row of "second"', () => tooltipRow('second')?.includes('**key missing**'));
    assert.match(tooltipRow('second')!, new RegExp(`^\\| \`second\` \\| compatible \\| \`127\\.0\\.0\\.1:${new URL(second.url).port}\` \\| \\*\\*key missing\\*\\*: \\[set it\\]\\(command:claudeProxy\\.setProviderKey\\?`));
    assert.match(tooltipRow('openai')!, /\| key set \|$/);
    assert.match(testing.statusBarTooltip(), /\| `claude-haiku-4-5`, `claude-haiku-\*` \| `gpt-5-mini` \| chat \| `second` \|/);
    const refused = await message('claude-haiku-4-5');
    assert.equal(refused.status, 401);
    assert.match(refused.body.error.message, /provider "second"/);
    assert.match(refused.body.error.message, /Set Provider API Key/);
    assert.equal(modelCalls(second).length, 0, 'nothing went out without the key');
  });

  it('an invalid provider is refused naming its field, and the proxy keeps the last valid table', async () => {
    const valid = config().get('providers');
    await update('providers', [{ name: 'openai', kind: 'openai' }, { name: 'second', kind: 'azure' }]);
    try {
      await waitFor('the error in the log', () => testing.recentLog().some((line) => line.includes('claudeProxy.providers[1].baseURL: a provider of kind "azure" needs a baseURL')));
      assert.equal(api.state.kind, 'running');
      assert.equal((await health()).providers[1].kind, 'compatible', 'the last valid providers serve on');
    } finally {
      await update('providers', valid);
    }
    assert.deepEqual(config().get('providers'), valid);
    assert.match(tooltipRow('second') ?? '', /compatible/, 'the tooltip kept the valid providers too');
  });

  it('"Set Provider API Key" offers the providers that need a key, stores it under claudeProxy.providerKey.<name>, and the proxy uses it at once', async () => {
    const { result, shown } = await withPrompts(
      () => vscode.commands.executeCommand<string | undefined>('claudeProxy.setProviderKey', { key: SECOND_KEY }),
      (prompt) => (prompt.kind === 'pick' ? 'second' : undefined),
    );
    assert.equal(result, 'second');
    const pick = shown.find((prompt) => prompt.kind === 'pick');
    // "openai" calls the first fake on this machine, which takes no key unless it says so.
    assert.deepEqual(pick?.choices, ['second'], 'only the providers that need a key');
    assert.equal(pick?.message, 'Claude Proxy: Set Provider API Key');
    assert.ok(shown.some((prompt) => prompt.kind === 'info' && prompt.message === 'Claude Proxy: the API key of provider "second" is saved in SecretStorage.'));
    assert.equal(await testing.storedProviderKey('second'), SECOND_KEY);
    assert.equal((await testing.storedSecrets()).openaiKey, openai.apiKey, 'the OpenAI key is untouched');
    await waitFor('the key in /health', async () => (await health()).providers[1].keyConfigured === true);
    await waitFor('the tooltip row with the key', () => tooltipRow('second')?.endsWith('| key set |'));

    second.script({ kind: 'text', chunks: ['From the second provider.'] });
    const answer = await message('claude-haiku-4-5');
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(answer.body.content[0].text, 'From the second provider.');
    const call = modelCalls(second).at(-1)!;
    assert.equal(call.body.model, 'gpt-5-mini');
    assert.equal(call.headers.authorization, `Bearer ${SECOND_KEY}`);
    const before = modelCalls(openai).length;
    assert.equal((await message('claude-sonnet-4-5')).status, 200);
    assert.equal(modelCalls(openai).length, before + 1, 'the other route stays on openai');
    assert.equal(modelCalls(openai).at(-1)!.headers.authorization, `Bearer ${openai.apiKey}`);
    assert.ok(testing.recentLog().some((line) => /claude-haiku-4-5 -> gpt-5-mini on second \(chat\) 200/.test(line)), 'the log names the provider');

    const wrong = await withPrompts(() => vscode.commands.executeCommand('claudeProxy.setProviderKey', { provider: 'nope', key: 'x' }), () => undefined);
    assert.equal(wrong.result, undefined);
    assert.match(wrong.shown.at(-1)?.message ?? '', /no provider named "nope" needs a key; these do: second/);
  });

  it('"Use a Local Server" lists the server\'s models, adds a keyless provider for it and puts the haiku family there', async () => {
    const { result, shown } = await withPrompts(
      () => vscode.commands.executeCommand<any>('claudeProxy.useLocalServer', { baseURL: local.url }),
      (prompt) => (prompt.message.includes('(2/3)') ? 'qwen3' : prompt.message.includes('(3/3)') ? 'The haiku family' : undefined),
    );
    const models = shown.find((prompt) => prompt.message.includes('(2/3)'));
    assert.ok(models?.choices.includes('qwen3') && models.choices.includes('gpt-5-mini'), `the models the server lists: ${models?.choices.join(', ')}`);
    assert.equal(models?.choices.at(-1), 'Another model…');
    assert.deepEqual(shown.find((prompt) => prompt.message.includes('(3/3)'))?.choices, ['The haiku family', 'Every Claude model']);
    assert.equal(result?.provider, 'local');
    assert.deepEqual(config().get('providers'), [
      { name: 'openai', kind: 'openai' },
      { name: 'second', kind: 'compatible', baseURL: second.url, needsKey: true, keyEnv: 'SECOND_API_KEY' },
      { name: 'local', kind: 'compatible', baseURL: local.url },
    ]);
    const routes = config().get<any[]>('routes')!;
    assert.deepEqual([routes[0].name, routes[0].provider, routes[0].model, routes[0].api], ['claude-haiku-4-5', 'local', 'qwen3', 'chat']);
    assert.equal(routes[1].provider, undefined, 'the other route stays on the first provider');
    assert.ok(shown.some((prompt) => prompt.kind === 'info' && /haiku family \(claude-haiku-4-5\) now runs on "local" \(qwen3 at 127\.0\.0\.1:\d+\), no key needed/.test(prompt.message)));

    await waitFor('the haiku route on local', async () => (await health()).routes[0]?.provider === 'local');
    await waitFor('the tooltip row of "local"', () => tooltipRow('local')?.endsWith('| no key needed |'));
    local.script({ kind: 'text', chunks: ['Local and free.'] });
    const answer = await message('claude-haiku-4-5');
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(answer.body.content[0].text, 'Local and free.');
    const call = modelCalls(local).at(-1)!;
    assert.equal(call.body.model, 'qwen3');
    // The SDK sends a placeholder where the provider has no key: neither provider's key goes there.
    for (const key of [openai.apiKey, SECOND_KEY]) assert.ok(!String(call.headers.authorization).includes(key), 'no key for a server on this machine');

    const { shown: picked } = await withPrompts(() => vscode.commands.executeCommand('claudeProxy.setProviderKey'), () => undefined);
    assert.deepEqual(picked.find((prompt) => prompt.kind === 'pick')?.choices, ['second'], 'no key is asked for the local server');
  });

  it('the self-tests run per provider and route and name each; a provider that fails names itself and what to fix', async () => {
    const routes = (await health()).routes as { provider: string }[];
    assert.deepEqual(routes.map((route) => route.provider), ['local', 'openai']);
    local.script(...selfTestAnswers(1));
    openai.script(...selfTestAnswers(1));
    const report = await vscode.commands.executeCommand<SelfTestReport>('claudeProxy.runSelfTests');
    assert.equal(report.failed, 0, report.results.map((result) => `${result.status} ${result.title}: ${result.detail}`).join('\n'));
    assert.deepEqual(report.results.filter((result) => result.title.startsWith('provider ')).map((result) => result.title), ['provider openai', 'provider second', 'provider local']);
    const log = testing.recentLog().join('\n');
    assert.match(log, /\[PASS\] provider local: compatible at http:\/\/127\.0\.0\.1:\d+\/v1, no key needed, 1 route\(s\)/);
    assert.match(log, /\[PASS\] provider second: compatible at .*, key set, 0 route\(s\)/);
    assert.match(log, /\[PASS\] claude-haiku-4-5 -> qwen3 on local: tool call, streaming: get_weather\(\{"city":"Paris"\}\)/);
    assert.match(log, /\[PASS\] claude-sonnet-4-5 -> gpt-4.1 on openai: message, streaming/);

    // The local server gone: its route fails naming it and its setting, openai's still passes.
    const localUrl = local.url;
    await local.close();
    openai.script(...selfTestAnswers(1));
    const failing = await vscode.commands.executeCommand<SelfTestReport>('claudeProxy.runSelfTests');
    const failure = failing.results.find((result) => result.status === 'fail')!;
    assert.equal(failure.provider, 'local');
    assert.match(failure.title, /^claude-haiku-4-5 -> qwen3 on local: message$/);
    assert.ok(failure.detail.includes(new URL(localUrl).host), failure.detail);
    assert.match(failure.fix ?? '', /the baseURL of provider "local" in claudeProxy\.providers/);
    assert.equal(failing.results.filter((result) => result.provider === 'openai' && result.status === 'pass').length, 5);
    assert.match(failing.summary, /\(provider local\)$/);
    local = await startFakeOpenAI({ keyRequired: false, models: [{ id: 'qwen3', snapshot: 'qwen3', reasoning: false, chat: true }] });
  });

  it('the dashboard groups usage by provider, and the CSV export has a provider column', async () => {
    const usage = testing.dashboard().usage;
    await usage.flushed();
    const mine = testing.usageEntries().filter((entry) => entry.provider === 'second' || entry.provider === 'local');
    assert.ok(mine.some((entry) => entry.provider === 'second' && entry.openaiModel === 'gpt-5-mini'));
    assert.ok(mine.some((entry) => entry.provider === 'local' && entry.openaiModel === 'qwen3'));
    await vscode.commands.executeCommand('claudeProxy.showDashboard');
    const panel = await waitFor('the dashboard', () => testing.dashboard().panelOpen);
    const snapshot = await waitFor('its snapshot', () => panel.posted.find((item) => item.type === 'snapshot'));
    assert.ok(snapshot.type === 'snapshot');
    const groups = Object.fromEntries(snapshot.stats.perProvider.map((group) => [group.provider, group]));
    assert.ok(groups.second && groups.local && groups.openai, JSON.stringify(snapshot.stats.perProvider));
    assert.deepEqual(groups.local.models, ['qwen3']);
    assert.ok(groups.second.requests >= 2, 'the refused request and the served one');
    assert.ok(groups.second.errors >= 1);
    assert.ok(snapshot.rows.some((row) => row.provider === 'local'));
    const path = `${testing.dashboard().usage.folder}/providers-export.csv`;
    assert.equal(await vscode.commands.executeCommand('claudeProxy.exportUsage', { format: 'csv', path }), path);
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    assert.match(lines[0], /^time,claudeModel,openaiModel,provider,api,/);
    assert.ok(lines.some((line) => /,qwen3,local,chat,/.test(line)), 'a row served by the local server');
    panel.dispose();
  });

  it('"Export Environment" and the terminal environment are unchanged: the proxy\'s URL and token, no provider key', async () => {
    const env = testing.terminalEnvironment();
    // The same variables as with one provider; the window is gpt-4.1's (the local model's is unknown).
    assert.deepEqual(env, {
      ANTHROPIC_BASE_URL: proxyUrl(), ANTHROPIC_AUTH_TOKEN: token(), ANTHROPIC_API_KEY: '',
      CLAUDE_CODE_AUTO_COMPACT_WINDOW: '1014808', CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY: '1',
    });
    const text = await vscode.commands.executeCommand<string>('claudeProxy.exportEnvironment', 'bash / zsh');
    assert.equal(text, `export ANTHROPIC_BASE_URL=${proxyUrl()}\nexport ANTHROPIC_AUTH_TOKEN=${token()}\nunset ANTHROPIC_API_KEY\n`
      + 'export CLAUDE_CODE_AUTO_COMPACT_WINDOW=1014808\nexport CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY=1\n');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    for (const secret of [SECOND_KEY, openai.apiKey]) {
      assert.ok(!text.includes(secret) && !Object.values(env).includes(secret), 'a provider key in the terminal environment');
    }
    const settingsFile = process.env.CLAUDE_PROXY_TEST_USER_SETTINGS;
    assert.ok(settingsFile && existsSync(settingsFile));
    const settings = readFileSync(settingsFile, 'utf8');
    assert.match(settings, /claudeProxy\.providers/);
    const log = testing.recentLog().join('\n');
    for (const secret of [SECOND_KEY, openai.apiKey]) {
      assert.ok(!settings.includes(secret), 'a key in settings.json');
      assert.ok(!log.includes(secret), 'a key in the log');
      assert.ok(!testing.statusBarTooltip().includes(secret), 'a key in the tooltip');
    }
  });

  it('the walkthrough is contributed, its steps\' commands are registered, and it opens', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    const [walkthrough] = extension.packageJSON.contributes.walkthroughs as { id: string; title: string; steps: { id: string; completionEvents: string[]; media: { markdown: string } }[] }[];
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const step of walkthrough.steps) {
      for (const event of step.completionEvents) assert.ok(registered.has(event.replace(/^onCommand:/, '')), `${step.id}: ${event} is registered`);
      assert.ok(existsSync(vscode.Uri.joinPath(extension.extensionUri, step.media.markdown).fsPath), step.media.markdown);
    }
    await vscode.commands.executeCommand('workbench.action.openWalkthrough', `${EXTENSION_ID}#${walkthrough.id}`, false);
    const tab = await waitFor('the walkthrough tab', () => vscode.window.tabGroups.all.flatMap((group) => group.tabs).find((candidate) => /walkthrough|welcome/i.test(candidate.label)));
    await vscode.window.tabGroups.close(tab);
  });

  it('the default providers again: one OpenAI provider, every route on it', async () => {
    await update('providers', undefined);
    await update('routes', undefined);
    await waitFor('the default table', async () => (await health()).providers.length === 1 && (await health()).routes[0]?.model === 'gpt-5-codex');
    assert.deepEqual((await health()).providers.map((provider: any) => provider.name), ['openai']);
    await waitFor('the tooltip without the others', () => tooltipRow('second') === undefined && tooltipRow('local') === undefined);
    assert.equal((await message('claude-haiku-4-5')).status, 200);
  });
});
