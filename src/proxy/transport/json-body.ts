// The upstream request body as UTF-8 bytes, serialized a piece at a time. Claude Code's system
// prompt and tool descriptions hold characters outside Latin-1 (— →), and one of them makes V8
// build the whole JSON text as a two-byte string: twice the memory (a 100 KB request becomes a
// 200 KB string, allocated as one large object), slower to build, then encoded to UTF-8 again
// on its way to the socket. One piece per top-level field, and per element of a top-level array
// (messages, input items, tools): only the pieces holding such characters are two-byte, every
// piece is small and dies young, and the socket gets bytes. The text is what JSON.stringify
// gives, byte for byte.

/** Serializes some top-level fields and array elements itself (to reuse earlier bytes). */
export interface ElementSerializer {
  /** The JSON bytes of element `index` of the top-level array `field`, or undefined to leave
   *  it to jsonBytes. */
  bytes(field: string, element: unknown, index: number): Buffer | undefined;
  /** The JSON bytes of a top-level field that is not an array, or undefined. */
  fieldBytes?(field: string, value: unknown): Buffer | undefined;
}

/** `JSON.stringify(value)` as UTF-8 bytes, for a plain object (the request bodies built here). */
export function jsonBytes(value: Readonly<Record<string, unknown>>, elements?: ElementSerializer): Buffer {
  const pieces: Buffer[] = [];
  let glue = '{';
  for (const key of Object.keys(value)) {
    const field = value[key];
    if (field === undefined || typeof field === 'function' || typeof field === 'symbol') continue; // as JSON.stringify
    glue += `${glue === '{' ? '' : ','}${JSON.stringify(key)}:`;
    if (!Array.isArray(field)) {
      const ready = elements?.fieldBytes?.(key, field);
      if (ready) {
        pieces.push(Buffer.from(glue), ready);
        glue = '';
      } else {
        glue += JSON.stringify(field);
      }
      continue;
    }
    glue += '[';
    for (let index = 0; index < field.length; index++) {
      if (index > 0) glue += ',';
      const ready = elements?.bytes(key, field[index], index);
      if (ready) {
        pieces.push(Buffer.from(glue), ready);
      } else {
        const element = JSON.stringify(field[index]) ?? 'null'; // undefined in an array is null, as JSON.stringify does
        pieces.push(Buffer.from(glue + element));
      }
      glue = '';
    }
    glue += ']';
  }
  pieces.push(Buffer.from(`${glue}}`));
  return pieces.length === 1 ? pieces[0] : Buffer.concat(pieces);
}

/**
 * Remembers the bytes of the parts of a request that the next request repeats, and reuses them
 * while a part is unchanged. Claude Code sends with every request:
 * - the same two dozen tools (60-80 KB of descriptions and schemas), remembered by name;
 * - the same system prompt (up to 26 KB: the first Chat message, or the Responses
 *   `instructions`);
 * - the whole conversation so far, which only grows: message i of this request is message i of
 *   the last one, so messages and input items are remembered by position.
 * A part equal to the one remembered, field for field and in the same key order, has the same
 * JSON text. Comparing costs a fraction of serializing: strings compare by content natively.
 * Only the last request's parts are kept (one per name or position), so concurrent
 * conversations simply miss; the whole store is dropped when it passes its size limit.
 */
export class RepeatedBytesCache implements ElementSerializer {
  private readonly parts = new Map<string, { part: unknown; bytes: Buffer }>();
  private storedBytes = 0;

  constructor(private readonly maxBytes = 8 * 1024 * 1024) {}

  bytes(field: string, element: unknown, index: number): Buffer | undefined {
    if (field === 'tools') {
      const name = toolName(element);
      return name === undefined ? undefined : this.lookup(`tool:${name}`, element);
    }
    if (field === 'messages' || field === 'input') return this.lookup(`${field}:${index}`, element);
    return undefined;
  }

  fieldBytes(field: string, value: unknown): Buffer | undefined {
    return field === 'instructions' && typeof value === 'string' && value.length >= MIN_FIELD_CHARS ? this.lookup(field, value) : undefined;
  }

  private lookup(key: string, part: unknown): Buffer | undefined {
    const known = this.parts.get(key);
    if (known && sameJson(known.part, part)) return known.bytes;
    const text = JSON.stringify(part);
    if (text === undefined) return undefined; // a function or undefined: jsonBytes writes null
    const bytes = Buffer.from(text);
    if (known) {
      this.parts.delete(key);
      this.storedBytes -= known.bytes.length;
    }
    if (bytes.length > MAX_PART_BYTES) return bytes; // a large image, say: not worth pinning
    if (this.storedBytes + bytes.length > this.maxBytes) {
      this.parts.clear();
      this.storedBytes = 0;
    }
    this.parts.set(key, { part, bytes });
    this.storedBytes += bytes.length;
    return bytes;
  }
}

/** Shorter top-level strings are not worth remembering. */
const MIN_FIELD_CHARS = 1024;
/** Larger parts are serialized every time rather than kept. */
const MAX_PART_BYTES = 1024 * 1024;

/** A function tool's name on either API (Chat nests it under `function`). */
function toolName(tool: unknown): string | undefined {
  if (tool === null || typeof tool !== 'object') return undefined;
  const { name, function: fn } = tool as { name?: unknown; function?: { name?: unknown } };
  const found = typeof name === 'string' ? name : fn?.name;
  return typeof found === 'string' ? found : undefined;
}

/** Equal as JSON text: the same values, keys in the same order. For parsed JSON and objects
 *  built from it (no toJSON, no cycles; nesting is bounded by request validation). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    if (a.length !== other.length) return false;
    for (let index = 0; index < a.length; index++) if (!sameJson(a[index], other[index])) return false;
    return true;
  }
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (keysA.length !== keysB.length) return false;
  for (let index = 0; index < keysA.length; index++) {
    const key = keysA[index];
    if (key !== keysB[index]) return false;
    if (!sameJson((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])) return false;
  }
  return true;
}
