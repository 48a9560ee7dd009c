// Parses and validates a request body, reusing the tools and system prompt of earlier requests.
// Claude Code sends the same two dozen tools (45-80 KB of a 50-115 KB body) and the same system
// prompt (up to 27 KB) with every request. Decoded, parsed and validated anew, they were most of
// the 0.6-0.9 MB each request allocated; while 16 streams wait for OpenAI's first bytes, those
// copies outlive young-generation collections, fill the old generation and bring on full
// collections, which hold the editor's thread.
//
// A part whose bytes equal a remembered one (compared whole: memcmp) is not decoded: the rest of
// the body is parsed with `[]` in its place, validated, and the remembered value (validated
// once, then frozen) put back. JSON gives the same result either way: the part's bytes were a
// valid value in the same position.
import type { ZodMiniType } from 'zod/mini';
import { objectMembers, type JsonMember } from '../transport/json-members';
import { parseJson } from './http-io';
import { parseOrThrow } from './validation';

/** The top-level fields worth remembering; each validates `[]` as well as its real value. */
const REPEATED_FIELDS = ['tools', 'system'] as const;
type RepeatedField = (typeof REPEATED_FIELDS)[number];

/** Smaller parts cost less to parse than to remember. */
const MIN_PART_BYTES = 2048;

interface RememberedPart {
  field: RepeatedField;
  bytes: Buffer;
  value: unknown;
}

interface PartInBody {
  field: RepeatedField;
  member: JsonMember;
  remembered: RememberedPart | undefined;
}

export class RepeatedPartsParser {
  /** Most recently used first. The main agent, its subagents and count_tokens each send their own. */
  private readonly parts: RememberedPart[] = [];
  private storedBytes = 0;

  constructor(private readonly maxParts = 16, private readonly maxBytes = 4 * 1024 * 1024) {}

  /** The body validated by `schema`, or the same AnthropicError (400) the plain parse gives. */
  parse<T extends object>(raw: Buffer, schema: ZodMiniType<T>): T {
    const found = this.partsIn(raw);
    const reused = found.filter((part) => part.remembered !== undefined);
    const request = (reused.length > 0 ? this.parseAround(raw, schema, reused) : undefined) ?? parseOrThrow(schema, parseJson(raw));
    for (const part of found) {
      if (part.remembered) (request as Record<string, unknown>)[part.field] = part.remembered.value;
      else this.remember(part.field, raw.subarray(part.member.valueStart, part.member.valueEnd), (request as Record<string, unknown>)[part.field]);
    }
    return request;
  }

  /** The repeated fields of this body large enough to remember, each with its remembered twin. */
  private partsIn(raw: Buffer): PartInBody[] {
    const members = raw.length >= MIN_PART_BYTES ? objectMembers(raw, 0, raw.length) : undefined;
    if (!members) return [];
    const found: PartInBody[] = [];
    for (const field of REPEATED_FIELDS) {
      const named = members.filter((member) => member.key === field);
      // A key given twice: JSON.parse keeps the last; leave that to it.
      if (named.length !== 1) continue;
      const [member] = named;
      if (member.valueEnd - member.valueStart < MIN_PART_BYTES) continue;
      found.push({ field, member, remembered: this.find(field, raw.subarray(member.valueStart, member.valueEnd)) });
    }
    return found;
  }

  /** The body parsed and validated with `[]` where the reused parts are; undefined when that text
   *  is not valid JSON (the plain parse then gives the error, with positions in the real body). */
  private parseAround<T extends object>(raw: Buffer, schema: ZodMiniType<T>, reused: PartInBody[]): T | undefined {
    const spans = reused.map((part) => part.member).sort((a, b) => a.valueStart - b.valueStart);
    let text = '';
    let from = 0;
    for (const span of spans) {
      text += `${raw.toString('utf8', from, span.valueStart)}[]`;
      from = span.valueEnd;
    }
    text += raw.toString('utf8', from);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return undefined;
    }
    return parseOrThrow(schema, body);
  }

  private find(field: RepeatedField, bytes: Buffer): RememberedPart | undefined {
    const index = this.parts.findIndex((part) => part.field === field && part.bytes.length === bytes.length && part.bytes.equals(bytes));
    if (index === -1) return undefined;
    const [part] = this.parts.splice(index, 1);
    this.parts.unshift(part);
    return part;
  }

  private remember(field: RepeatedField, bytes: Buffer, value: unknown): void {
    if (bytes.length > this.maxBytes) return;
    this.parts.unshift({ field, bytes: Buffer.from(bytes), value: deepFreeze(value) }); // a copy: the body's buffer goes
    this.storedBytes += bytes.length;
    while (this.parts.length > this.maxParts || this.storedBytes > this.maxBytes) this.storedBytes -= this.parts.pop()!.bytes.length;
  }
}

/** Frozen, because later requests share it: a change made for one request would reach the next. */
function deepFreeze<T>(value: T): T {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    if (next === null || typeof next !== 'object' || Object.isFrozen(next)) continue;
    Object.freeze(next);
    for (const child of Object.values(next)) pending.push(child);
  }
  return value;
}
