// Reads an upstream server-sent-event body into JSON events, in place of the SDK's stream
// parser. The call itself still goes through the SDK (headers, errors, abort); only the
// successful body is read here, for two reasons:
// - The Responses API repeats the whole request (instructions and tools: 60 KB and more for
//   Claude Code) in `response.created` and `response.in_progress`. The proxy uses neither, and
//   here their data is never decoded or parsed; the SDK parses every event. The final event
//   repeats it too, and there only the members the proxy reads are decoded (`omit`).
// - The SDK copies its whole buffer on every chunk and decodes through three async generators;
//   here lines are found with Buffer.indexOf and each event costs one async step.
// The rules are the SDK's own: `data: [DONE]` ends the events, a JSON event with an `error`
// field is an error, an event without its closing blank line at the end is dropped (as the
// SSE standard says), and an early stop cancels the body (ending the upstream call).

import { jsonWithout, type OmittedMembers } from './json-omit';

const LF = 0x0a;
const CR = 0x0d;

export interface SseEventOptions {
  /** Event names (`event:` lines) whose data is skipped unread; events without a name are
   *  always parsed. */
  skip?: ReadonlySet<string>;
  /** Members dropped unread from the data of the events it names (json-omit.ts). */
  omit?: OmittedEventMembers;
  /** The error to throw for an event that carries an `error` field. */
  errorEvent: (error: unknown) => Error;
}

export interface OmittedEventMembers extends OmittedMembers {
  events: ReadonlySet<string>;
}

type Body = ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

/** `Event` is the JSON shape the caller expects (the API's chunk or event type), not checked here. */
export async function* sseEvents<Event>(body: Body, options: SseEventOptions): AsyncGenerator<Event> {
  const decoder = new SseDecoder(options.skip, options.omit);
  const chunks = 'getReader' in body ? body.getReader() : undefined;
  const iterator = chunks ? undefined : (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
  let finished = false;
  let done = false; // after [DONE]: the rest is read but ignored, as the SDK does
  try {
    for (;;) {
      const next = chunks ? await chunks.read() : await iterator!.next();
      if (next.done) break;
      for (const data of decoder.push(next.value)) {
        if (done) continue;
        if (data.startsWith('[DONE]')) {
          done = true;
          continue;
        }
        const event = JSON.parse(data) as (Event & { error?: unknown }) | null;
        if (event && event.error) throw options.errorEvent(event.error);
        yield event as Event;
      }
    }
    finished = true;
  } finally {
    // Stopped early (a stop sequence, an error, the client gone): end the upstream call.
    if (!finished) {
      if (chunks) await chunks.cancel().catch(() => undefined);
      else await iterator!.return?.().catch(() => undefined);
    } else {
      chunks?.releaseLock();
    }
  }
}

/** Splits SSE bytes into the data of each complete event. Lines end in LF, CRLF or CR. */
export class SseDecoder {
  private pending: Buffer | undefined;
  /** A CR ended the last chunk: an LF starting the next one belongs to it. */
  private afterCr = false;
  private eventName: string | undefined;
  private data: string[] = [];

  constructor(private readonly skip: ReadonlySet<string> = new Set(), private readonly omit?: OmittedEventMembers) {}

  /** The data of the events completed by this chunk, in order. */
  push(chunk: Uint8Array): string[] {
    let bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.afterCr) {
      this.afterCr = false;
      if (bytes.length > 0 && bytes[0] === LF) bytes = bytes.subarray(1);
    }
    if (this.pending) {
      bytes = Buffer.concat([this.pending, bytes]);
      this.pending = undefined;
    }
    const events: string[] = [];
    let nextCr = bytes.indexOf(CR);
    let start = 0;
    while (start < bytes.length) {
      if (nextCr !== -1 && nextCr < start) nextCr = bytes.indexOf(CR, start);
      let end = bytes.indexOf(LF, start);
      let next = end + 1;
      if (nextCr !== -1 && (end === -1 || nextCr < end)) {
        end = nextCr;
        if (end + 1 === bytes.length) this.afterCr = true; // an LF may start the next chunk
        next = bytes[end + 1] === LF ? end + 2 : end + 1;
      }
      if (end === -1) break;
      const data = this.line(bytes, start, end);
      if (data !== undefined) events.push(data);
      start = next;
    }
    if (start < bytes.length) this.pending = Buffer.from(bytes.subarray(start)); // a copy: the chunk is not ours to keep
    return events;
  }

  /** One line; returns an event's data when the line is the blank one that ends it. */
  private line(bytes: Buffer, start: number, end: number): string | undefined {
    if (start === end) {
      const data = this.data.length > 0 && !this.skipped() ? this.data.join('\n') : undefined;
      this.eventName = undefined;
      this.data = [];
      return data;
    }
    if (bytes[start] === 0x3a) return undefined; // ':' a comment
    const colon = bytes.indexOf(0x3a, start);
    const nameEnd = colon === -1 || colon > end ? end : colon;
    const name = bytes.toString('latin1', start, nameEnd);
    let valueStart = nameEnd === end ? end : nameEnd + 1;
    if (valueStart < end && bytes[valueStart] === 0x20) valueStart++;
    if (name === 'event') this.eventName = bytes.toString('utf8', valueStart, end);
    else if (name === 'data' && !this.skipped()) this.data.push(this.dataText(bytes, valueStart, end));
    return undefined;
  }

  private dataText(bytes: Buffer, start: number, end: number): string {
    const omitted = this.omit && this.eventName !== undefined && this.omit.events.has(this.eventName) ? jsonWithout(bytes, start, end, this.omit) : undefined;
    return omitted ?? bytes.toString('utf8', start, end);
  }

  private skipped(): boolean {
    return this.eventName !== undefined && this.skip.has(this.eventName);
  }
}
