// The claudeProxy.* settings: zod validation, messages naming the setting, package.json agreeing.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { providerSchema } from '../../src/proxy/routing/providers';
import { defaultRouteTable } from '../../src/proxy/routing/table';
import { DEFAULT_LIMITS } from '../../src/proxy/server/proxy-server';
import { readSettings, settingKeys, settingsDiff, transportOf, type SettingKey } from '../../src/extension/settings';

const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'));
const properties: Record<string, { default: unknown; minimum?: number; maximum?: number; scope?: string; markdownDescription?: string }> = manifest.contributes.configuration.properties;

const read = (values: Partial<Record<SettingKey, unknown>>) => readSettings((key) => values[key]);

test('no setting given: the defaults, with the seed\'s route table', () => {
  const result = read({});
  assert.ok(result.ok);
  assert.equal(result.settings.port, 4000);
  assert.equal(result.settings.autoStart, true);
  assert.equal(result.settings.injectEnvironment, true);
  assert.equal(result.settings.openaiBaseUrl, 'https://api.openai.com/v1');
  assert.equal(result.settings.logLevel, 'info');
  assert.deepEqual(result.settings.routeTable.routes.map((route) => [route.name, route.model, route.api]),
    [['claude-fable-5-2', 'gpt-5-codex', 'responses'], ['claude-haiku-4-5', 'gpt-5-mini', 'chat'], ['claude-sonnet-4-5', 'gpt-5-codex', 'responses']]);
});

test('the limits default to the proxy\'s DEFAULT_LIMITS, in package.json too', () => {
  const result = read({});
  assert.ok(result.ok);
  const { idleTimeoutMs, maxBodyBytes, requestReadTimeoutMs } = result.settings;
  assert.deepEqual({ idleTimeoutMs, maxBodyBytes, requestReadTimeoutMs }, DEFAULT_LIMITS);
  for (const [key, value] of Object.entries(DEFAULT_LIMITS)) {
    assert.equal(properties[`claudeProxy.${key}`].default, value, key);
    assert.equal(properties[`claudeProxy.${key}`].scope, 'application', `${key}: one proxy serves every window`);
  }
  assert.match(properties['claudeProxy.idleTimeoutMs'].markdownDescription ?? '', /`0` turns the limit off/);
  assert.match(properties['claudeProxy.requestReadTimeoutMs'].markdownDescription ?? '', /restarts the proxy/);
});

test('the limits: the minimums and maximums of package.json are the ones enforced, and problems name the setting', () => {
  for (const key of ['idleTimeoutMs', 'maxBodyBytes', 'requestReadTimeoutMs'] as const) {
    const { minimum, maximum } = properties[`claudeProxy.${key}`];
    assert.equal(typeof minimum, 'number', key);
    const lowest = read({ [key]: minimum });
    assert.ok(lowest.ok && lowest.settings[key] === minimum, `${key} = ${minimum} is accepted`);
    const bad: unknown[] = [minimum - 1, 1500.5, '60000', null, true];
    if (maximum !== undefined) bad.push(maximum + 1);
    for (const value of bad) {
      const result = read({ [key]: value });
      assert.ok(!result.ok, `${key} = ${JSON.stringify(value)} is refused`);
      assert.equal(result.problems.length, 1);
      assert.match(result.problems[0], new RegExp(`^claudeProxy\\.${key}: `));
    }
  }
  const off = read({ idleTimeoutMs: 0 });
  assert.ok(off.ok && off.settings.idleTimeoutMs === 0, 'idle 0 = off, as in the CLI');
  assert.match((read({ maxBodyBytes: 10 }) as { problems: string[] }).problems[0], /claudeProxy\.maxBodyBytes: must be at least 1024 bytes/);
  // setTimeout fires after 1 ms for a longer delay: such an idle timeout would end every stream at once.
  assert.match((read({ idleTimeoutMs: 2 ** 31 }) as { problems: string[] }).problems[0], /claudeProxy\.idleTimeoutMs: must be at most 2147483647/);
  const custom = read({ idleTimeoutMs: 60_000, maxBodyBytes: 4096, requestReadTimeoutMs: 5000 });
  assert.ok(custom.ok);
  assert.deepEqual([custom.settings.idleTimeoutMs, custom.settings.maxBodyBytes, custom.settings.requestReadTimeoutMs], [60_000, 4096, 5000]);
});

