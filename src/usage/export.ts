// The usage history as CSV or JSON, for the "Export" buttons.
import type { UsageEntry } from './usage-entry';

const COLUMNS: (keyof UsageEntry)[] = [
  'time', 'claudeModel', 'openaiModel', 'api', 'route', 'stream', 'status', 'outcome', 'firstTokenMs', 'durationMs',
  'inputTokens', 'cachedTokens', 'outputTokens', 'reasoningTokens', 'costUsd',
];

export function toCsv(entries: readonly UsageEntry[]): string {
  const rows = entries.map((entry) => COLUMNS.map((column) => csvCell(column === 'time' ? new Date(entry.time).toISOString() : entry[column])).join(','));
  return `${COLUMNS.join(',')}\n${rows.join('\n')}${rows.length > 0 ? '\n' : ''}`;
}

export function toJson(entries: readonly UsageEntry[]): string {
  return `${JSON.stringify(entries, null, 2)}\n`;
}

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
