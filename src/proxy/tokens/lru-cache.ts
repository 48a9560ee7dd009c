/** Least-recently-used cache keyed by strings, bounded by the characters its keys hold. */
export class LruCache<V> {
  // A Map iterates in insertion order: re-inserting on every use makes it the recency order.
  private readonly entries = new Map<string, V>();
  private chars = 0;

  constructor(private readonly maxChars: number) {}

  /** The value kept for `key`, which becomes the most recently used; undefined if none. */
  get(key: string): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  /** Keeps `value`, dropping the least recently used entries beyond the bound. A key longer than
   *  a quarter of the bound is not kept: it would push out most of the others. */
  set(key: string, value: V): void {
    if (key.length > this.maxChars / 4) return;
    if (this.entries.delete(key)) this.chars -= key.length;
    this.chars += key.length;
    for (const oldest of this.entries.keys()) {
      if (this.chars <= this.maxChars) break;
      this.chars -= oldest.length;
      this.entries.delete(oldest);
    }
    this.entries.set(key, value);
  }
}
