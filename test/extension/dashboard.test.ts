// The dashboard's vscode-free parts: redaction of bodies, the webview message protocol, the stats
// behind the charts, claudeProxy.prices, the usage service (history, bodies, prices, export), the
// status-bar line, the webview's own format helpers, and the webview assets' ground rules.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { todayLine } from '../../src/extension/dashboard/format';
import { readPrices } from '../../src/extension/dashboard/prices-setting';
import { latestRows, noBodiesNote, parseWebviewMessage, rowOf } from '../../src/extension/dashboard/protocol';
import { redactExchange, redactText, redactValue, REDACTED } from '../../src/extension/dashboard/redact';
import { dashboardStats, percentile, totalsOf } from '../../src/extension/dashboard/stats';
import { UsageService, type UsageChange } from '../../src/extension/dashboard/usage-service';
import type { RequestRecord } from '../../src/proxy/server/context';
import { defaultPrices } from '../../src/usage/prices';
import type { UsageEntry } from '../../src/usage/usage-entry';

const ROOT = join(__dirname, '..', '..');
const OPENAI_KEY = 'sk-proj-Abc123def456GHI789jkl012MNO345pqr';
const PROXY_TOKEN = 'cop-Q2xhdWRlUHJveHlUb2tlbjEyMzQ1Njc4OTA';
const secrets = [OPENAI_KEY, PROXY_TOKEN];

function entry(overrides: Partial<UsageEntry> = {}): UsageEntry {
  return {
    id: 'sess.1-1', time: Date.now(), claudeModel: 'claude-opus-4-8', openaiModel: 'gpt-5-codex', api: 'responses', route: 'claude-sonnet-4-5',
    stream: true, status: 200, outcome: 'ok', firstTokenMs: 300, durationMs: 900,
    inputTokens: 1000, cachedTokens: 800, outputTokens: 100, reasoningTokens: 40, costUsd: 0.00135, ...overrides,
  };
}

let nextId = 1;
function record(overrides: Partial<RequestRecord> = {}): RequestRecord {
  return {
    id: nextId++, method: 'POST', path: '/v1/messages', startedAt: Date.now(), claudeModel: 'claude-haiku-4-5', openaiModel: 'gpt-5-mini', api: 'chat',
    routeName: 'claude-haiku-4-5', stream: true, status: 200, durationMs: 120, firstTokenMs: 80, outcome: undefined,
    usage: { input: 2000, cached: 1500, cacheWrite: 0, output: 300, reasoning: 100 }, ...overrides,
  };
}

function exchangeWithSecrets() {
  return {
    request: {
      model: 'claude-haiku-4-5',
      messages: [
        { role: 'user', content: [{ type: 'text', text: `my key is ${OPENAI_KEY} and the proxy token ${PROXY_TOKEN}` }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: `export OPENAI_API_KEY=${OPENAI_KEY}\nAuthorization: Bearer ${PROXY_TOKEN}` }] },
      ],
      metadata: { api_key: 'some-other-credential-value', user_id: 'u1' },
      tools: [{ name: 'login', input_schema: { type: 'object', properties: { password: { type: 'string' } } } }],
    },
    upstreamRequest: { model: 'gpt-5-mini', input: [{ role: 'user', content: `masked sk-proj-****${OPENAI_KEY.slice(-4)} end` }], [OPENAI_KEY]: 'as a key' },
    response: { content: [{ type: 'text', text: `Echo: ${PROXY_TOKEN.slice(0, 30)}` }], image: 'A'.repeat(70_000) },
  };
}

// ---- redaction ---------------------------------------------------------------------------------

