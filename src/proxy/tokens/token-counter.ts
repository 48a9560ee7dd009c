// The tokenizer side of counting: loading the tokenizer, remembering the counts of long strings,
// cutting text into pieces, and running counts in time slices. What to count is the caller's.
import { LruCache } from './lru-cache';
import { MAX_PIECE, textPieces } from './text-pieces';
import { TimeSlices, type Steps } from './time-slices';
import { LazyTokenizer, type Tokenize } from './tokenizer';

/** The tokens of one string, counted in steps that may give the thread back. */
export type TextTokens = (text: string) => Steps<number>;

// Claude Code's /context sends a burst of ~13 requests sharing the same system prompt and tool
// definitions, and every turn repeats the conversation so far: long strings are counted once.
// Bounded by the characters held (~16 MB of UTF-16).
const CACHE_MIN_LENGTH = 256;
const CACHE_MAX_CHARS = 8_000_000;

export class TokenCounter {
  private readonly tokenizer = new LazyTokenizer();
  private readonly cache = new LruCache<number>(CACHE_MAX_CHARS);
  private readonly slices = new TimeSlices();

  /** Runs `counting` on its turn, once the tokenizer is loaded, with a text counter to call. */
  count(counting: (textTokens: TextTokens) => Steps<number>): Promise<number> {
    return this.slices.run(async () => {
      const tokenize = await this.tokenizer.load();
      return counting((text) => this.textTokens(tokenize, text));
    });
  }

  private *textTokens(tokenize: Tokenize, text: string): Steps<number> {
    if (text.length < CACHE_MIN_LENGTH) return text.length === 0 ? 0 : tokenize(text);
    let count = this.cache.get(text);
    if (count === undefined) {
      count = yield* this.pieceTokens(tokenize, text);
      this.cache.set(text, count);
    }
    return count;
  }

  /** One step per piece, and none for text short enough to be one piece. */
  private *pieceTokens(tokenize: Tokenize, text: string): Steps<number> {
    if (text.length <= MAX_PIECE) return tokenize(text);
    let count = 0;
    for (const piece of textPieces(text)) {
      count += tokenize(piece);
      yield;
    }
    return count;
  }
}
