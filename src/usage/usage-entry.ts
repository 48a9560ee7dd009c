// One request as the usage history keeps it: what the dashboard's table shows, per row.
import type { RequestRecord } from '../proxy';
import { costOf, priceOf, type PriceTable } from './prices';

export interface UsageEntry {
  id: string;
  /** When the request arrived, ms since the epoch. */
  time: number;
  claudeModel: string;
  openaiModel: string;
  api: string;
  route: string;
  /** The provider that served the request (or last tried it); '' when none was reached (no
   *  route). Absent in entries recorded before providers: the one upstream, now "openai". */
  provider?: string;
  stream: boolean;
  status: number;
  outcome: string;
  firstTokenMs: number | null;
  durationMs: number;
  /** Input tokens as OpenAI counts them, cached ones included. */
  inputTokens: number;
  cachedTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  /** Hosted web search calls (absent in entries recorded before they were counted). */
  webSearches?: number;
  /** Estimated, in US dollars; null when the model has no price. */
  costUsd: number | null;
}

/** Only model calls make usage entries: count_tokens, health and model lists cost nothing. */
export function usageEntryOf(record: RequestRecord, prices: PriceTable, session: string): UsageEntry | undefined {
  if (record.path !== '/v1/messages' || !record.claudeModel) return undefined;
  const usage = record.usage;
  const tokens = { inputTokens: usage?.input ?? 0, cachedTokens: usage?.cached ?? 0, outputTokens: usage?.output ?? 0, webSearches: usage?.webSearches ?? 0 };
  const cost = record.openaiModel ? costOf(tokens, priceOf(record.openaiModel, prices)) : undefined;
  return {
    id: `${session}-${record.id}`,
    time: record.startedAt,
    claudeModel: record.claudeModel,
    openaiModel: record.openaiModel ?? '',
    api: record.api ?? '',
    route: record.routeName ?? '',
    provider: record.provider ?? '',
    stream: record.stream ?? false,
    status: record.status ?? 0,
    outcome: record.outcome ?? (record.status === 200 ? 'ok' : 'error'),
    firstTokenMs: record.firstTokenMs ?? null,
    durationMs: record.durationMs ?? 0,
    ...tokens,
    reasoningTokens: usage?.reasoning ?? 0,
    costUsd: cost ?? null,
  };
}
