// The usage history as CSV or JSON, for the "Export" buttons.
import { providerOf } from './summary';
import type { UsageEntry } from './usage-entry';

const COLUMNS: (keyof UsageEntry)[] = [
  'time', 'claudeModel', 'openaiModel', 'provider', 'api', 'route', 'stream', 'status', 'outcome', 'firstTokenMs', 'durationMs',
  'inputTokens', 'cachedTokens', 'outputTokens', 'reasoningTokens', 'webSearches', 'costUsd',
];

export function toCsv(entries: readonly UsageEntry[]): string {
  const rows = entries.map((entry) => COLUMNS.map((column) => csvCell(cellOf(entry, column))).join(','));
  return `${COLUMNS.join(',')}\n${rows.join('\n')}${rows.length > 0 ? '\n' : ''}`;
}

function cellOf(entry: UsageEntry, column: keyof UsageEntry): UsageEntry[keyof UsageEntry] {
  if (column === 'time') return new Date(entry.time).toISOString();
  if (column === 'provider') return providerOf(entry);
  return entry[column];
}

export function toJson(entries: readonly UsageEntry[]): string {
  return `${JSON.stringify(entries, null, 2)}\n`;
}

function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  // A text cell starting like a formula would run as one in a spreadsheet (model names and
  // outcomes come from requests): a leading quote makes it plain text. Numbers are left alone.
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
