// The claudeProxy.* settings: zod validation, messages naming the setting, package.json agreeing.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { defaultRouteTable } from '../../../src/proxy/route/table';
import { readSettings, settingKeys, settingsDiff, type SettingKey } from '../../../src/extension/settings';

const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8'));
const properties: Record<string, { default: unknown }> = manifest.contributes.configuration.properties;

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
    [['claude-sonnet-4-5', 'gpt-5-codex', 'responses'], ['claude-haiku-4-5', 'gpt-5-mini', 'chat']]);
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
    'Open Claude Code Terminal', 'Set OpenAI API Key', 'Rotate Proxy Token', 'Show Log',
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

test('settingsDiff: a port change restarts, routes and base URL re-route, the rest does neither', () => {
  const base = read({});
  assert.ok(base.ok);
  const diff = (values: Partial<Record<SettingKey, unknown>>) => {
    const next = read(values);
    assert.ok(next.ok);
    return settingsDiff(base.settings, next.settings);
  };
  assert.deepEqual(diff({ port: 4001 }), { restart: true, reconfigure: false, environment: false, logLevel: false });
  assert.deepEqual(diff({ openaiBaseUrl: 'http://localhost:1234/v1' }), { restart: false, reconfigure: true, environment: false, logLevel: false });
  assert.deepEqual(diff({ routes: [{ name: 'x', model: 'gpt-4.1' }] }), { restart: false, reconfigure: true, environment: false, logLevel: false });
  assert.deepEqual(diff({ injectEnvironment: false }), { restart: false, reconfigure: false, environment: true, logLevel: false });
  assert.deepEqual(diff({ logLevel: 'debug' }), { restart: false, reconfigure: false, environment: false, logLevel: true });
  assert.deepEqual(diff({ autoStart: false }), { restart: false, reconfigure: false, environment: false, logLevel: false });
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
  assert.deepEqual(diff, { restart: false, reconfigure: false, environment: false, logLevel: false }, 'keepBodies needs no restart');
});
