// The tokenizer's BPE is quadratic in the length of one pre-token: a long run of letters, CJK
// text without punctuation, a line of '=' or of spaces. 40 000 such characters took seconds, and
// a count_tokens request could block the event loop for minutes. So text goes to the tokenizer in
// pieces of at most MAX_PIECE characters, cut before a space that sits between two non-spaces (a
// pre-token boundary anyway: the count stays exact), or, inside a longer run, at the limit (a
// token or so more per cut: errs high, as the counting does everywhere).
export const MAX_PIECE = 1000;

/** `text` in consecutive pieces of at most MAX_PIECE characters; a surrogate pair is never split. */
export function* textPieces(text: string): Generator<string, void, void> {
  for (let start = 0; start < text.length;) {
    let end = Math.min(text.length, start + MAX_PIECE);
    if (end < text.length) {
      const boundary = wordBoundary(text, start + MAX_PIECE / 2, end);
      if (boundary > 0) end = boundary;
      else if (isHighSurrogate(text.charCodeAt(end - 1))) end--;
    }
    yield text.slice(start, end);
    start = end;
  }
}

/** The last index in (from, to) of a space between two non-whitespace characters, or -1. */
function wordBoundary(text: string, from: number, to: number): number {
  for (let i = text.lastIndexOf(' ', to - 1); i > from; i = text.lastIndexOf(' ', i - 1)) {
    if (!isSpace(text.charCodeAt(i - 1)) && !isSpace(text.charCodeAt(i + 1))) return i;
  }
  return -1;
}

const isSpace = (code: number) => code === 32 || (code >= 9 && code <= 13) || code === 0xa0 || code === 0x3000 || Number.isNaN(code);
const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;