test('routes keep fallbacks and files (defaults filled in when absent)', () => {
  const result = read({ routes: [
    { name: 'claude-sonnet-4-5', model: 'gpt-5-codex', api: 'responses', fallbacks: ['local', 'claude-haiku-4-5'] },
    { name: 'claude-haiku-4-5', model: 'gpt-5-mini' },
    { name: 'local', model: 'llama3.1', files: false },
  ] });
  assert.ok(result.ok, JSON.stringify(result));
  const [sonnet, haiku, local] = result.settings.routeTable.routes;
  assert.deepEqual(sonnet.fallbacks, ['local', 'claude-haiku-4-5']);
  assert.equal(sonnet.files, true);
  assert.deepEqual(haiku.fallbacks, []);
  assert.equal(local.files, false);
  const unknown = read({ routes: [{ name: 'a', model: 'm', fallbacks: ['b'] }] });
  assert.ok(!unknown.ok && /claudeProxy\.routes\[0\]\.fallbacks\[0\]: no route is named "b"/.test(unknown.problems.join()));
  const files = read({ routes: [{ name: 'a', model: 'm', files: 'no' }] });
  assert.ok(!files.ok && /claudeProxy\.routes\[0\]\.files: /.test(files.problems.join()));
});

test('package.json contributes exactly these settings, with the same defaults', () => {
  assert.deepEqual(Object.keys(properties).sort(), settingKeys.map((key) => `claudeProxy.${key}`).sort());
  assert.deepEqual(properties['claudeProxy.routes'].default, defaultRouteTable.routes);
  const fromManifest = read(Object.fromEntries(settingKeys.map((key) => [key, properties[`claudeProxy.${key}`].default])));
  assert.deepEqual(fromManifest, read({}));
});

test('package.json contributes every command under the "Claude Proxy" category, with the issue\'s titles', () => {
  const titles = manifest.contributes.commands.map((command: { title: string; category: string }) => {
    assert.equal(command.category, 'Claude Proxy');
    return command.title;
  });
  for (const title of ['Start Claude proxy', 'Stop Claude proxy', 'Restart Claude proxy', 'Run Self-Tests', 'Export Environment',
    'Open Claude Code Terminal', 'Set OpenAI API Key', 'Set Provider API Key', 'Use a Local Server', 'Rotate Proxy Token', 'Show Log',
    'Show Dashboard', 'Export Usage History', 'Clear Usage History', 'Configure Claude Code Extension']) {
    assert.ok(titles.includes(title), `missing command "${title}"`);
  }
  assert.deepEqual(manifest.activationEvents, ['onStartupFinished']);
  assert.equal(manifest.main, './dist/extension.js');
});

test('no setting can hold a secret: the key and token are not contributed settings', () => {
  for (const name of Object.keys(properties)) assert.doesNotMatch(name, /key|token|secret/i);
});

test('an invalid port names claudeProxy.port', () => {
  for (const port of [-1, 70000, 40.5, '4000']) {
    const result = read({ port });
    assert.ok(!result.ok);
    assert.match(result.problems[0], /^claudeProxy\.port: /);
  }
  const any = read({ port: 0 });
  assert.ok(any.ok && any.settings.port === 0);
});

test('a route without a model names claudeProxy.routes[i].model', () => {
  const result = read({ routes: [{ name: 'claude-sonnet-4-5', model: 'gpt-4.1' }, { name: 'claude-haiku-4-5', api: 'chat' }] });
  assert.ok(!result.ok);
  assert.match(result.problems.join('\n'), /claudeProxy\.routes\[1\]\.model: /);
});

