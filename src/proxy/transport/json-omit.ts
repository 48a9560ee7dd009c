// Drops named members of one object inside a JSON text while it is still bytes, without
// decoding or parsing them. The Responses API's final stream events repeat the whole request
// (Claude Code's instructions and tools: 100 KB and more) and the answer; the proxy reads only
// a few small fields of them. Decoded and parsed, that repetition cost as much as the client's
// own request, and its text, a string too large for V8's young generation, made full
// collections come more often.
//
// The scan only finds where values end: strings by their closing quote, objects and arrays by
// depth. Anything it does not expect (not an object, the member missing or not an object, the
// text cut short) gives undefined, and the caller decodes the text whole, as before.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

/** What to drop: the members named `members` of the object under the top-level key `within`. */
export interface OmittedMembers {
  within: string;
  members: ReadonlySet<string>;
}

/**
 * The JSON text of `bytes[start, end)` with the omitted members left out, or undefined when the
 * text is not shaped as expected (then nothing is dropped).
 */
export function jsonWithout(bytes: Buffer, start: number, end: number, omit: OmittedMembers): string | undefined {
  const top = members(bytes, start, end);
  const inner = top?.find((member) => member.key === omit.within);
  if (!inner || bytes[inner.valueStart] !== OPEN_OBJECT) return undefined;
  const innerMembers = members(bytes, inner.valueStart, inner.valueEnd);
  if (!innerMembers) return undefined;
  const kept = innerMembers.filter((member) => !omit.members.has(member.key));
  if (kept.length === innerMembers.length) return bytes.toString('utf8', start, end);
  const text = (from: number, to: number) => bytes.toString('utf8', from, to);
  return `${text(start, inner.valueStart)}{${kept.map((member) => text(member.start, member.valueEnd)).join(',')}}${text(inner.valueEnd, end)}`;
}

interface Member {
  key: string;
  /** where its key's opening quote is */
  start: number;
  valueStart: number;
  valueEnd: number;
}

/** The members of the object that `bytes[from, to)` holds (after leading whitespace), or undefined. */
function members(bytes: Buffer, from: number, to: number): Member[] | undefined {
  const byteAt = (index: number) => (index < to ? bytes[index] : undefined); // the text ends at `to`
  let at = skipSpace(bytes, from, to);
  if (byteAt(at) !== OPEN_OBJECT) return undefined;
  const found: Member[] = [];
  at = skipSpace(bytes, at + 1, to);
  if (byteAt(at) === CLOSE_OBJECT) return found;
  for (;;) {
    if (byteAt(at) !== QUOTE) return undefined;
    const keyEnd = stringEnd(bytes, at, to);
    if (keyEnd === -1) return undefined;
    const colon = skipSpace(bytes, keyEnd, to);
    if (byteAt(colon) !== COLON) return undefined;
    const valueStart = skipSpace(bytes, colon + 1, to);
    const valueEnd = valueEndAt(bytes, valueStart, to);
    if (valueEnd === -1) return undefined;
    found.push({ key: JSON.parse(bytes.toString('utf8', at, keyEnd)) as string, start: at, valueStart, valueEnd });
    at = skipSpace(bytes, valueEnd, to);
    if (byteAt(at) === CLOSE_OBJECT) return found;
    if (byteAt(at) !== COMMA) return undefined;
    at = skipSpace(bytes, at + 1, to);
  }
}

/** Where the value starting at `at` ends (one past it), or -1. */
function valueEndAt(bytes: Buffer, at: number, to: number): number {
  if (at >= to) return -1;
  const first = bytes[at];
  if (first === QUOTE) return stringEnd(bytes, at, to);
  if (first === OPEN_OBJECT || first === OPEN_ARRAY) return nestedEnd(bytes, at, to);
  // a number, true, false or null: up to the next delimiter
  let end = at;
  while (end < to && !isDelimiter(bytes[end])) end++;
  return end > at ? end : -1;
}

/** One past the closing quote of the string opening at `at`, or -1. */
function stringEnd(bytes: Buffer, at: number, to: number): number {
  let quote = at;
  for (;;) {
    quote = bytes.indexOf(QUOTE, quote + 1);
    if (quote === -1 || quote >= to) return -1;
    let backslashes = 0;
    while (quote - 1 - backslashes > at && bytes[quote - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
  }
}

/** One past the bracket that closes the object or array opening at `at`, or -1. */
function nestedEnd(bytes: Buffer, at: number, to: number): number {
  let depth = 0;
  for (let index = at; index < to; index++) {
    const byte = bytes[index];
    if (byte === QUOTE) {
      index = stringEnd(bytes, index, to) - 1;
      if (index < 0) return -1;
    } else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
      depth++;
    } else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
      if (--depth === 0) return index + 1;
    }
  }
  return -1;
}

function skipSpace(bytes: Buffer, at: number, to: number): number {
  while (at < to && (bytes[at] === 0x20 || bytes[at] === 0x0a || bytes[at] === 0x0d || bytes[at] === 0x09)) at++;
  return at;
}

function isDelimiter(byte: number | undefined): boolean {
  return byte === COMMA || byte === CLOSE_OBJECT || byte === CLOSE_ARRAY || byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}
