// The answer side of node-http-fetch.ts: a `Response` for the openai SDK that reads a node:http
// answer directly. Built for every upstream call, a WHATWG Response over a web ReadableStream cost
// the proxy about 8% of its CPU per request (the stream's construction alone, with its
// transfer support, 2%), and added a trip through the stream's queue to every chunk. Here:
// - `text()` / `json()` / `arrayBuffer()` read the node stream straight into one buffer;
// - `chunks()` gives the chunks as they arrive, for the proxy's own SSE reader (sse-events.ts);
// - `body` (a web ReadableStream) is made only when someone asks for it.
// What it keeps from a fetch Response: read-only, case-insensitive headers (combined and sorted
// as fetch does), a body that can be read once, a read that fails with
// TypeError 'terminated' when the answer breaks off, and the abort reason when the call is aborted.
import type { Readable } from 'node:stream';

type PairIterator = ReturnType<Headers['entries']>;
type StringIterator = ReturnType<Headers['keys']>;

/** A fetch Response's headers, from node:http's raw header list: read-only, case-insensitive,
 *  repeated headers combined with ", ", iterated sorted by name. Its fields are private (#), so
 *  that code which lists an object's own properties (the SDK's debug log does, for anything
 *  that is not a built-in Headers) finds none. */
export class ResponseHeaders implements Headers {
  readonly #byName = new Map<string, string>();
  readonly #cookies: string[] = [];
  #sorted: [string, string][] | undefined;

  constructor(rawHeaders: readonly string[]) {
    for (let i = 0; i < rawHeaders.length; i += 2) {
      const name = rawHeaders[i].toLowerCase();
      const value = rawHeaders[i + 1];
      if (name === 'set-cookie') this.#cookies.push(value);
      const previous = this.#byName.get(name);
      this.#byName.set(name, previous === undefined ? value : `${previous}, ${value}`);
    }
  }

  get(name: string): string | null {
    return this.#byName.get(name.toLowerCase()) ?? null;
  }

  has(name: string): boolean {
    return this.#byName.has(name.toLowerCase());
  }

