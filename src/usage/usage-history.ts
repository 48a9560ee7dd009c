// The usage history: an append-only JSON-lines file in the extension's global storage, rotated
// into one older file so that the two together stay under a size cap, and a bounded copy in
// memory for the dashboard. It survives restarts; it can be cleared.
//
// Every VS Code window runs its own extension host, and all of them share the global storage: the
// file is appended to by several windows. So each write happens under a small lock file, looks at
// the file's real size (not a count of what this window wrote) before deciding to rotate, and first
// reads what the other windows appended since this one last looked, so that every window sees
// every entry.
import { promises as fs, type Stats } from 'node:fs';
import { join } from 'node:path';
import type { UsageEntry } from './usage-entry';

export interface UsageHistoryOptions {
  /** The current file and the rotated one together stay under this many bytes. */
  maxBytes?: number;
  /** Entries kept in memory for the dashboard. */
  memoryLimit?: number;
}

/** What became of one append on disk. */
export type WriteResult = { ok: true } | { ok: false; error: Error };

const CURRENT = 'usage.jsonl';
const ROTATED = 'usage.1.jsonl';
const LOCK = 'usage.lock';
/** How long a write waits for another window's lock; after that it writes anyway (better than losing the entry). */
const LOCK_WAIT_MS = 2000;
/** A lock older than this was left by a window that died while holding it. */
const LOCK_STALE_MS = 10_000;
/** Own entries that may be met again in the file's tail (see write()); a bound, never reached in practice. */
const MAX_UNREAD_OWN = 1000;

export class UsageHistory {
  private readonly maxBytes: number;
  private readonly memoryLimit: number;
  private recent: UsageEntry[] = [];
  /** This window's newest entries in memory that are not written yet (always the last ones). */
  private unwritten = 0;
  /** The current file this window has read (its inode; 0: none yet) and up to which byte. */
  private position = { ino: 0, offset: 0 };
  /** Ids this window appended after another window's lines it has not read yet. */
  private readonly ownUnread = new Set<string>();
  private writes: Promise<unknown> = Promise.resolve();
  private failure: Error | undefined;
  private readonly listeners = new Set<(entry: UsageEntry, own: boolean) => void>();
  private readonly failureListeners = new Set<(error: Error | undefined) => void>();

  constructor(private readonly folder: string, options: UsageHistoryOptions = {}) {
    this.maxBytes = options.maxBytes ?? 20 * 1024 * 1024;
    this.memoryLimit = options.memoryLimit ?? 5000;
  }

  /** Reads what earlier sessions (and the other windows) wrote. Lines that are not valid entries are skipped. */
  async load(): Promise<void> {
    await fs.mkdir(this.folder, { recursive: true });
    const older = await readFrom(this.path(ROTATED), 0);
    const current = await readFrom(this.path(CURRENT), 0);
    this.position = current ? { ino: current.ino, offset: current.end } : { ino: 0, offset: 0 };
    this.recent = [...(older?.entries ?? []), ...(current?.entries ?? [])].slice(-this.memoryLimit);
  }

  entries(): readonly UsageEntry[] {
    return this.recent;
  }

