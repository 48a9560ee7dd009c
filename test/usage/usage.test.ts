import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { toCsv, toJson } from '../../src/usage/export';
import { costOf, defaultPrices, priceOf } from '../../src/usage/prices';
import { latencyHistogram, summarize, today, tokensOverTime } from '../../src/usage/summary';
import { usageEntryOf, type UsageEntry } from '../../src/usage/usage-entry';
import { UsageHistory } from '../../src/usage/usage-history';

function entry(overrides: Partial<UsageEntry> = {}): UsageEntry {
  return {
    id: 's-1', time: Date.now(), claudeModel: 'claude-opus-4-8', openaiModel: 'gpt-5-codex', api: 'responses', route: 'claude-sonnet-4-5',
    stream: true, status: 200, outcome: 'ok', firstTokenMs: 300, durationMs: 900,
    inputTokens: 1000, cachedTokens: 800, outputTokens: 100, reasoningTokens: 40, costUsd: 0.00135, ...overrides,
  };
}

test('prices: exact names, dated snapshots, unknown models', () => {
  assert.deepEqual(priceOf('gpt-5-mini', defaultPrices), { input: 0.25, cachedInput: 0.025, output: 2 });
  assert.deepEqual(priceOf('gpt-5-mini-2025-08-07', defaultPrices), defaultPrices['gpt-5-mini']);
  assert.equal(priceOf('llama3.1', defaultPrices), undefined);
  // 200 uncached at 1.25, 800 cached at 0.125, 100 out at 10 per million
  assert.equal(costOf({ inputTokens: 1000, cachedTokens: 800, outputTokens: 100 }, defaultPrices['gpt-5-codex'])!.toFixed(8), ((200 * 1.25 + 800 * 0.125 + 100 * 10) / 1e6).toFixed(8));
  assert.equal(costOf({ inputTokens: 1, cachedTokens: 0, outputTokens: 1 }, undefined), undefined);
});

test('a request record becomes an entry with its cost; other endpoints make none', () => {
  const record = {
    id: 7, method: 'POST', path: '/v1/messages', startedAt: 1000, claudeModel: 'claude-fast', openaiModel: 'gpt-5-mini', api: 'chat' as const,
    routeName: 'claude-haiku-4-5', provider: 'local', stream: false, status: 200, durationMs: 50, firstTokenMs: 40,
    usage: { input: 2000, cached: 1000, cacheWrite: 0, output: 500, reasoning: 200 },
  };
  const made = usageEntryOf(record, defaultPrices, 'sess')!;
  assert.equal(made.id, 'sess-7');
  assert.equal(made.provider, 'local', 'the provider that served it');
  assert.equal(made.reasoningTokens, 200);
  assert.equal(made.costUsd!.toFixed(9), ((1000 * 0.25 + 1000 * 0.025 + 500 * 2) / 1e6).toFixed(9));
  assert.equal(usageEntryOf({ ...record, path: '/v1/messages/count_tokens' }, defaultPrices, 's'), undefined);
});

test('web searches: each call at the price setting\'s webSearchPer1kCalls, else OpenAI\'s $10 per 1000; counted per model', () => {
  const tokens = { inputTokens: 1000, cachedTokens: 0, outputTokens: 0 };
  const tokenCost = costOf(tokens, defaultPrices['gpt-5-codex'])!;
  assert.equal((costOf({ ...tokens, webSearches: 3 }, defaultPrices['gpt-5-codex'])! - tokenCost).toFixed(6), '0.030000');
  assert.equal((costOf({ ...tokens, webSearches: 3 }, { ...defaultPrices['gpt-5-codex'], webSearchPer1kCalls: 25 })! - tokenCost).toFixed(6), '0.075000');
  const record = {
    id: 8, method: 'POST', path: '/v1/messages', startedAt: 1000, claudeModel: 'claude-opus-5-5', openaiModel: 'gpt-5-codex', api: 'responses' as const,
    status: 200, usage: { input: 1000, cached: 0, cacheWrite: 0, output: 0, reasoning: 0, webSearches: 2 },
  };
  const made = usageEntryOf(record, defaultPrices, 's')!;
  assert.equal(made.webSearches, 2);
  assert.equal((made.costUsd! - tokenCost).toFixed(6), '0.020000');
  const summary = summarize([made, entry(), entry({ openaiModel: 'gpt-5-mini' })]);
  assert.equal(summary.webSearches, 2, 'entries from before searches were counted count none');
  assert.deepEqual(summary.perModel.map((model) => [model.model, model.webSearches]), [['gpt-5-codex', 2], ['gpt-5-mini', 0]]);
});

