// The o200k_base tokenizer (GPT-4o, GPT-4.1, GPT-5, o-series), loaded on first use: its rank table
// is a few MB of JavaScript (~200 ms to load), too much to pay when the proxy or the extension
// starts.

/** Tokens in a string, counted as plain text. */
export type Tokenize = (text: string) => number;

// Text is user data: "<|endoftext|>" inside it is plain text for OpenAI, so no special tokens.
const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

export class LazyTokenizer {
  private loading: Promise<Tokenize> | undefined;

  /** The tokenizer, imported by the first call; a failed import is tried again by the next. */
  load(): Promise<Tokenize> {
    this.loading ??= import('gpt-tokenizer/encoding/o200k_base').then(
      ({ countTokens }): Tokenize => (text) => countTokens(text, PLAIN_TEXT),
      (error: unknown) => { this.loading = undefined; throw error; },
    );
    return this.loading;
  }
}
