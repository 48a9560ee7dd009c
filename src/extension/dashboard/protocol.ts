// The messages between the extension host and the dashboard webview (media/dashboard/*.js).
// The HTML is set once; after that only these messages flow: a snapshot when the webview is
// ready, then deltas (new rows + fresh stats), so that the page updates without re-rendering.
// Messages from the webview are checked here before anything acts on them. No `vscode` import.
import { providerOf } from '../../usage/summary';
import type { UsageEntry } from '../../usage/usage-entry';
import type { RedactedExchange } from './redact';
import { ranges, type DashboardStats, type Range } from './stats';

/** Rows the webview's table keeps (newest first); older ones remain in the history and exports. */
export const MAX_ROWS = 500;

/** One table row: the usage entry (its provider always named), and whether its bodies are still in memory. */
export interface Row extends UsageEntry {
  provider: string;
  hasBody: boolean;
}

export interface DashboardSettings {
  keepBodies: boolean;
  maxBodies: number;
  /** Problems with claudeProxy.prices, shown in the page; empty when valid. */
  priceProblems: string[];
  /** Why the history could not be written (entries stay in memory only); absent while it can. */
  historyProblem?: string;
}

export type HostMessage =
  /** Everything the page shows, after it said it is ready (and after a clear or a reload). */
  | { type: 'snapshot'; rows: Row[]; historySize: number; stats: DashboardStats; settings: DashboardSettings }
  /** New requests, oldest first, and the stats with them. */
  | { type: 'append'; rows: Row[]; historySize: number; stats: DashboardStats }
  /** Stats alone: the range changed, or prices changed (costs recomputed: rows come in a snapshot). */
  | { type: 'stats'; stats: DashboardStats }
  | { type: 'settings'; settings: DashboardSettings }
  /** Answer to `select`: the row and, when kept, its redacted bodies; else why there are none. */
  | { type: 'detail'; id: string; row: Row | undefined; exchange: RedactedExchange | undefined; note: string | undefined }
  /** A row's bodies dropped out of memory (only the last N are kept). */
  | { type: 'bodiesDropped'; ids: string[] };

export type WebviewCommand = 'exportCsv' | 'exportJson' | 'clear' | 'openSettings' | 'openBodies';

export type WebviewMessage =
  | { type: 'ready' }
  | { type: 'range'; range: Range }
  | { type: 'select'; id: string }
  | { type: 'command'; command: WebviewCommand; id?: string };

const commands: readonly WebviewCommand[] = ['exportCsv', 'exportJson', 'clear', 'openSettings', 'openBodies'];

/** A message from the webview, or undefined when it is not one this protocol knows. */
export function parseWebviewMessage(raw: unknown): WebviewMessage | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const message = raw as Record<string, unknown>;
  const id = typeof message.id === 'string' && message.id.length > 0 && message.id.length <= 200 ? message.id : undefined;
  switch (message.type) {
    case 'ready':
      return { type: 'ready' };
    case 'range':
      return (ranges as readonly unknown[]).includes(message.range) ? { type: 'range', range: message.range as Range } : undefined;
    case 'select':
      return id ? { type: 'select', id } : undefined;
    case 'command': {
      if (!(commands as readonly unknown[]).includes(message.command)) return undefined;
      const command = message.command as WebviewCommand;
      if (command === 'openBodies') return id ? { type: 'command', command, id } : undefined;
      return { type: 'command', command };
    }
    default:
      return undefined;
  }
}

export function rowOf(entry: UsageEntry, hasBody: boolean): Row {
  return { ...entry, provider: providerOf(entry), hasBody };
}

/** The newest `max` entries as rows, oldest first (the page puts the newest on top). */
export function latestRows(entries: readonly UsageEntry[], hasBody: (id: string) => boolean, max = MAX_ROWS): Row[] {
  return entries.slice(-max).map((entry) => rowOf(entry, hasBody(entry.id)));
}

/** Why a row has no bodies to show. */
export function noBodiesNote(settings: Pick<DashboardSettings, 'keepBodies' | 'maxBodies'>, row: Row | undefined, session: string): string {
  if (!row) return 'This request is no longer in the history.';
  if (!settings.keepBodies) return 'Request and response bodies are not kept. Turn on claudeProxy.dashboard.keepBodies to keep the last ones in memory (never on disk).';
  if (!row.id.startsWith(`${session}.`)) return 'Bodies are kept in memory only, for requests of this VS Code session.';
  if (row.status !== 200) return 'No bodies: the request failed before OpenAI accepted it.';
  return `Bodies are kept in memory for the last ${settings.maxBodies} requests only, from the moment claudeProxy.dashboard.keepBodies is on: this one has none left.`;
}