test('redaction: the OpenAI key and the proxy token never survive, whole, masked, as bearer or in a field name', () => {
  const redacted = redactExchange(exchangeWithSecrets(), secrets);
  const all = `${redacted.request}\n${redacted.upstreamRequest}\n${redacted.response}`;
  for (const secret of secrets) {
    assert.ok(!all.includes(secret), 'a secret reached the text for the webview');
    assert.ok(!all.includes(secret.slice(4, 24)), 'a long part of a secret reached the text for the webview');
  }
  assert.ok(!all.includes('some-other-credential-value'), 'a credential field kept its value');
  assert.match(redacted.upstreamRequest, /"masked \[redacted\] end"/, 'the masked key is redacted');
  assert.match(redacted.upstreamRequest, /"\[redacted\]": "as a key"/, 'a key used as a field name is redacted');
  assert.match(redacted.request, /my key is \[redacted\] and the proxy token \[redacted\]/);
  assert.match(redacted.request, /Authorization: Bearer \[redacted\]/);
  // A tool schema's "password" property is a schema, not a credential: it stays.
  assert.deepEqual(JSON.parse(redacted.request).tools[0].input_schema.properties.password, { type: 'string' });
  assert.equal(JSON.parse(redacted.request).metadata.user_id, 'u1');
  // Long strings are cut for display, with a note.
  assert.ok(redacted.response.includes(`… [${70_000 - 64 * 1024} more characters not shown]`), 'the long string is cut with a note');
  assert.ok(redacted.response.length < 66_000);
  // Each part is valid, pretty JSON.
  for (const part of Object.values(redacted)) assert.doesNotThrow(() => JSON.parse(part));
  assert.match(redacted.request, /\n {2}"model": "claude-haiku-4-5"/);
});

test('redaction: credential-shaped text goes even when the secret is not known (another key, a rotated token)', () => {
  assert.equal(redactText('a sk-ant-api03-abcdefghijklmnopqrstuv b', []), `a ${REDACTED} b`);
  assert.equal(redactText('old cop-abcdefghijklmnopqrstuvwxyz0123 token', []), `old ${REDACTED} token`);
  assert.equal(redactText('task-abcdefghijklmnopqrstuvwx is no key', []), 'task-abcdefghijklmnopqrstuvwx is no key');
  assert.equal(redactText('Bearer tokens are fine to talk about', []), 'Bearer tokens are fine to talk about');
  assert.equal(redactText('short sk-1 stays', []), 'short sk-1 stays');
  const cyclic: Record<string, unknown> = { a: 1 };
  cyclic.self = cyclic;
  assert.deepEqual(redactValue(cyclic, []), { a: 1, self: '[circular]' });
  assert.deepEqual(redactValue({ f: () => 1, n: null, list: [undefined, 2] }, []), { n: null, list: [null, 2] });
});

// ---- protocol ----------------------------------------------------------------------------------

test('protocol: only known webview messages pass, with their fields checked', () => {
  assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { type: 'ready' });
  assert.deepEqual(parseWebviewMessage({ type: 'range', range: 'today' }), { type: 'range', range: 'today' });
  assert.equal(parseWebviewMessage({ type: 'range', range: 'forever' }), undefined);
  assert.deepEqual(parseWebviewMessage({ type: 'select', id: 'abc.1-2' }), { type: 'select', id: 'abc.1-2' });
  assert.equal(parseWebviewMessage({ type: 'select', id: 7 }), undefined);
  assert.equal(parseWebviewMessage({ type: 'select', id: 'x'.repeat(201) }), undefined);
  assert.deepEqual(parseWebviewMessage({ type: 'command', command: 'exportCsv', id: 'ignored' }), { type: 'command', command: 'exportCsv' });
  assert.deepEqual(parseWebviewMessage({ type: 'command', command: 'openBodies', id: 'a' }), { type: 'command', command: 'openBodies', id: 'a' });
  assert.equal(parseWebviewMessage({ type: 'command', command: 'openBodies' }), undefined);
  assert.equal(parseWebviewMessage({ type: 'command', command: 'rm -rf' }), undefined);
  for (const junk of [null, undefined, 'ready', 42, [], { type: 'eval' }]) assert.equal(parseWebviewMessage(junk), undefined);
});

