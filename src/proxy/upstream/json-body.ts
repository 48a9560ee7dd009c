// The upstream request body as UTF-8 bytes, serialized a piece at a time. Claude Code's system
// prompt and tool descriptions hold characters outside Latin-1 (— →), and one of them makes V8
// build the whole JSON text as a two-byte string: twice the memory (a 100 KB request becomes a
// 200 KB string, allocated as one large object), slower to build, then encoded to UTF-8 again
// on its way to the socket. One piece per top-level field, and per element of a top-level array
// (messages, input items, tools): only the pieces holding such characters are two-byte, every
// piece is small and dies young, and the socket gets bytes. The text is what JSON.stringify
// gives, byte for byte.

/** `JSON.stringify(value)` as UTF-8 bytes, for a plain object (the request bodies built here). */
export function jsonBytes(value: Readonly<Record<string, unknown>>): Buffer {
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
      const element = JSON.stringify(field[index]) ?? 'null'; // undefined in an array is null, as JSON.stringify does
      pieces.push(Buffer.from(index === 0 ? glue + element : `,${element}`));
      glue = '';
    }
    glue += ']';
  }
  pieces.push(Buffer.from(`${glue}}`));
  return pieces.length === 1 ? pieces[0] : Buffer.concat(pieces);
}