  getSetCookie(): string[] {
    return [...this.#cookies];
  }

  entries(): PairIterator {
    return this.#pairs()[Symbol.iterator]();
  }

  keys(): StringIterator {
    return this.#pairs().map(([name]) => name)[Symbol.iterator]();
  }

  values(): StringIterator {
    return this.#pairs().map(([, value]) => value)[Symbol.iterator]();
  }

  forEach(callback: (value: string, name: string, parent: Headers) => void, thisArg?: unknown): void {
    for (const [name, value] of this.#pairs()) callback.call(thisArg, value, name, this);
  }

  [Symbol.iterator](): PairIterator {
    return this.entries();
  }

  set(): void {
    throw new TypeError('immutable');
  }

  append(): void {
    throw new TypeError('immutable');
  }

  delete(): void {
    throw new TypeError('immutable');
  }

  /** As fetch iterates them: sorted by name, each set-cookie on its own. */
  #pairs(): [string, string][] {
    if (!this.#sorted) {
      this.#sorted = [];
      for (const name of [...this.#byName.keys()].sort()) {
        if (name === 'set-cookie') for (const cookie of this.#cookies) this.#sorted.push([name, cookie]);
        else this.#sorted.push([name, this.#byName.get(name)!]);
      }
    }
    return this.#sorted;
  }
}

/** While this much is read but not yet taken, the socket is paused (back-pressure). */
const HIGH_WATER_BYTES = 64 * 1024;

export interface NodeBodyEvents {
  /** The reader stopped early: end the call. */
  onCancel(): void;
  /** The body is over: read to its end, failed or cancelled. Called once. */
  onDone(): void;
}

/** One answer's body: the node stream's chunks, queued until they are read. A stream that
 *  errors, or closes before its end, fails the body with TypeError 'terminated', as fetch does. */
export class NodeBody {
  private readonly queue: Buffer[] = [];
  private queuedBytes = 0;
  private ended = false;
  private failure: { error: unknown } | undefined;
  private waiting: { resolve: (result: IteratorResult<Buffer>) => void; reject: (error: unknown) => void } | undefined;

  constructor(private readonly source: Readable, private readonly events: NodeBodyEvents) {
    source.on('data', (chunk: Buffer) => this.push(chunk));
    source.on('end', () => this.end());
    source.on('error', (error) => this.fail(new TypeError('terminated', { cause: error })));
    // Closed without 'end' (the connection reset or closed mid-body, and Node emitted no error).
    // Every answer closes after its end: the errors (a stack trace each, 3% of a small call's
    // CPU) are made only when the close decides the outcome.
    source.on('close', () => {
      if (!this.settled) this.fail(new TypeError('terminated', { cause: new Error('other side closed') }));
    });
  }

  /** Ended, failed or cancelled: nothing changes the outcome any more. */
  private get settled(): boolean {
    return this.ended || this.failure !== undefined;
  }

  /** Next chunk, or done at the end; rejects with the failure. */
  read(): Promise<IteratorResult<Buffer>> {
    if (this.failure) return Promise.reject(this.failure.error);
    const chunk = this.queue.shift();
    if (chunk) {
      this.queuedBytes -= chunk.length;
      if (this.queuedBytes < HIGH_WATER_BYTES && this.source.isPaused()) this.source.resume();
      return Promise.resolve({ value: chunk, done: false });
    }
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }

  /** Ends the body with an error: queued chunks are dropped, as a web stream does. */
  fail(error: unknown): void {
    if (this.settled) return;
    this.failure = { error };
    this.queue.length = 0;
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.reject(error);
    this.events.onDone();
  }

  /** Stops reading: the answer is not wanted any more. */
  cancel(): void {
    if (this.settled) return;
    this.ended = true;
    this.queue.length = 0;
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.resolve({ value: undefined, done: true });
    this.events.onDone();
    this.events.onCancel();
  }

  private push(chunk: Buffer): void {
    if (this.settled) return;
    const waiting = this.waiting;
    if (waiting) {
      this.waiting = undefined;
      waiting.resolve({ value: chunk, done: false });
      return;
    }
    this.queue.push(chunk);
    this.queuedBytes += chunk.length;
    if (this.queuedBytes >= HIGH_WATER_BYTES) this.source.pause();
  }

  private end(): void {
    if (this.settled) return;
    this.ended = true;
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.resolve({ value: undefined, done: true });
    this.events.onDone();
  }
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];

export interface NodeHttpResponseInit {
  status: number;
  statusText: string;
  headers: ResponseHeaders;
  url: string;
  redirected: boolean;
  /** null for answers that have no body (HEAD, 204, 304...). */
  body: NodeBody | null;
}

export class NodeHttpResponse implements Response {
  readonly status: number;
  readonly statusText: string;
  readonly headers: ResponseHeaders;
  readonly url: string;
  readonly redirected: boolean;
  readonly type = 'basic' as const;
  private readonly source: NodeBody | null;
  private used = false;
  private webStream: ReadableStream<Uint8Array<ArrayBuffer>> | null | undefined;

  constructor(init: NodeHttpResponseInit) {
    this.status = init.status;
    this.statusText = init.statusText;
    this.headers = init.headers;
    this.url = init.url;
    this.redirected = init.redirected;
    this.source = init.body;
  }

  get ok(): boolean {
    return this.status >= 200 && this.status <= 299;
  }

  get bodyUsed(): boolean {
    return this.used;
  }

  /** The body as a web ReadableStream, made on first use. */
  get body(): ReadableStream<Uint8Array<ArrayBuffer>> | null {
    if (this.webStream !== undefined) return this.webStream;
    const source = this.source;
    if (!source) return (this.webStream = null);
    this.webStream = new ReadableStream<Uint8Array<ArrayBuffer>>({
      pull: async (controller) => {
        this.used = true;
        const next = await source.read();
        if (next.done) controller.close();
        else controller.enqueue(next.value as Uint8Array<ArrayBuffer>);
      },
      cancel: () => source.cancel(),
    }, { highWaterMark: 0 });
    return this.webStream;
  }

  /** The body's chunks as they arrive; stopping early (break, return) cancels the call. */
  chunks(): AsyncIterableIterator<Buffer> {
    const source = this.take();
    const iterator: AsyncIterableIterator<Buffer> = {
      next: () => (source ? source.read() : Promise.resolve({ value: undefined, done: true })),
      return: () => {
        source?.cancel();
        return Promise.resolve({ value: undefined, done: true });
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  async text(): Promise<string> {
    const bytes = await this.readAll();
    const bom = bytes.length >= 3 && bytes[0] === UTF8_BOM[0] && bytes[1] === UTF8_BOM[1] && bytes[2] === UTF8_BOM[2];
    return bytes.toString('utf8', bom ? 3 : 0);
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = await this.readAll();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }

  async bytes(): Promise<Uint8Array<ArrayBuffer>> {
    return new Uint8Array(await this.arrayBuffer());
  }

  async blob(): Promise<Blob> {
    return new Blob([await this.arrayBuffer()], { type: this.headers.get('content-type') ?? '' });
  }

  formData(): Promise<FormData> {
    return Promise.reject(new TypeError('node-http-fetch: formData() is not supported'));
  }

  clone(): Response {
    throw new TypeError('node-http-fetch: clone() is not supported');
  }

  private take(): NodeBody | null {
    if (this.used) throw new TypeError('Body is unusable: Body has already been read');
    this.used = true;
    return this.source;
  }

  private async readAll(): Promise<Buffer> {
    const source = this.take();
    if (!source) return Buffer.alloc(0);
    const chunks: Buffer[] = [];
    let size = 0;
    for (;;) {
      const next = await source.read();
      if (next.done) break;
      chunks.push(next.value);
      size += next.value.length;
    }
    return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
  }
}

/** The chunks of an upstream answer's body, by the cheapest way the response offers. */
export function bodyChunks(response: Response): AsyncIterable<Uint8Array> | ReadableStream<Uint8Array> | null {
  return response instanceof NodeHttpResponse ? response.chunks() : response.body;
}