  /** Every entry appended from now on: this window's (`own`) and those other windows wrote, as they are read. */
  onDidAppend(listener: (entry: UsageEntry, own: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * The first write that fails after a good one (or after the start), with its error, and the
   * first good one after failures, with undefined: a failing disk is told once, not per request.
   */
  onDidChangeWriteError(listener: (error: Error | undefined) => void): () => void {
    this.failureListeners.add(listener);
    return () => this.failureListeners.delete(listener);
  }

  /** Why the last write failed; undefined when it succeeded. */
  get writeError(): Error | undefined {
    return this.failure;
  }

  /** Keeps the entry in memory at once and appends it to the file; resolves with how the write went. */
  append(entry: UsageEntry): Promise<WriteResult> {
    this.remember(entry, true);
    this.unwritten++;
    const result = this.writes.then(() => this.write(entry)).finally(() => {
      this.unwritten = Math.max(0, this.unwritten - 1);
    }).then(
      (): WriteResult => {
        const recovered = this.failure !== undefined;
        this.failure = undefined;
        if (recovered) for (const listener of this.failureListeners) listener(undefined);
        return { ok: true };
      },
      (error: unknown): WriteResult => {
        const failure = error instanceof Error ? error : new Error(String(error));
        const first = this.failure === undefined;
        this.failure = failure;
        if (first) for (const listener of this.failureListeners) listener(failure);
        return { ok: false, error: failure };
      },
    );
    this.writes = result;
    return result;
  }

  /** Reads what other windows appended since this one last looked; resolves with how many entries that was. */
  refresh(): Promise<number> {
    const result = this.writes.then(() => this.catchUp()).catch(() => 0);
    this.writes = result;
    return result;
  }

  /** Every entry in the files, oldest first: all that is on disk, not only what memory holds. */
  readAll(): Promise<UsageEntry[]> {
    const result = this.writes.then(async () => {
      const older = await readFrom(this.path(ROTATED), 0);
      const current = await readFrom(this.path(CURRENT), 0);
      return [...(older?.entries ?? []), ...(current?.entries ?? [])];
    });
    this.writes = result.catch(() => undefined);
    return result;
  }

  async clear(): Promise<void> {
    this.recent = [];
    this.unwritten = 0;
    const result = this.writes.then(() => this.locked(async () => {
      await fs.rm(this.path(CURRENT), { force: true });
      await fs.rm(this.path(ROTATED), { force: true });
      this.position = { ino: 0, offset: 0 };
      this.ownUnread.clear();
    }));
    this.writes = result.catch(() => undefined);
    await result;
  }

  /** Resolves when every append so far is on disk (or failed). */
  async flushed(): Promise<void> {
    await this.writes;
  }

  private path(name: string): string {
    return join(this.folder, name);
  }

  private remember(entry: UsageEntry, own: boolean): void {
    // Another window's entry went to the file before this window's unwritten ones: memory keeps the file's order.
    if (own || this.unwritten === 0) this.recent.push(entry);
    else this.recent.splice(Math.max(0, this.recent.length - this.unwritten), 0, entry);
    if (this.recent.length > this.memoryLimit) this.recent.splice(0, this.recent.length - this.memoryLimit);
    for (const listener of this.listeners) {
      try {
        listener(entry, own);
      } catch {
        // A broken listener must not fail the write.
      }
    }
  }

  private async write(entry: UsageEntry): Promise<void> {
    await this.locked(async () => {
      await this.catchUp();
      // The file's real size: the other windows append to it too.
      const before = await statOf(this.path(CURRENT));
      let line = `${JSON.stringify(entry)}\n`;
      if (before && before.size > 0 && before.size + Buffer.byteLength(line) > this.maxBytes / 2) {
        await fs.rename(this.path(CURRENT), this.path(ROTATED));
        this.position = { ino: 0, offset: 0 };
        this.ownUnread.clear();
      } else if (before && before.ino === this.position.ino && before.size > this.position.offset) {
        // A torn last line (a window killed mid-write): start on a line of our own.
        line = `\n${line}`;
      }
      const bytes = Buffer.byteLength(line);
      const sameFile = this.position.ino !== 0 && before?.ino === this.position.ino;
      await fs.appendFile(this.path(CURRENT), line);
      const after = await statOf(this.path(CURRENT));
      if (!after) return;
      if (this.position.ino === 0) this.position = { ino: after.ino, offset: 0 };
      if (after.ino === this.position.ino && after.size === (sameFile ? before.size : 0) + bytes) {
        // Nothing but this line since the last read: no need to read it back.
        this.position.offset = after.size;
      } else {
        // Another window wrote too (without the lock, or the file changed under us): the next
        // read of the tail meets this line again and skips it.
        this.ownUnread.add(entry.id);
        if (this.ownUnread.size > MAX_UNREAD_OWN) this.ownUnread.delete(this.ownUnread.values().next().value!);
      }
    });
  }

  /** Reads the lines other windows appended since the last look, into memory. */
  private async catchUp(): Promise<number> {
    const found: UsageEntry[] = [];
    let current = await statOf(this.path(CURRENT));
    if (this.position.ino !== 0 && current?.ino !== this.position.ino) {
      // Another window rotated the file this one was reading (or cleared the history): its
      // rest is in the rotated file, when that is still the same file.
      const tail = await readFrom(this.path(ROTATED), this.position.offset, this.position.ino);
      if (tail) found.push(...tail.entries);
      this.position = { ino: 0, offset: 0 };
      current = await statOf(this.path(CURRENT));
    }
    if (current) {
      if (this.position.ino === 0) this.position = { ino: current.ino, offset: 0 };
      if (current.size > this.position.offset) {
        const tail = await readFrom(this.path(CURRENT), this.position.offset, this.position.ino);
        if (tail) {
          found.push(...tail.entries);
          this.position.offset = tail.end;
        }
      } else if (current.size < this.position.offset) {
        this.position.offset = current.size; // truncated by hand: read on from its new end
      }
    }
    let count = 0;
    for (const entry of found) {
      if (this.ownUnread.delete(entry.id)) continue;
      this.remember(entry, false);
      count++;
    }
    return count;
  }

  /** Runs `work` holding the history's lock file, shared by every window. */
  private async locked<T>(work: () => Promise<T>): Promise<T> {
    const lock = this.path(LOCK);
    const deadline = Date.now() + LOCK_WAIT_MS;
    let held = false;
    for (;;) {
      try {
        await (await fs.open(lock, 'wx')).close();
        held = true;
        break;
      } catch (error) {
        // Not "someone holds it" (e.g. the folder is gone): the work itself will fail and say why.
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') break;
        const age = await fs.stat(lock).then((stats) => Date.now() - stats.mtimeMs, () => 0);
        if (age > LOCK_STALE_MS) {
          await fs.rm(lock, { force: true });
          continue;
        }
        if (Date.now() > deadline) break;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }
    try {
      return await work();
    } finally {
      if (held) await fs.rm(lock, { force: true }).catch(() => undefined);
    }
  }
}

async function statOf(path: string): Promise<Stats | undefined> {
  try {
    return await fs.stat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * The entries in the complete lines of a file from byte `offset` on, and where the last complete
 * line ends; undefined when the file is missing or (with `ino`) is no longer that file.
 */
async function readFrom(path: string, offset: number, ino?: number): Promise<{ entries: UsageEntry[]; end: number; ino: number } | undefined> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const stats = await handle.stat();
    if (ino !== undefined && stats.ino !== ino) return undefined;
    const length = Math.max(0, stats.size - offset);
    const buffer = Buffer.alloc(length);
    let read = 0;
    while (read < length) {
      const { bytesRead } = await handle.read(buffer, read, length - read, offset + read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    // Only complete lines: a line without its newline is still being written (or was torn).
    const complete = buffer.lastIndexOf(0x0a, read - 1) + 1;
    return { entries: parseLines(buffer.subarray(0, complete).toString('utf8')), end: offset + complete, ino: stats.ino };
  } finally {
    await handle.close();
  }
}

function parseLines(text: string): UsageEntry[] {
  const entries: UsageEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      const entry = JSON.parse(line) as UsageEntry;
      if (typeof entry?.time === 'number' && typeof entry.openaiModel === 'string' && typeof entry.id === 'string') entries.push(entry);
    } catch {
      // A torn line (the editor was killed mid-write) is skipped.
    }
  }
  return entries;
}
