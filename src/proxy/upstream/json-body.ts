// The upstream request body as UTF-8 bytes, serialized a piece at a time. Claude Code's system
// prompt and tool descriptions hold characters outside Latin-1 (— →), and one of them makes V8
// build the whole JSON text as a two-byte string: twice the memory (a 100 KB request becomes a
// 200 KB string, allocated as one large object), slower to build, then encoded to UTF-8 again
// on its way to the socket. One piece per top-level field, and per element of a top-level array
// (messages, input items, tools): only the pieces holding such characters are two-byte, every
// piece is small and dies young, and the socket gets bytes. The text is what JSON.stringify
// gives, byte for byte.

/** Serializes the elements of some top-level arrays itself (to reuse earlier bytes). */
export interface ElementSerializer {
  /** The element's JSON bytes, or undefined to leave it to jsonBytes. */
  bytes(field: string, element: unknown): Buffer | undefined;
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
      glue += JSON.stringify(field);
      continue;
    }
    glue += '[';
    for (let index = 0; index < field.length; index++) {
      if (index > 0) glue += ',';
      const ready = elements?.bytes(key, field[index]);
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
 * Remembers the bytes of each tool definition by name. Claude Code sends the same two dozen
 * tools (60–80 KB of descriptions and schemas) with every request; a tool equal to the one
 * remembered, field for field and in the same key order, has the same JSON text, so its bytes
 * are reused instead of serialized again. Comparing costs a fraction of serializing: strings
 * compare by content natively, and the schemas are small next to the descriptions.
 */
export class ToolBytesCache implements ElementSerializer {
  private readonly tools = new Map<string, { tool: unknown; bytes: Buffer }>();

  constructor(private readonly maxTools = 512) {}

  bytes(field: string, element: unknown): Buffer | undefined {
    if (field !== 'tools') return undefined;
    const name = toolName(element);
    if (name === undefined) return undefined;
    const known = this.tools.get(name);
    if (known && sameJson(known.tool, element)) return known.bytes;
    const bytes = Buffer.from(JSON.stringify(element));
    if (this.tools.size >= this.maxTools) this.tools.clear();
    this.tools.set(name, { tool: element, bytes });
    return bytes;
  }
}

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
