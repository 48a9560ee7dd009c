// What the dashboard's charts and the status-bar tooltip show, computed from the entries.
import { DEFAULT_PROVIDER_NAME } from '../proxy';
import type { UsageEntry } from './usage-entry';

export interface ModelTotals {
  model: string;
  requests: number;
  inputTokens: number;
  cachedTokens: number;
  outputTokens: number;
  webSearches: number;
  costUsd: number;
}

export interface ProviderTotals {
  /** The provider's name; '' for requests that reached none (no route served the model). */
  provider: string;
  requests: number;
  errors: number;
  inputTokens: number;
  cachedTokens: number;
  outputTokens: number;
  webSearches: number;
  costUsd: number;
  /** The OpenAI models it served, most requests first. */
  models: string[];
}

export interface UsageSummary {
  requests: number;
  errors: number;
  inputTokens: number;
  cachedTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  webSearches: number;
  costUsd: number;
  /** Requests whose model has no price: their cost is unknown and left out of costUsd. */
  unpriced: number;
  /** Cached input tokens over all input tokens, 0..1. */
  cacheHitRate: number;
  perModel: ModelTotals[];
  perProvider: ProviderTotals[];
}

/** The provider of an entry. Entries from before providers had the one upstream, which is the
 *  default table's provider now. */
export function providerOf(entry: UsageEntry): string {
  return entry.provider ?? DEFAULT_PROVIDER_NAME;
}

export function summarize(entries: readonly UsageEntry[]): UsageSummary {
  const perModel = new Map<string, ModelTotals>();
  const perProvider = new Map<string, { totals: ProviderTotals; models: Map<string, number> }>();
  const summary: UsageSummary = { requests: 0, errors: 0, inputTokens: 0, cachedTokens: 0, outputTokens: 0, reasoningTokens: 0, webSearches: 0, costUsd: 0, unpriced: 0, cacheHitRate: 0, perModel: [], perProvider: [] };
  for (const entry of entries) {
    const failed = entry.status !== 200 || entry.outcome !== 'ok';
    summary.requests++;
    if (failed) summary.errors++;
    summary.inputTokens += entry.inputTokens;
    summary.cachedTokens += entry.cachedTokens;
    summary.outputTokens += entry.outputTokens;
    summary.reasoningTokens += entry.reasoningTokens;
    summary.webSearches += entry.webSearches ?? 0;
    summary.costUsd += entry.costUsd ?? 0;
    if (entry.costUsd === null && entry.openaiModel !== '') summary.unpriced++;
    const totals = perModel.get(entry.openaiModel) ?? { model: entry.openaiModel, requests: 0, inputTokens: 0, cachedTokens: 0, outputTokens: 0, webSearches: 0, costUsd: 0 };
    totals.requests++;
    totals.inputTokens += entry.inputTokens;
    totals.cachedTokens += entry.cachedTokens;
    totals.outputTokens += entry.outputTokens;
    totals.webSearches += entry.webSearches ?? 0;
    totals.costUsd += entry.costUsd ?? 0;
    perModel.set(entry.openaiModel, totals);
    const name = providerOf(entry);
    let group = perProvider.get(name);
    if (!group) perProvider.set(name, group = { totals: { provider: name, requests: 0, errors: 0, inputTokens: 0, cachedTokens: 0, outputTokens: 0, webSearches: 0, costUsd: 0, models: [] }, models: new Map() });
    const provider = group.totals;
    provider.requests++;
    if (failed) provider.errors++;
    provider.inputTokens += entry.inputTokens;
    provider.cachedTokens += entry.cachedTokens;
    provider.outputTokens += entry.outputTokens;
    provider.webSearches += entry.webSearches ?? 0;
    provider.costUsd += entry.costUsd ?? 0;
    if (entry.openaiModel) group.models.set(entry.openaiModel, (group.models.get(entry.openaiModel) ?? 0) + 1);
  }
  summary.cacheHitRate = summary.inputTokens > 0 ? summary.cachedTokens / summary.inputTokens : 0;
  summary.perModel = [...perModel.values()].sort((a, b) => b.costUsd - a.costUsd || b.requests - a.requests);
  summary.perProvider = [...perProvider.values()]
    .map(({ totals, models }) => ({ ...totals, models: [...models].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([model]) => model) }))
    .sort((a, b) => b.requests - a.requests || b.costUsd - a.costUsd || a.provider.localeCompare(b.provider));
  return summary;
}

/** Entries since local midnight of `now`. */
export function today(entries: readonly UsageEntry[], now = Date.now()): UsageEntry[] {
  const midnight = new Date(now);
  midnight.setHours(0, 0, 0, 0);
  return entries.filter((entry) => entry.time >= midnight.getTime());
}

export interface TimeBucket {
  start: number;
  /** Tokens (input + output) per OpenAI model in this bucket. */
  tokens: Record<string, number>;
}

/** Tokens over time per model, in `buckets` equal slices of the span the entries cover. */
export function tokensOverTime(entries: readonly UsageEntry[], buckets = 24): TimeBucket[] {
  if (entries.length === 0) return [];
  const first = entries[0].time;
  const last = entries[entries.length - 1].time;
  const width = Math.max(1000, Math.ceil((last - first + 1) / buckets));
  const result: TimeBucket[] = Array.from({ length: buckets }, (_, index) => ({ start: first + index * width, tokens: {} }));
  for (const entry of entries) {
    const bucket = result[Math.min(buckets - 1, Math.floor((entry.time - first) / width))];
    bucket.tokens[entry.openaiModel] = (bucket.tokens[entry.openaiModel] ?? 0) + entry.inputTokens + entry.outputTokens;
  }
  return result;
}

/** Counts of requests per total-latency range, for the latency histogram. */
export function latencyHistogram(entries: readonly UsageEntry[], edgesMs = [250, 500, 1000, 2000, 5000, 10000, 30000, 60000]): { label: string; count: number }[] {
  const counts = new Array<number>(edgesMs.length + 1).fill(0);
  for (const entry of entries) {
    const index = edgesMs.findIndex((edge) => entry.durationMs < edge);
    counts[index === -1 ? edgesMs.length : index]++;
  }
  return counts.map((count, index) => ({
    label: index === 0 ? `<${formatMs(edgesMs[0])}` : index === edgesMs.length ? `≥${formatMs(edgesMs[index - 1])}` : `${formatMs(edgesMs[index - 1])}–${formatMs(edgesMs[index])}`,
    count,
  }));
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${ms / 1000}s` : `${ms}ms`;
}