test('protocol: the newest rows, oldest first, with whether bodies are kept; why a row has none', () => {
  const entries = Array.from({ length: 600 }, (_, index) => entry({ id: `s.1-${index}` }));
  const rows = latestRows(entries, (id) => id === 's.1-599');
  assert.equal(rows.length, 500);
  assert.equal(rows[0].id, 's.1-100');
  assert.equal(rows.at(-1)!.id, 's.1-599');
  assert.equal(rows.at(-1)!.hasBody, true);
  assert.equal(rows[0].hasBody, false);
  assert.equal(rowOf(entry({ provider: 'local' }), false).provider, 'local');
  assert.equal(rowOf(entry(), false).provider, 'openai', 'a row from before providers names the one upstream');
  const settings = { keepBodies: false, maxBodies: 20 };
  assert.match(noBodiesNote(settings, rowOf(entry({ id: 's.1-1' }), false), 's'), /claudeProxy\.dashboard\.keepBodies/);
  assert.match(noBodiesNote({ ...settings, keepBodies: true }, rowOf(entry({ id: 'other.1-1' }), false), 's'), /this VS Code session/);
  assert.match(noBodiesNote({ ...settings, keepBodies: true }, rowOf(entry({ id: 's.1-1', status: 429 }), false), 's'), /failed/);
  assert.match(noBodiesNote({ ...settings, keepBodies: true }, rowOf(entry({ id: 's.1-1' }), false), 's'), /last 20 requests/);
  assert.match(noBodiesNote(settings, undefined, 's'), /no longer in the history/);
});

// ---- stats -------------------------------------------------------------------------------------

test('stats: totals per range, cost per model for the session and the day, cache rates, latency, usage per provider', () => {
  const now = new Date(2025, 5, 15, 12, 0, 0).getTime();
  const yesterday = now - 24 * 3600 * 1000;
  const entries = [
    entry({ id: 'old.1-1', time: yesterday, openaiModel: 'gpt-5-codex', costUsd: 1, inputTokens: 100, cachedTokens: 0, durationMs: 100 }),
    entry({ id: 'old.1-2', time: now - 3600_000, openaiModel: 'gpt-5-mini', costUsd: 0.5, inputTokens: 100, cachedTokens: 50, durationMs: 400, firstTokenMs: 100 }),
    entry({ id: 'me.1-1', time: now - 60_000, openaiModel: 'gpt-5-codex', costUsd: 0.25, inputTokens: 1000, cachedTokens: 900, durationMs: 1500, firstTokenMs: 200 }),
    entry({ id: 'me.2-1', time: now - 30_000, openaiModel: 'llama3', provider: 'local', costUsd: null, inputTokens: 10, cachedTokens: 0, durationMs: 70_000, firstTokenMs: null, status: 500, outcome: 'api_error' }),
  ];
  const session = dashboardStats(entries, { range: 'session', session: 'me', now });
  assert.equal(session.totals.requests, 2);
  assert.equal(session.totals.errors, 1);
  assert.equal(session.totals.unpriced, 1);
  assert.equal(session.totals.costUsd, 0.25);
  assert.equal(session.today.requests, 3);
  assert.equal(session.today.costUsd, 0.75);
  assert.deepEqual(session.costPerModel.map((row) => [row.model, row.session, row.today]),
    [['gpt-5-mini', 0, 0.5], ['gpt-5-codex', 0.25, 0.25], ['llama3', 0, 0]]);
  assert.deepEqual(session.tokensOverTime.models, ['gpt-5-codex', 'llama3']);
  assert.equal(session.tokensOverTime.buckets.length, 24);
  assert.equal(session.latency.ttftP50, 200);
  assert.equal(session.latency.totalP90, 70_000);
  assert.equal(session.latencyHistogram.at(-1)!.count, 1, 'the 70 s request is in the last bin');
  assert.deepEqual(session.perProvider.map((row) => [row.provider, row.requests, row.errors, row.models]), [['openai', 1, 0, ['gpt-5-codex']], ['local', 1, 1, ['llama3']]], 'as many requests: the costlier first');
  const all = dashboardStats(entries, { range: 'all', session: 'me', now });
  assert.equal(all.totals.requests, 4);
  assert.deepEqual(all.perProvider.map((row) => [row.provider, row.requests, row.costUsd]), [['openai', 3, 1.75], ['local', 1, 0]], 'the range decides what each provider counts');
  assert.equal(all.cachePerModel.find((row) => row.model === 'gpt-5-codex')!.rate, 900 / 1100);
  const today = dashboardStats(entries, { range: 'today', session: 'me', now });
  assert.equal(today.totals.requests, 3);
  assert.equal(today.totals.cacheHitRate, 950 / 1110);
  const none = dashboardStats([], { range: 'session', session: 'me', now });
  assert.equal(none.totals.requests, 0);
  assert.deepEqual(none.tokensOverTime.buckets, []);
  assert.equal(none.latency.ttftP50, null);
  assert.equal(percentile([5, 1, 3, 2, 4], 0.5), 3);
  assert.equal(percentile([5, 1, 3, 2, 4], 0.9), 5);
  assert.equal(totalsOf([]).cacheHitRate, 0);
});