test('a wrong api, an unknown key, a duplicate name and a bad default route are each named', () => {
  const api = read({ routes: [{ name: 'a', model: 'm', api: 'completions' }] });
  assert.ok(!api.ok && /claudeProxy\.routes\[0\]\.api/.test(api.problems.join()));
  const extra = read({ routes: [{ name: 'a', model: 'm', modell: 'x' }] });
  assert.ok(!extra.ok && /claudeProxy\.routes\[0\]/.test(extra.problems.join()));
  const duplicate = read({ routes: [{ name: 'a', model: 'm' }, { name: 'b', aliases: ['A'], model: 'n' }] });
  assert.ok(!duplicate.ok && /claudeProxy\.routes\[1\]: "A" is already served by route "a"/.test(duplicate.problems.join()));
  const fallback = read({ routes: [{ name: 'a', model: 'm' }], defaultRoute: 'b' });
  assert.ok(!fallback.ok && /claudeProxy\.defaultRoute: no route is named "b"/.test(fallback.problems.join()));
  const empty = read({ routes: [] });
  assert.ok(!empty.ok && /claudeProxy\.routes/.test(empty.problems.join()));
});

test('the base URL must be http(s); a trailing slash is dropped', () => {
  for (const openaiBaseUrl of ['api.openai.com/v1', 'ftp://host/v1', '']) {
    const result = read({ openaiBaseUrl });
    assert.ok(!result.ok, openaiBaseUrl);
    assert.match(result.problems[0], /^claudeProxy\.openaiBaseUrl: must be an http/);
  }
  const ok = read({ openaiBaseUrl: 'http://localhost:11434/v1/' });
  assert.ok(ok.ok && ok.settings.openaiBaseUrl === 'http://localhost:11434/v1');
});

test('settingsDiff: a port or read-timeout change restarts, routes and base URL re-route, limits apply live, the rest does none of it', () => {
  const base = read({});
  assert.ok(base.ok);
  const diff = (values: Partial<Record<SettingKey, unknown>>) => {
    const next = read(values);
    assert.ok(next.ok);
    return settingsDiff(base.settings, next.settings);
  };
  const none = { restart: false, reconfigure: false, limits: false, environment: false, logLevel: false, providers: false };
  assert.deepEqual(diff({ port: 4001 }), { ...none, restart: true });
  assert.deepEqual(diff({ requestReadTimeoutMs: 5000 }), { ...none, restart: true });
  assert.deepEqual(diff({ maxBodyBytes: 4096 }), { ...none, limits: true });
  assert.deepEqual(diff({ idleTimeoutMs: 0 }), { ...none, limits: true });
  assert.deepEqual(diff({ openaiBaseUrl: 'http://localhost:1234/v1' }), { ...none, reconfigure: true });
  assert.deepEqual(diff({ upstreamTransport: 'node-http' }), { ...none, reconfigure: true });
  assert.deepEqual(diff({ routes: [{ name: 'x', model: 'gpt-4.1' }] }), { ...none, reconfigure: true });
  assert.deepEqual(diff({ routes: [{ ...defaultRouteTable.routes[0], files: false }, defaultRouteTable.routes[1]] }), { ...none, reconfigure: true });
  const local = { name: 'local', kind: 'compatible', baseURL: 'http://127.0.0.1:8080/v1' };
  assert.deepEqual(diff({ providers: [{ name: 'openai', kind: 'openai' }, local] }), { ...none, reconfigure: true, providers: true }, 'a new provider: its key is read');
  assert.deepEqual(diff({ providers: [{ name: 'openai', kind: 'openai' }] }), none, 'the default written out');
  assert.deepEqual(diff({ injectEnvironment: false }), { ...none, environment: true });
  assert.deepEqual(diff({ logLevel: 'debug' }), { ...none, logLevel: true });
  assert.deepEqual(diff({ autoStart: false }), none);
  assert.deepEqual(diff({ ...DEFAULT_LIMITS }), none, 'the defaults written out change nothing');
});

test('claudeProxy.dashboard.keepBodies: off by default, a boolean; claudeProxy.prices never stops the proxy (the dashboard checks it)', () => {
  const base = read({});
  assert.ok(base.ok && base.settings.keepBodies === false);
  const on = read({ 'dashboard.keepBodies': true });
  assert.ok(on.ok && on.settings.keepBodies === true);
  const wrong = read({ 'dashboard.keepBodies': 'yes' });
  assert.ok(!wrong.ok);
  assert.match(wrong.problems[0], /^claudeProxy\.dashboard\.keepBodies: /);
  const prices = read({ prices: { 'gpt-5': { input: -1 } } });
  assert.ok(prices.ok, 'an invalid price table is reported by the dashboard, not by the proxy settings');
  assert.deepEqual(properties['claudeProxy.prices'].default, {});
  const diff = settingsDiff(base.settings, (on as { settings: typeof base.settings }).settings);
  assert.deepEqual(diff, { restart: false, reconfigure: false, limits: false, environment: false, logLevel: false, providers: false }, 'keepBodies needs no restart');
});

