// Honours Anthropic's stop_sequences in the proxy: OpenAI's reasoning models reject `stop`, and
// no OpenAI model reports which sequence matched. Text is held back only as long as it could be
// the start of a sequence, so a match that spans chunks is still found.
export class StopSequenceCutter {
  private pending = '';
  private readonly longest: number;
  matched: string | null = null;

  constructor(private readonly sequences: readonly string[]) {
    // A loop, not Math.max(...lengths): spreading 200 000 sequences overflows the stack.
    this.longest = sequences.reduce((longest, sequence) => Math.max(longest, sequence.length), 0);
  }

  /** Returns the text safe to emit now. After a match, `matched` is set and later input is ignored. */
  push(chunk: string): string {
    if (this.matched !== null) return '';
    const text = this.pending + chunk;
    let cut = -1;
    for (const sequence of this.sequences) {
      if (sequence.length === 0) continue;
      const at = text.indexOf(sequence);
      if (at !== -1 && (cut === -1 || at < cut)) {
        cut = at;
        this.matched = sequence;
      }
    }
    if (cut !== -1) {
      this.pending = '';
      return text.slice(0, cut);
    }
    const keep = this.heldBackLength(text);
    this.pending = text.slice(text.length - keep);
    return text.slice(0, text.length - keep);
  }

  /** The text still held back, released when the answer ends without a match. */
  flush(): string {
    const rest = this.pending;
    this.pending = '';
    return rest;
  }

  /** Length of the longest suffix of `text` that is a proper prefix of some sequence. */
  private heldBackLength(text: string): number {
    for (let length = Math.min(this.longest - 1, text.length); length > 0; length--) {
      const suffix = text.slice(text.length - length);
      if (this.sequences.some((sequence) => sequence.startsWith(suffix))) return length;
    }
    return 0;
  }
}
