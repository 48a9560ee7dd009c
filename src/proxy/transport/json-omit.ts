// Drops named members of one object inside a JSON text while it is still bytes, without
// decoding or parsing them. The Responses API's final stream events repeat the whole request
// (Claude Code's instructions and tools: 100 KB and more) and the answer; the proxy reads only
// a few small fields of them. Decoded and parsed, that repetition cost as much as the client's
// own request, and its text, a string too large for V8's young generation, made full
// collections come more often.
//
// Anything the scan (json-members.ts) does not expect (not an object, the member missing or not
// an object, the text cut short) gives undefined, and the caller decodes the text whole, as before.

import { objectMembers } from './json-members';

const OPEN_OBJECT = 0x7b;

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
  const top = objectMembers(bytes, start, end);
  const inner = top?.find((member) => member.key === omit.within);
  if (!inner || bytes[inner.valueStart] !== OPEN_OBJECT) return undefined;
  const innerMembers = objectMembers(bytes, inner.valueStart, inner.valueEnd);
  if (!innerMembers) return undefined;
  const kept = innerMembers.filter((member) => !omit.members.has(member.key));
  if (kept.length === innerMembers.length) return bytes.toString('utf8', start, end);
  const text = (from: number, to: number) => bytes.toString('utf8', from, to);
  return `${text(start, inner.valueStart)}{${kept.map((member) => text(member.start, member.valueEnd)).join(',')}}${text(inner.valueEnd, end)}`;
}
