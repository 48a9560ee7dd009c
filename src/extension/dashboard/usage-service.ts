// The usage side of the extension: every request record the proxy reports becomes a usage entry
// (priced with the current prices) in the history on disk; the bodies of the last requests are
// kept redacted, in memory only, when the setting allows it. The status bar and the dashboard
// read from here and listen for changes. No `vscode` import: unit-tested in plain Node.
import { randomBytes } from 'node:crypto';
import type { RequestRecord } from '../../proxy';
import { toCsv, toJson } from '../../usage/export';
import { costOf, defaultPrices, priceOf, type PriceTable } from '../../usage/prices';
import { today } from '../../usage/summary';
import { usageEntryOf, type UsageEntry } from '../../usage/usage-entry';
import { UsageHistory } from '../../usage/usage-history';
import { redactExchange, type RedactedExchange } from './redact';
import { totalsOf, type Totals } from './stats';

export interface UsageServiceOptions {
  /** The folder of the history files (the extension's global storage). */
  folder: string;
  /** The history files together stay under this size (default 8 MB). */
  maxBytes?: number;
  /** Entries kept in memory (default 25 000: about all that 8 MB of history holds). */
  memoryLimit?: number;
  /** Requests whose bodies are kept (default 20), and their total size in characters (default 16 M). */
  maxBodies?: number;
  maxBodyChars?: number;
  /** The secrets to redact from bodies (read at capture time): the OpenAI key, the proxy token. */
  secrets: () => readonly (string | undefined)[];
  prices?: PriceTable;
  keepBodies?: boolean;
}

export type UsageChange =
  | { kind: 'append'; entry: UsageEntry }
  /** Everything may have changed: loaded, cleared, repriced. */
  | { kind: 'reset' }
  | { kind: 'settings' }
  | { kind: 'bodiesDropped'; ids: string[] }
  /** Writing the history started failing (entries stay in memory only), or works again (undefined). Told once per change. */
  | { kind: 'historyStatus'; problem: string | undefined };

export class UsageService {
  /** This window's session: entry ids are `${session}.${proxy start}-${request id}`. */
  readonly session = randomBytes(4).toString('hex');
  readonly maxBodies: number;
  private readonly history: UsageHistory;
  private readonly maxBodyChars: number;
  private prices: PriceTable;
  private keep: boolean;
  private readonly bodies = new Map<string, { exchange: RedactedExchange; chars: number }>();
  private bodyChars = 0;
  private generation = 0;
  private loading: Promise<void> | undefined;
  private isLoaded = false;
  private pending: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<(change: UsageChange) => void>();
  private todayCache: { version: number; day: number; totals: Totals } | undefined;
  /** Goes up with every change of the entries (for caches). */
  private version = 0;

  constructor(private readonly options: UsageServiceOptions) {
    this.history = new UsageHistory(options.folder, { maxBytes: options.maxBytes ?? 8 * 1024 * 1024, memoryLimit: options.memoryLimit ?? 25_000 });
    this.maxBodies = options.maxBodies ?? 20;
    this.maxBodyChars = options.maxBodyChars ?? 16 * 1024 * 1024;
    this.prices = options.prices ?? { ...defaultPrices };
    this.keep = options.keepBodies ?? false;
    this.history.onDidAppend((entry, own) => {
      // Another window priced its entries with its own prices: costs here are from this one's.
      if (!own) this.priceEntry(entry);
      this.version++;
      this.emit({ kind: 'append', entry });
    });
    this.history.onDidChangeWriteError(() => this.emit({ kind: 'historyStatus', problem: this.historyProblem }));
  }

  get folder(): string {
    return this.options.folder;
  }

  get loaded(): boolean {
    return this.isLoaded;
  }

  get keepBodies(): boolean {
    return this.keep;
  }

  /** Why the last write of the history failed; undefined while writes succeed. */
  get historyProblem(): string | undefined {
    const error = this.history.writeError;
    return error && `Could not write the usage history in ${this.options.folder}: ${error.message}`;
  }

  /** Reads the history of earlier sessions (once; later calls wait for the same load). */
  load(): Promise<void> {
    this.loading ??= this.history.load().then(() => {
      this.isLoaded = true;
      this.reprice();
      this.version++;
      this.emit({ kind: 'reset' });
    });
    return this.loading;
  }