test('claudeProxy.upstreamTransport: auto by default (the proxy chooses by host), fetch or node-http on request, anything else named', () => {
  const defaults = read({});
  assert.ok(defaults.ok);
  assert.equal(defaults.settings.upstreamTransport, 'auto');
  assert.equal(transportOf(defaults.settings), undefined, 'auto leaves the choice to the proxy');
  for (const transport of ['fetch', 'node-http'] as const) {
    const chosen = read({ upstreamTransport: transport });
    assert.ok(chosen.ok);
    assert.equal(transportOf(chosen.settings), transport);
  }
  const wrong = read({ upstreamTransport: 'curl' });
  assert.ok(!wrong.ok && /claudeProxy\.upstreamTransport: /.test(wrong.problems.join()), JSON.stringify(wrong));
  assert.deepEqual((properties['claudeProxy.upstreamTransport'] as { enum?: string[] }).enum, ['auto', 'fetch', 'node-http']);
});

test('webSearchRoute: unset, the default table\'s claude-sonnet-4-5 where the table has it and it can search; a name is checked like defaultRoute', () => {
  const defaults = read({});
  assert.ok(defaults.ok);
  assert.equal(defaults.settings.routeTable.webSearchRoute, 'claude-sonnet-4-5');
  const own = read({ routes: [{ name: 'a', model: 'gpt-5', api: 'responses' }] });
  assert.ok(own.ok, 'a table of one\'s own without that route is valid');
  assert.equal(own.settings.routeTable.webSearchRoute, undefined);
  const kept = read({ routes: [{ name: 'claude-sonnet-4-5', model: 'gpt-5', api: 'responses' }] });
  assert.ok(kept.ok && kept.settings.routeTable.webSearchRoute === 'claude-sonnet-4-5');
  const onChat = read({ routes: [{ name: 'claude-sonnet-4-5', model: 'gpt-5', api: 'chat' }] });
  assert.ok(onChat.ok && onChat.settings.routeTable.webSearchRoute === undefined, 'a default that cannot search is none, not an error');
  const named = read({ routes: [{ name: 'a', model: 'gpt-5', api: 'responses' }], webSearchRoute: 'a' });
  assert.ok(named.ok && named.settings.routeTable.webSearchRoute === 'a');
  const chat = read({ routes: [{ name: 'a', model: 'gpt-5', api: 'chat' }], webSearchRoute: 'a' });
  assert.ok(!chat.ok && /claudeProxy\.webSearchRoute: route "a" cannot search the web/.test(chat.problems.join()));
  const missing = read({ webSearchRoute: 'nope' });
  assert.ok(!missing.ok && /claudeProxy\.webSearchRoute: no route is named "nope"/.test(missing.problems.join()));
});

// ---- providers ---------------------------------------------------------------------------------

const LOCAL = { name: 'local', kind: 'compatible', baseURL: 'http://127.0.0.1:8080/v1' };

test('claudeProxy.providers unset: one OpenAI provider at claudeProxy.openaiBaseUrl, every route on it, as before providers', () => {
  const result = read({});
  assert.ok(result.ok);
  assert.deepEqual(result.settings.routeTable.providers, [{ name: 'openai', kind: 'openai', apis: ['chat', 'responses'], headers: {} }]);
  assert.ok(result.settings.routeTable.routes.every((route) => route.provider === undefined), 'routes name no provider: the first one');
  assert.deepEqual(properties['claudeProxy.providers'].default, [{ name: 'openai', kind: 'openai' }]);
  assert.equal(properties['claudeProxy.providers'].scope, 'application', 'a workspace cannot send the keys to a server of its choosing');
});

