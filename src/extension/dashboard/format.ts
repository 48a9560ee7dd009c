// Short numbers for the status-bar tooltip. No `vscode` import: unit-tested.
import type { Totals } from './stats';

/** "Today: 12 requests · 48.2k tokens in (41.0k cached, 85%) · 3.1k out · ≈ $0.0421" */
export function todayLine(today: Totals): string {
  if (today.requests === 0) return 'Today: no requests yet';
  const cached = today.inputTokens > 0 ? `, ${Math.round((today.cachedTokens / today.inputTokens) * 100)}% cached` : '';
  const unpriced = today.unpriced > 0 ? ` (${today.unpriced} without a price)` : '';
  return `Today: ${today.requests} request${today.requests === 1 ? '' : 's'} · ${compact(today.inputTokens)} tokens in${cached} · `
    + `${compact(today.outputTokens)} out · ≈ ${dollars(today.costUsd)}${unpriced}`;
}

export function compact(value: number): string {
  if (value < 1000) return String(value);
  if (value < 1_000_000) return `${(value / 1000).toFixed(value < 10_000 ? 1 : 0)}k`;
  return `${(value / 1_000_000).toFixed(value < 10_000_000 ? 2 : 1)}M`;
}

/** The same money format as the dashboard's (media/dashboard/format.js). */
export function dollars(value: number): string {
  if (value === 0) return '$0.00';
  if (value < 0.0001) return '<$0.0001';
  if (value < 1) return `$${value.toFixed(4)}`;
  if (value < 1000) return `$${value.toFixed(2)}`;
  return `$${Math.round(value).toLocaleString('en-US')}`;
}
