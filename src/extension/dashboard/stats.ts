// What the dashboard's summary cards and charts show, computed in the extension host from the
// usage entries (with src/usage/summary.ts) and posted to the webview as one small object. No
// `vscode` import: unit-tested.
import { latencyHistogram, summarize, today, tokensOverTime, type ProviderTotals, type UsageSummary } from '../../usage/summary';
import type { UsageEntry } from '../../usage/usage-entry';

export const ranges = ['session', 'today', 'all'] as const;
export type Range = (typeof ranges)[number];

/** Whether an entry was made by this window's session (its id starts with `${session}.`). */
export function inSession(entry: UsageEntry, session: string): boolean {
  return entry.id.startsWith(`${session}.`);
}

export function entriesIn(entries: readonly UsageEntry[], range: Range, session: string, now: number): UsageEntry[] {
  if (range === 'today') return today(entries, now);
  if (range === 'session') return entries.filter((entry) => inSession(entry, session));
  return [...entries];
}

/** The summary cards' figures: the usage summary without its per-model and per-provider breakdowns. */
export type Totals = Omit<UsageSummary, 'perModel' | 'perProvider'>;

export interface DashboardStats {
  range: Range;
  /** When the stats were computed, ms since the epoch. */
  now: number;
  totals: Totals;
  /** Totals of this window's session and of today, whatever the range. */
  session: Totals;
  today: Totals;
  /** Latency percentiles over the range, ms; null without requests. */
  latency: { ttftP50: number | null; ttftP90: number | null; totalP50: number | null; totalP90: number | null };
  /** Tokens (input + output) per OpenAI model over time: equal slices of the range's span. */
  tokensOverTime: { models: string[]; bucketMs: number; buckets: { start: number; tokens: Record<string, number> }[] };
  /** Estimated cost per OpenAI model in this session and today, most expensive first. */
  costPerModel: { model: string; session: number; today: number }[];
  /** Hosted web searches per OpenAI model over the range, most first; models without any left out. */
  searchesPerModel: { model: string; searches: number }[];
  /** Cache-hit rate per OpenAI model over the range. */
  cachePerModel: { model: string; inputTokens: number; cachedTokens: number; rate: number }[];
  /** Requests per total-time range. */
  latencyHistogram: { label: string; count: number }[];
  /** Usage per provider over the range (the provider that served each request), most requests first. */
  perProvider: ProviderTotals[];
}

export function totalsOf(entries: readonly UsageEntry[]): Totals {
  const { perModel: _perModel, perProvider: _perProvider, ...totals } = summarize(entries);
  return totals;
}

export function dashboardStats(entries: readonly UsageEntry[], options: { range: Range; session: string; now?: number; buckets?: number }): DashboardStats {
  const now = options.now ?? Date.now();
  const selected = entriesIn(entries, options.range, options.session, now);
  const sessionEntries = entriesIn(entries, 'session', options.session, now);
  const todayEntries = today(entries, now);
  const { perModel, perProvider, ...totals } = summarize(selected);
  const firstTokenTimes = selected.map((entry) => entry.firstTokenMs).filter((ms): ms is number => typeof ms === 'number');
  const totalTimes = selected.map((entry) => entry.durationMs);

  const buckets = tokensOverTime(selected, options.buckets ?? 24);
  const models = [...new Set(selected.map((entry) => entry.openaiModel))].filter((model) => model !== '');
  const costs = new Map<string, { model: string; session: number; today: number }>();
  const cost = (model: string) => costs.get(model) ?? costs.set(model, { model, session: 0, today: 0 }).get(model)!;
  for (const entry of sessionEntries) if (entry.openaiModel) cost(entry.openaiModel).session += entry.costUsd ?? 0;
  for (const entry of todayEntries) if (entry.openaiModel) cost(entry.openaiModel).today += entry.costUsd ?? 0;

  return {
    range: options.range,
    now,
    totals,
    session: totalsOf(sessionEntries),
    today: totalsOf(todayEntries),
    latency: {
      ttftP50: percentile(firstTokenTimes, 0.5),
      ttftP90: percentile(firstTokenTimes, 0.9),
      totalP50: percentile(totalTimes, 0.5),
      totalP90: percentile(totalTimes, 0.9),
    },
    tokensOverTime: {
      models,
      bucketMs: buckets.length > 1 ? buckets[1].start - buckets[0].start : 0,
      buckets,
    },
    costPerModel: [...costs.values()].sort((a, b) => b.today - a.today || b.session - a.session || a.model.localeCompare(b.model)),
    searchesPerModel: perModel
      .filter((model) => model.webSearches > 0)
      .map((model) => ({ model: model.model, searches: model.webSearches }))
      .sort((a, b) => b.searches - a.searches || a.model.localeCompare(b.model)),
    cachePerModel: perModel
      .filter((model) => model.model !== '')
      .map((model) => ({ model: model.model, inputTokens: model.inputTokens, cachedTokens: model.cachedTokens, rate: model.inputTokens > 0 ? model.cachedTokens / model.inputTokens : 0 })),
    latencyHistogram: latencyHistogram(selected),
    perProvider,
  };
}

/** The nearest-rank percentile (0 < p <= 1), or null for no values. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}