test('summaries: totals, cache-hit rate, per model, today, tokens over time, latency histogram', () => {
  const now = Date.now();
  const entries = [
    entry({ time: now - 3 * 86_400_000, openaiModel: 'gpt-5-mini', costUsd: 0.01, durationMs: 100 }),
    entry({ time: now - 1000, costUsd: 0.02, durationMs: 1500 }),
    entry({ time: now, status: 429, outcome: 'rate_limit_error', inputTokens: 0, cachedTokens: 0, outputTokens: 0, costUsd: 0, durationMs: 70000 }),
  ];
  const summary = summarize(entries);
  assert.equal(summary.requests, 3);
  assert.equal(summary.errors, 1);
  assert.equal(summary.inputTokens, 2000);
  assert.equal(summary.cacheHitRate, 0.8);
  assert.equal(summary.costUsd.toFixed(2), '0.03');
  assert.deepEqual(summary.perModel.map((m) => m.model), ['gpt-5-codex', 'gpt-5-mini']);
  assert.equal(today(entries, now).length, 2);
  const buckets = tokensOverTime(entries, 4);
  assert.equal(buckets.length, 4);
  assert.equal(buckets[0].tokens['gpt-5-mini'], 1100);
  assert.equal(buckets[3].tokens['gpt-5-codex'], 1100);
  const histogram = latencyHistogram(entries);
  assert.equal(histogram.reduce((sum, bin) => sum + bin.count, 0), 3);
  assert.equal(histogram[0].count, 1);
  assert.equal(histogram.at(-1)!.count, 1);
});

test('usage per provider: requests, failures, tokens, cost and models of each; entries from before providers are "openai"', () => {
  const entries = [
    entry({ provider: 'local', openaiModel: 'llama3.1', costUsd: null, inputTokens: 300, cachedTokens: 0, outputTokens: 20 }),
    entry({ provider: 'local', openaiModel: 'qwen3', costUsd: null, status: 500, outcome: 'api_error' }),
    entry({ provider: 'local', openaiModel: 'qwen3', costUsd: null }),
    entry({ provider: 'openai', costUsd: 0.5 }),
    entry({ costUsd: 0.25 }),
    entry({ provider: '', openaiModel: '', status: 404, outcome: 'not_found_error', inputTokens: 0, cachedTokens: 0, outputTokens: 0, costUsd: null }),
  ];
  const groups = summarize(entries).perProvider;
  assert.deepEqual(groups.map((group) => [group.provider, group.requests, group.errors]), [['local', 3, 1], ['openai', 2, 0], ['', 1, 1]]);
  const [local, openai] = groups;
  assert.deepEqual(local.models, ['qwen3', 'llama3.1'], 'most requests first');
  assert.deepEqual([local.inputTokens, local.cachedTokens, local.outputTokens, local.costUsd], [2300, 1600, 220, 0]);
  assert.deepEqual(openai.models, ['gpt-5-codex']);
  assert.equal(openai.costUsd, 0.75, 'the entry without a provider field counts as "openai"');
  assert.equal(groups[2].models.length, 0);
});

test('the history survives a restart, skips torn lines, rotates under its size cap, and clears', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'usage-'));
  const history = new UsageHistory(folder, { maxBytes: 4000 });
  await history.load();
  for (let i = 0; i < 30; i++) await history.append(entry({ id: `e${i}`, time: 1000 + i }));
  const current = join(folder, 'usage.jsonl');
  const rotated = join(folder, 'usage.1.jsonl');
  assert.ok(statSync(current).size + statSync(rotated).size <= 4000, 'both files within the cap');
  appendFileSync(current, '{"torn":');

  const reloaded = new UsageHistory(folder, { maxBytes: 4000 });
  await reloaded.load();
  const ids = reloaded.entries().map((e) => e.id);
  assert.equal(ids.at(-1), 'e29', 'the newest entries are kept');
  assert.ok(ids.length > 5 && ids.length < 30, `older entries rotated away (${ids.length} kept)`);
  assert.deepEqual([...ids].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1))), ids, 'in order');

  const seen: string[] = [];
  reloaded.onDidAppend((e) => seen.push(e.id));
  await reloaded.append(entry({ id: 'live' }));
  assert.deepEqual(seen, ['live']);
  await reloaded.clear();
  assert.equal(reloaded.entries().length, 0);
  const fresh = new UsageHistory(folder);
  await fresh.load();
  assert.equal(fresh.entries().length, 0);
  writeFileSync(current, '');
});