test('claudeProxy.providers reach the route table, and a route names its provider', () => {
  const result = read({
    providers: [{ name: 'openai', kind: 'openai' }, LOCAL],
    routes: [{ name: 'claude-haiku-4-5', model: 'qwen3', provider: 'local' }, { name: 'claude-sonnet-4-5', model: 'gpt-5-codex', api: 'responses', fallbacks: ['claude-haiku-4-5'] }],
  });
  assert.ok(result.ok, JSON.stringify(result));
  assert.deepEqual(result.settings.routeTable.providers.map((provider) => [provider.name, provider.kind, provider.baseURL]),
    [['openai', 'openai', undefined], ['local', 'compatible', 'http://127.0.0.1:8080/v1']]);
  assert.equal(result.settings.routeTable.routes[0].provider, 'local');
  assert.equal(result.settings.routeTable.webSearchRoute, 'claude-sonnet-4-5', 'the big route is on openai: it searches');
});

test('provider problems name the field in claudeProxy.providers or claudeProxy.routes', () => {
  const problems = (values: Partial<Record<SettingKey, unknown>>) => {
    const result = read(values);
    assert.ok(!result.ok, `refused: ${JSON.stringify(values)}`);
    return result.problems.join('\n');
  };
  assert.match(problems({ providers: [{ name: 'azure', kind: 'azure' }] }), /claudeProxy\.providers\[0\]\.baseURL: /);
  assert.match(problems({ providers: [{ name: 'x', kind: 'anthropic', baseURL: 'http://h/v1' }] }), /claudeProxy\.providers\[0\]\.kind: /);
  assert.match(problems({ providers: [LOCAL, LOCAL] }), /claudeProxy\.providers\[1\]\.name: another provider is already named "local"/);
  assert.match(problems({ providers: [{ ...LOCAL, headers: { Authorization: 'Bearer sk-x' } }] }), /claudeProxy\.providers\[0\]\.headers\.Authorization: .*secret/);
  assert.match(problems({ routes: [{ name: 'a', model: 'm', provider: 'nope' }] }), /claudeProxy\.routes\[0\]\.provider: no provider is named "nope"/);
  assert.match(problems({ providers: [{ ...LOCAL, apis: ['chat'] }], routes: [{ name: 'a', model: 'm', api: 'responses' }] }), /claudeProxy\.routes\[0\]\.api: provider "local" does not offer the Responses API/);
  assert.match(problems({ providers: [] }), /claudeProxy\.providers: /);
});

test('web search: the default search route counts only on a provider that hosts it; one named on a local provider is refused', () => {
  const local = read({ providers: [LOCAL], routes: [{ name: 'claude-sonnet-4-5', model: 'gpt-5', api: 'responses' }] });
  assert.ok(local.ok, JSON.stringify(local));
  assert.equal(local.settings.routeTable.webSearchRoute, undefined, 'a route on a compatible server cannot search: none, not an error');
  const named = read({ providers: [LOCAL], routes: [{ name: 'a', model: 'gpt-5', api: 'responses' }], webSearchRoute: 'a' });
  assert.ok(!named.ok && /claudeProxy\.webSearchRoute: route "a" is on provider "local"/.test(named.problems.join()), JSON.stringify(named));
});

test('a provider\'s keyEnv (the headless proxy\'s) is left out in VS Code, and a note says so', () => {
  const result = read({ providers: [{ ...LOCAL, keyEnv: 'LOCAL_KEY' }] });
  assert.ok(result.ok, JSON.stringify(result));
  assert.equal('keyEnv' in result.settings.routeTable.providers[0], false);
  assert.deepEqual(result.notes, ['claudeProxy.providers[0].keyEnv is ignored in VS Code: keys are kept in SecretStorage ("Claude Proxy: Set Provider API Key")']);
  assert.deepEqual(read({}).ok && (read({}) as { notes: string[] }).notes, []);
  const item = (properties['claudeProxy.providers'] as unknown as { items: { properties: Record<string, unknown>; additionalProperties: boolean } }).items;
  assert.equal(item.additionalProperties, false);
  assert.ok(!('keyEnv' in item.properties), 'the settings editor does not offer it');
});

test('package.json declares every provider field the schema takes, keyEnv aside', () => {
  const item = (properties['claudeProxy.providers'] as unknown as { items: { properties: Record<string, unknown> } }).items;
  assert.deepEqual(Object.keys(item.properties).sort(), Object.keys(providerSchema.shape).filter((key) => key !== 'keyEnv').sort());
});