test('stats: web searches per model over the range, models without any left out', () => {
  const now = Date.now();
  const stats = dashboardStats([
    entry({ id: 'me.1-1', time: now - 2000, openaiModel: 'gpt-5-codex', webSearches: 2 }),
    entry({ id: 'me.1-2', time: now - 1000, openaiModel: 'gpt-5-codex', webSearches: 1 }),
    entry({ id: 'me.1-3', time: now, openaiModel: 'gpt-5-mini' }),
  ], { range: 'session', session: 'me', now });
  assert.equal(stats.totals.webSearches, 3);
  assert.deepEqual(stats.searchesPerModel, [{ model: 'gpt-5-codex', searches: 3 }]);
});

// ---- prices ------------------------------------------------------------------------------------

test('claudeProxy.prices: user entries merge over the defaults; problems name the setting path', () => {
  const unset = readPrices(undefined);
  assert.ok(unset.ok);
  assert.deepEqual(unset.prices, defaultPrices);
  const merged = readPrices({ 'GPT-5-Codex': { input: 2, cachedInput: 0.2, output: 20 }, 'llama3.1': { input: 0, cachedInput: 0, output: 0 } });
  assert.ok(merged.ok);
  assert.deepEqual(merged.prices['gpt-5-codex'], { input: 2, cachedInput: 0.2, output: 20 });
  assert.deepEqual(merged.prices['llama3.1'], { input: 0, cachedInput: 0, output: 0 });
  assert.deepEqual(merged.prices['gpt-5-mini'], defaultPrices['gpt-5-mini']);
  const negative = readPrices({ 'gpt-5': { input: -1, cachedInput: 0, output: 1 } });
  assert.ok(!negative.ok);
  assert.match(negative.problems.join('\n'), /^claudeProxy\.prices\.gpt-5\.input: /m);
  const missing = readPrices({ 'gpt-5': { input: 1, output: 1 } });
  assert.ok(!missing.ok && /claudeProxy\.prices\.gpt-5\.cachedInput/.test(missing.problems.join()));
  const extra = readPrices({ 'gpt-5': { input: 1, cachedInput: 0, output: 1, reasoning: 3 } });
  assert.ok(!extra.ok && /claudeProxy\.prices\.gpt-5/.test(extra.problems.join()));
  const wrongType = readPrices('cheap');
  assert.ok(!wrongType.ok && /^claudeProxy\.prices: /.test(wrongType.problems[0]));
  assert.ok(!readPrices({ 'gpt-5': { input: '1', cachedInput: 0, output: 1 } }).ok);
});

// ---- usage service -----------------------------------------------------------------------------