test('two windows share one history: each reads what the other appended, and the files stay under the cap', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'usage-shared-'));
  const maxBytes = 6000;
  const sizes = () => ['usage.jsonl', 'usage.1.jsonl'].reduce((sum, name) => sum + (statSync(join(folder, name), { throwIfNoEntry: false })?.size ?? 0), 0);
  const one = new UsageHistory(folder, { maxBytes });
  const two = new UsageHistory(folder, { maxBytes });
  await one.load();
  await two.load();
  const fromOthers: string[] = [];
  two.onDidAppend((e, own) => own || fromOthers.push(e.id));

  await one.append(entry({ id: 'one-0' }));
  assert.deepEqual((await two.append(entry({ id: 'two-0' }))), { ok: true });
  assert.deepEqual(two.entries().map((e) => e.id), ['one-0', 'two-0'], 'the second window read the first one\'s entry before writing its own, in the file\'s order');
  assert.deepEqual(fromOthers, ['one-0']);
  assert.equal(await one.refresh(), 1, 'refresh() reads the tail the other window wrote');
  assert.deepEqual(one.entries().map((e) => e.id), ['one-0', 'two-0']);
  assert.equal(await one.refresh(), 0, 'nothing new, nothing read twice');

  // Taking turns, each window alone would count only its own bytes and let the files grow to twice the cap.
  for (let i = 1; i < 40; i++) {
    await one.append(entry({ id: `one-${i}` }));
    await two.append(entry({ id: `two-${i}` }));
    assert.ok(sizes() <= maxBytes, `both files within the cap after turn ${i}: ${sizes()} bytes`);
  }
  assert.ok(statSync(join(folder, 'usage.1.jsonl')).size > 0, 'it rotated');
  await one.refresh();
  const ids = (history: UsageHistory) => history.entries().map((e) => e.id);
  assert.equal(new Set(ids(one)).size, ids(one).length, 'no entry twice');
  assert.equal(new Set(ids(two)).size, ids(two).length, 'no entry twice');
  assert.deepEqual(new Set(ids(one)), new Set(ids(two)), 'both windows saw every entry');
  const onDisk = new UsageHistory(folder, { maxBytes });
  await onDisk.load();
  assert.deepEqual(ids(one).slice(-onDisk.entries().length), ids(onDisk), 'the first window holds the files\' entries, in their order');

  // The other window rotates the file this one was reading: the rest is read from the rotated file.
  rmSync(folder, { recursive: true });
  const reader = new UsageHistory(folder, { maxBytes: 3000 });
  const writer = new UsageHistory(folder, { maxBytes: 3000 });
  await reader.load();
  await writer.load();
  await reader.append(entry({ id: 'reader' }));
  for (let i = 0; i < 5; i++) await writer.append(entry({ id: `writer-${i}` }));
  assert.ok(statSync(join(folder, 'usage.1.jsonl')).size > 0, 'the writer rotated once');
  await reader.refresh();
  assert.deepEqual(ids(reader), ['reader', 'writer-0', 'writer-1', 'writer-2', 'writer-3', 'writer-4']);
  rmSync(folder, { recursive: true, force: true });
});

test('a failing history write is told once, with the error, until a write succeeds again', async () => {
  const parent = mkdtempSync(join(tmpdir(), 'usage-fail-'));
  const folder = join(parent, 'storage');
  const history = new UsageHistory(folder);
  await history.load();
  const told: (string | undefined)[] = [];
  history.onDidChangeWriteError((error) => told.push(error?.message));
  rmSync(folder, { recursive: true });
  writeFileSync(folder, 'not a folder');
  const first = await history.append(entry({ id: 'a' }));
  assert.equal(first.ok, false);
  assert.ok(!first.ok && /ENOTDIR|EEXIST|not a directory/i.test(first.error.message), first.ok ? '' : first.error.message);
  assert.equal((await history.append(entry({ id: 'b' }))).ok, false);
  assert.equal(told.length, 1, 'told once, not per request');
  assert.match(told[0]!, /ENOTDIR|not a directory/i);
  assert.ok(history.writeError);
  assert.deepEqual(history.entries().map((e) => e.id), ['a', 'b'], 'the entries stay in memory');
  rmSync(folder);
  mkdirSync(folder);
  assert.deepEqual(await history.append(entry({ id: 'c' })), { ok: true });
  assert.deepEqual(told, [told[0], undefined], 'told again when it works again');
  assert.equal(history.writeError, undefined);
  rmSync(parent, { recursive: true, force: true });
});

test('CSV export: cells that start like a formula are made plain text; numbers are left alone', () => {
  const csv = toCsv([entry({ claudeModel: '=HYPERLINK("http://x","y")', openaiModel: '+gpt', provider: '=cmd', api: '-chat', route: '@route', outcome: '\tok', costUsd: -0.5 })]);
  const row = csv.trim().split('\n')[1];
  assert.ok(row.includes(`"'=HYPERLINK(""http://x"",""y"")"`), row);
  assert.ok(row.includes(",'+gpt,'=cmd,'-chat,'@route,"), row);
  assert.ok(row.includes(",'\tok,"), row);
  assert.ok(row.endsWith(',-0.5'), 'a number stays a number');
  const cells = toCsv([entry()]).trim().split('\n')[1].split(',');
  assert.ok(cells.every((cell) => !cell.startsWith("'")), 'ordinary cells are untouched');
});

test('exports: CSV with a header and quoted cells, JSON that parses back', () => {
  const entries = [entry({ claudeModel: 'claude,"odd"' })];
  const csv = toCsv(entries);
  const [header, row] = csv.trim().split('\n');
  assert.ok(header.startsWith('time,claudeModel,openaiModel,provider,api,'));
  assert.equal(toCsv([entry({ provider: 'local' })]).split('\n')[1].split(',')[3], 'local');
  assert.equal(toCsv([entry()]).split('\n')[1].split(',')[3], 'openai', 'an entry from before providers was served by the one upstream, now "openai"');
  assert.ok(row.includes('"claude,""odd"""'));
  assert.match(row, /^\d{4}-\d\d-\d\dT/);
  assert.deepEqual(JSON.parse(toJson(entries)), entries);
  assert.equal(toCsv([]).trim(), header);
});
