// Where the members of a JSON object sit in its bytes, found without decoding or parsing their
// values: strings end at their closing quote, objects and arrays by depth. Made for valid JSON
// (what it reads was, or is then, parsed whole); anything else it does not expect gives undefined.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

export interface JsonMember {
  key: string;
  /** where its key's opening quote is */
  start: number;
  valueStart: number;
  valueEnd: number;
}

/** The members of the object that `bytes[from, to)` holds (after leading whitespace), or undefined. */
export function objectMembers(bytes: Buffer, from: number, to: number): JsonMember[] | undefined {
  const byteAt = (index: number) => (index < to ? bytes[index] : undefined); // the text ends at `to`
  let at = skipSpace(bytes, from, to);
  if (byteAt(at) !== OPEN_OBJECT) return undefined;
  const found: JsonMember[] = [];
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
    const key = keyText(bytes, at, keyEnd);
    if (key === undefined) return undefined;
    found.push({ key, start: at, valueStart, valueEnd });
    at = skipSpace(bytes, valueEnd, to);
    if (byteAt(at) === CLOSE_OBJECT) return found;
    if (byteAt(at) !== COMMA) return undefined;
    at = skipSpace(bytes, at + 1, to);
  }
}

/** The key whose quoted text is `bytes[from, to)`, or undefined for an invalid escape. */
function keyText(bytes: Buffer, from: number, to: number): string | undefined {
  try {
    return JSON.parse(bytes.toString('utf8', from, to)) as string;
  } catch {
    return undefined;
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