test('usage service: entries from records, unique ids per proxy start, history survives a new service', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'usage-service-'));
  try {
    const usage = new UsageService({ folder, secrets: () => secrets });
    const changes: UsageChange['kind'][] = [];
    usage.onDidChange((change) => changes.push(change.kind));
    await usage.load();
    const first = usage.recorder();
    first(record({ id: 1 }));
    first(record({ id: 2, path: '/v1/messages/count_tokens' }));
    const second = usage.recorder();
    second(record({ id: 1, openaiModel: 'gpt-5-codex', api: 'responses' }));
    await usage.flushed();
    const ids = usage.entries().map((item) => item.id);
    assert.equal(ids.length, 2, 'count_tokens makes no entry');
    assert.equal(new Set(ids).size, 2, 'ids stay unique across proxy starts');
    assert.ok(ids.every((id) => id.startsWith(`${usage.session}.`)));
    assert.deepEqual(changes, ['reset', 'append', 'append']);
    // 500 uncached at 0.25, 1500 cached at 0.025, 300 out at 2 per million
    assert.equal(usage.entries()[0].costUsd!.toFixed(9), ((500 * 0.25 + 1500 * 0.025 + 300 * 2) / 1e6).toFixed(9));
    const today = usage.todayTotals();
    assert.equal(today.requests, 2);
    assert.equal(today.inputTokens, 4000);

    const restarted = new UsageService({ folder, secrets: () => secrets });
    await restarted.load();
    assert.deepEqual(restarted.entries().map((item) => item.id), ids);
    assert.notEqual(restarted.session, usage.session);
    assert.equal(dashboardStats(restarted.entries(), { range: 'session', session: restarted.session }).totals.requests, 0);
    assert.equal(dashboardStats(restarted.entries(), { range: 'all', session: restarted.session }).totals.requests, 2);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('usage service: a record before the history is loaded lands after the loaded entries', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'usage-service-'));
  try {
    const earlier = new UsageService({ folder, secrets: () => [] });
    earlier.record(record());
    await earlier.flushed();
    const usage = new UsageService({ folder, secrets: () => [] });
    const made = usage.record(record());
    assert.equal(usage.entries().length, 0);
    await usage.flushed();
    assert.equal(usage.entries().length, 2);
    assert.equal(usage.loaded, true);
    assert.equal(usage.entries()[1].id, made?.id, 'the new entry comes after the loaded one');
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('usage service: bodies only when allowed, redacted, only the last N, dropped when turned off', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'usage-service-'));
  try {
    const usage = new UsageService({ folder, secrets: () => secrets, maxBodies: 2 });
    const dropped: string[] = [];
    usage.onDidChange((change) => {
      if (change.kind === 'bodiesDropped') dropped.push(...change.ids);
    });
    const recordUsage = usage.recorder();
    recordUsage(record({ exchange: exchangeWithSecrets() }));
    await usage.flushed();
    const off = usage.entries()[0].id;
    assert.equal(usage.hasBodies(off), false, 'not kept while keepBodies is off');

    usage.setKeepBodies(true);
    for (let i = 0; i < 3; i++) recordUsage(record({ exchange: exchangeWithSecrets() }));
    await usage.flushed();
    const ids = usage.entries().map((item) => item.id);
    assert.deepEqual(ids.map((id) => usage.hasBodies(id)), [false, false, true, true]);
    assert.deepEqual(dropped, [ids[1]]);
    const bodies = usage.bodiesOf(ids[3])!;
    const text = JSON.stringify(bodies);
    for (const secret of secrets) assert.ok(!text.includes(secret));
    assert.match(bodies.request, /\[redacted\]/);
    // Bodies stay in memory: the history file holds none of them.
    const files = readdirSync(folder).map((name) => readFileSync(join(folder, name), 'utf8')).join('\n');
    assert.ok(!files.includes('my key is'), 'no body on disk');
    for (const secret of secrets) assert.ok(!files.includes(secret));

    usage.setKeepBodies(false);
    assert.equal(usage.hasBodies(ids[3]), false, 'turning it off drops what was kept');
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('usage service: new prices reprice the entries; clear empties memory and disk; export CSV and JSON', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'usage-service-'));
  try {
    const usage = new UsageService({ folder, secrets: () => [] });
    const recordUsage = usage.recorder();
    recordUsage(record());
    recordUsage(record({ openaiModel: 'llama3', usage: { input: 10, cached: 0, cacheWrite: 0, output: 5, reasoning: 0 } }));
    await usage.flushed();
    assert.equal(usage.entries()[1].costUsd, null, 'no price for llama3');
    const prices = readPrices({ llama3: { input: 1000, cachedInput: 0, output: 2000 } });
    assert.ok(prices.ok);
    usage.setPrices(prices.prices);
    assert.equal(usage.entries()[1].costUsd, (10 * 1000 + 5 * 2000) / 1e6);
    assert.equal(usage.todayTotals().unpriced, 0);

    const csv = await usage.exportText('csv');
    assert.equal(csv.count, 2);
    const lines = csv.text.trim().split('\n');
    assert.equal(lines[0], 'time,claudeModel,openaiModel,provider,api,route,stream,status,outcome,firstTokenMs,durationMs,inputTokens,cachedTokens,outputTokens,reasoningTokens,webSearches,costUsd');
    assert.equal(lines.length, 3);
    assert.match(lines[2], /,llama3,,chat,/, 'a record without a provider (none reached) has an empty cell');
    const json = JSON.parse((await usage.exportText('json')).text);
    assert.equal(json.length, 2);
    assert.equal(json[1].costUsd, 0.02);

    await usage.clear();
    assert.equal(usage.entries().length, 0);
    assert.equal(usage.todayTotals().requests, 0);
    assert.ok(!existsSync(join(folder, 'usage.jsonl')));
    const reloaded = new UsageService({ folder, secrets: () => [] });
    await reloaded.load();
    assert.equal(reloaded.entries().length, 0, 'cleared for good');
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('usage service: export reads the files (not only the entries memory holds); a failing write is told once; other windows\' entries show up', async () => {
  const parent = mkdtempSync(join(tmpdir(), 'usage-service-'));
  const folder = join(parent, 'storage');
  try {
    const usage = new UsageService({ folder, secrets: () => [], memoryLimit: 3 });
    const changes: UsageChange[] = [];
    usage.onDidChange((change) => changes.push(change));
    const recordUsage = usage.recorder();
    for (let i = 0; i < 5; i++) recordUsage(record());
    await usage.flushed();
    assert.equal(usage.entries().length, 3, 'memory holds the newest 3');
    const csv = await usage.exportText('csv');
    assert.equal(csv.count, 5, 'the export has all 5 on disk');
    assert.equal(JSON.parse((await usage.exportText('json')).text).length, 5);

    // Another window (another service on the same folder) writes: refresh() reads its entries, priced here.
    const other = new UsageService({ folder, secrets: () => [], prices: { 'gpt-5-mini': { input: 1000, cachedInput: 0, output: 0 } } });
    other.record(record());
    await other.flushed();
    assert.equal(await usage.refresh(), 1);
    const picked = usage.entries().at(-1)!;
    assert.ok(picked.id.startsWith(`${other.session}.`));
    assert.equal(picked.costUsd, usage.entries()[0].costUsd, 'priced with this window\'s prices');
    assert.equal(changes.filter((change) => change.kind === 'append').length, 6);

    rmSync(folder, { recursive: true });
    writeFileSync(folder, 'a file where the folder was');
    recordUsage(record());
    recordUsage(record());
    await usage.flushed();
    const told = changes.filter((change) => change.kind === 'historyStatus');
    assert.equal(told.length, 1, 'told once, not per request');
    assert.ok(told[0].kind === 'historyStatus' && /Could not write the usage history in .*storage: .*(ENOTDIR|not a directory)/.test(told[0].problem ?? ''), JSON.stringify(told[0]));
    assert.equal(usage.historyProblem, told[0].kind === 'historyStatus' ? told[0].problem : '');
    assert.equal(usage.entries().length, 3, 'new requests still reach memory (and the dashboard)');
    rmSync(folder);
    mkdirSync(folder);
    recordUsage(record());
    await usage.flushed();
    assert.deepEqual(changes.filter((change) => change.kind === 'historyStatus').at(-1), { kind: 'historyStatus', problem: undefined });
    assert.equal(usage.historyProblem, undefined);
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
});

// ---- status bar line ---------------------------------------------------------------------------

test('the status-bar tooltip line: today\'s requests, tokens, cache share and cost', () => {
  assert.equal(todayLine(totalsOf([])), 'Today: no requests yet');
  const line = todayLine(totalsOf([entry({ inputTokens: 48_200, cachedTokens: 41_000, outputTokens: 3100, costUsd: 0.0421 }), entry({ inputTokens: 0, cachedTokens: 0, outputTokens: 0, costUsd: null, openaiModel: 'llama3' })]));
  assert.equal(line, 'Today: 2 requests · 48k tokens in, 85% cached · 3.1k out · ≈ $0.0421 (1 without a price)');
});

// ---- the webview's own JavaScript --------------------------------------------------------------

const F = createRequire(__filename)(join(ROOT, 'media', 'dashboard', 'format.js'));

test('webview formats: integers, compact numbers, durations, dollars, percentages, times', () => {
  assert.equal(F.int(1234567), '1,234,567');
  assert.equal(F.int(null), '—');
  assert.deepEqual([950, 12_345, 4_200_000].map(F.compact), ['950', '12k', '4.20M']);
  assert.equal(F.compact(1234), '1.2k');
  assert.deepEqual([850, 1240, 12_500, 125_000, null].map(F.ms), ['850 ms', '1.24 s', '12.5 s', '2m 05s', '—']);
  assert.deepEqual([0, 0.00001, 0.0042, 0.5, 12.3, 1234.5, null].map(F.cost), ['$0.00', '<$0.0001', '$0.0042', '$0.5000', '$12.30', '$1,235', '—']);
  assert.deepEqual([0, 0.853, 1, 0.9999].map(F.percent), ['0%', '85.3%', '100%', '100%']);
  assert.deepEqual(['local', '', undefined].map(F.provider), ['local', '—', '—'], 'a request that reached no provider');
  const now = new Date(2025, 2, 3, 15, 0, 0).getTime();
  assert.equal(F.time(new Date(2025, 2, 3, 14, 3, 22).getTime(), now), '14:03:22');
  assert.equal(F.time(new Date(2025, 2, 1, 9, 5, 0).getTime(), now), 'Mar 1 09:05');
  assert.equal(F.axisTime(new Date(2025, 2, 3, 14, 3, 22).getTime(), 3600_000), '14:03');
  assert.equal(F.axisTime(new Date(2025, 2, 3, 14, 3, 22).getTime(), 2 * 86_400_000), 'Mar 3');
  assert.equal(F.modelPair('claude-opus-4-8', 'gpt-5-codex'), 'claude-opus-4-8 → gpt-5-codex');
});

test('webview charts: nice axis scales', () => {
  assert.deepEqual(F.niceScale(87, 4), { max: 100, step: 25, ticks: [0, 25, 50, 75, 100] });
  assert.deepEqual(F.niceScale(3, 3), { max: 3, step: 1, ticks: [0, 1, 2, 3] });
  assert.equal(F.niceScale(12_345, 4).max, 15_000);
  assert.equal(F.niceScale(0, 4).max, 1);
  assert.equal(F.niceScale(0.0042, 4).max, 0.006);
});

test('webview assets: no remote resources, no HTML from data, no inline handlers; shipped in the VSIX', () => {
  const folder = join(ROOT, 'media', 'dashboard');
  const files = readdirSync(folder);
  assert.deepEqual(files.sort(), ['charts.js', 'dashboard.css', 'dashboard.js', 'format.js']);
  for (const file of files) {
    const text = readFileSync(join(folder, file), 'utf8');
    assert.doesNotMatch(text, /https?:\/\/(?!www\.w3\.org\/2000\/svg)/, `${file} names a remote URL`);
    assert.doesNotMatch(text, /@import|url\(/, `${file} loads a resource from CSS`);
    assert.doesNotMatch(text, /innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/, `${file} builds HTML or code from strings`);
    assert.doesNotMatch(text, /\son[a-z]+=/, `${file} has an inline event handler`);
  }
  const panel = readFileSync(join(ROOT, 'src', 'extension', 'dashboard', 'dashboard-panel.ts'), 'utf8');
  assert.match(panel, /"default-src 'none'"/);
  assert.match(panel, /script-src 'nonce-\$\{nonce\}'/);
  assert.doesNotMatch(panel, /unsafe-inline|unsafe-eval/);
  assert.doesNotMatch(panel, /\sstyle="/, 'no inline style attribute in the HTML');
  assert.equal((panel.match(/<script /g) ?? []).length, (panel.match(/<script nonce="\$\{nonce\}" src=/g) ?? []).length, 'every script has the nonce');
  const ignore = readFileSync(join(ROOT, '.vscodeignore'), 'utf8');
  assert.match(ignore, /^!media\/dashboard\/\*\*$/m);
});