  onDidChange(listener: (change: UsageChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A recorder for one ProxyServer: request ids start at 1 for each, so each gets a generation. */
  recorder(): (record: RequestRecord) => void {
    const session = `${this.session}.${++this.generation}`;
    return (record) => this.record(record, session);
  }

  /** Makes the record's usage entry (model calls only) and appends it once the history is loaded. */
  record(record: RequestRecord, session = `${this.session}.0`): UsageEntry | undefined {
    const entry = usageEntryOf(record, this.prices, session);
    if (!entry) return undefined;
    if (this.keep && record.exchange) this.keepBodiesOf(entry.id, record.exchange);
    // A history that could not be read (logged by the caller of load) still gets the entry: in
    // memory at least, and a failed write is told through 'historyStatus'.
    this.pending = this.pending.then(() => this.load()).catch(() => undefined).then(() => this.history.append(entry));
    return entry;
  }

  /** Reads the entries other VS Code windows appended to the shared history since the last look. */
  async refresh(): Promise<number> {
    await this.pending;
    if (!this.isLoaded) return 0;
    return this.history.refresh();
  }

  /** Resolves when every entry recorded so far is in memory and on disk. */
  async flushed(): Promise<void> {
    await this.pending;
    await this.history.flushed();
  }

  entries(): readonly UsageEntry[] {
    return this.history.entries();
  }

  entry(id: string): UsageEntry | undefined {
    const entries = this.history.entries();
    for (let index = entries.length - 1; index >= 0; index--) if (entries[index].id === id) return entries[index];
    return undefined;
  }

  hasBodies(id: string): boolean {
    return this.bodies.has(id);
  }

  bodiesOf(id: string): RedactedExchange | undefined {
    return this.bodies.get(id)?.exchange;
  }

  /** New prices: every entry in memory is priced again (costs are estimates from the current prices). */
  setPrices(prices: PriceTable): void {
    if (JSON.stringify(prices) === JSON.stringify(this.prices)) return;
    this.prices = prices;
    this.reprice();
    this.version++;
    this.emit({ kind: 'reset' });
  }

  /** Off drops the bodies kept so far. */
  setKeepBodies(keep: boolean): void {
    if (keep === this.keep) return;
    this.keep = keep;
    if (!keep) {
      this.bodies.clear();
      this.bodyChars = 0;
    }
    this.emit({ kind: 'settings' });
  }

  /** Deletes the history files and the entries and bodies in memory. */
  async clear(): Promise<void> {
    await this.pending;
    await this.load();
    await this.history.clear();
    this.bodies.clear();
    this.bodyChars = 0;
    this.version++;
    this.emit({ kind: 'reset' });
  }

  /**
   * The whole history as CSV or JSON: read from the files (memory holds only the newest entries),
   * priced with the current prices, plus any entry in memory that could not be written.
   */
  async exportText(format: 'csv' | 'json'): Promise<{ text: string; count: number }> {
    await this.flushed();
    await this.load();
    const entries = await this.history.readAll();
    for (const entry of entries) this.priceEntry(entry);
    const onDisk = new Set(entries.map((entry) => entry.id));
    for (const entry of this.history.entries()) if (!onDisk.has(entry.id)) entries.push(entry);
    return { text: format === 'csv' ? toCsv(entries) : toJson(entries), count: entries.length };
  }

  /** Today's totals, for the status-bar tooltip (cached until the entries or the day change). */
  todayTotals(now = Date.now()): Totals {
    const day = new Date(now).setHours(0, 0, 0, 0);
    if (this.todayCache?.version !== this.version || this.todayCache.day !== day) {
      this.todayCache = { version: this.version, day, totals: totalsOf(today(this.history.entries(), now)) };
    }
    return this.todayCache.totals;
  }

  private reprice(): void {
    for (const entry of this.history.entries() as UsageEntry[]) this.priceEntry(entry);
  }

  private priceEntry(entry: UsageEntry): void {
    entry.costUsd = entry.openaiModel ? costOf(entry, priceOf(entry.openaiModel, this.prices)) ?? null : null;
  }

  private keepBodiesOf(id: string, exchange: NonNullable<RequestRecord['exchange']>): void {
    const redacted = redactExchange(exchange, this.options.secrets());
    const chars = redacted.request.length + redacted.upstreamRequest.length + redacted.response.length;
    this.bodies.set(id, { exchange: redacted, chars });
    this.bodyChars += chars;
    const dropped: string[] = [];
    for (const [oldest, kept] of this.bodies) {
      if (this.bodies.size <= this.maxBodies && this.bodyChars <= this.maxBodyChars) break;
      if (oldest === id) break;
      this.bodies.delete(oldest);
      this.bodyChars -= kept.chars;
      dropped.push(oldest);
    }
    if (dropped.length > 0) this.emit({ kind: 'bodiesDropped', ids: dropped });
  }

  private emit(change: UsageChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch {
        // One broken listener must not stop the others (or the proxy's request end).
      }
    }
  }
}
