// The usage history: an append-only JSON-lines file in the extension's global storage, rotated
// into one older file so that the two together stay under a size cap, and a bounded copy in
// memory for the dashboard. It survives restarts; it can be cleared.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { UsageEntry } from './usage-entry';

export interface UsageHistoryOptions {
  /** The current file and the rotated one together stay under this many bytes. */
  maxBytes?: number;
  /** Entries kept in memory for the dashboard. */
  memoryLimit?: number;
}

const CURRENT = 'usage.jsonl';
const ROTATED = 'usage.1.jsonl';

export class UsageHistory {
  private readonly maxBytes: number;
  private readonly memoryLimit: number;
  private recent: UsageEntry[] = [];
  private currentBytes = 0;
  private writes: Promise<void> = Promise.resolve();
  private readonly listeners = new Set<(entry: UsageEntry) => void>();

  constructor(private readonly folder: string, options: UsageHistoryOptions = {}) {
    this.maxBytes = options.maxBytes ?? 20 * 1024 * 1024;
    this.memoryLimit = options.memoryLimit ?? 5000;
  }

  /** Reads what earlier sessions wrote. Lines that are not valid entries are skipped. */
  async load(): Promise<void> {
    await fs.mkdir(this.folder, { recursive: true });
    const older = await readLines(join(this.folder, ROTATED));
    const current = await readLines(join(this.folder, CURRENT));
    this.currentBytes = current.bytes;
    this.recent = [...older.entries, ...current.entries].slice(-this.memoryLimit);
  }

  entries(): readonly UsageEntry[] {
    return this.recent;
  }

  onDidAppend(listener: (entry: UsageEntry) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  append(entry: UsageEntry): Promise<void> {
    this.recent.push(entry);
    if (this.recent.length > this.memoryLimit) this.recent.splice(0, this.recent.length - this.memoryLimit);
    for (const listener of this.listeners) listener(entry);
    const line = `${JSON.stringify(entry)}\n`;
    this.writes = this.writes.then(() => this.write(line)).catch(() => undefined);
    return this.writes;
  }

  async clear(): Promise<void> {
    this.recent = [];
    this.writes = this.writes.then(async () => {
      await fs.rm(join(this.folder, CURRENT), { force: true });
      await fs.rm(join(this.folder, ROTATED), { force: true });
      this.currentBytes = 0;
    });
    await this.writes;
  }

  /** Resolves when every append so far is on disk. */
  flushed(): Promise<void> {
    return this.writes;
  }

  private async write(line: string): Promise<void> {
    const size = Buffer.byteLength(line);
    if (this.currentBytes + size > this.maxBytes / 2 && this.currentBytes > 0) {
      await fs.rename(join(this.folder, CURRENT), join(this.folder, ROTATED));
      this.currentBytes = 0;
    }
    await fs.appendFile(join(this.folder, CURRENT), line);
    this.currentBytes += size;
  }
}

async function readLines(path: string): Promise<{ entries: UsageEntry[]; bytes: number }> {
  let text: string;
  try {
    text = await fs.readFile(path, 'utf8');
  } catch {
    return { entries: [], bytes: 0 };
  }
  const entries: UsageEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      const entry = JSON.parse(line) as UsageEntry;
      if (typeof entry?.time === 'number' && typeof entry.openaiModel === 'string') entries.push(entry);
    } catch {
      // A torn last line (the editor was killed mid-write) is skipped.
    }
  }
  return { entries, bytes: Buffer.byteLength(text) };
}
