// Shared pieces of the reliability tests: a raw HTTP client that can hang up at any moment, small
// purpose-built upstream servers for faults the strict fake cannot produce, a seeded PRNG, checks
// of well-formed answers, and a tracker of live timers and sockets (SSE parsing: harness.ts).
import { createHook } from 'node:async_hooks';
import { Agent, createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { parseSse, PROXY_TOKEN, type SseEvent } from './harness';

export const authHeaders = { authorization: `Bearer ${PROXY_TOKEN}` };

/** mulberry32: a small, fast, seeded PRNG, so that every run tries the same cases. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface ClientResult {
  status: number;
  statusMessage: string;
  headers: IncomingHttpHeaders;
  text: string;
  /** the client hung up before the answer ended (on purpose) */
  aborted: boolean;
  /** when the client hung up (performance.now()) */
  abortedAt?: number;
}

export interface SendOptions {
  method?: string;
  headers?: Record<string, string>;
  agent?: Agent;
  /** hang up as soon as this returns true for the answer received so far (status, text) */
  abortWhen?: (received: { status: number; text: string }) => boolean;
  /** hang up when this settles (before or after the answer's headers) */
  abortOn?: Promise<unknown>;
  /** fail instead of hanging (default 20 s) */
  timeoutMs?: number;
  /** with it, timeoutMs counts from the last byte received rather than from the start: a long
   *  answer that keeps arriving (however slowly, on a busy machine) is not a hang */
  resetOnData?: boolean;
}

/** One HTTP request to the proxy over node:http; the body is sent as given when it is a string or Buffer. */
export function send(baseUrl: string, path: string, body: unknown, options: SendOptions = {}): Promise<ClientResult> {
  const { port } = new URL(baseUrl);
  const payload = body === undefined ? undefined : typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    let status = 0;
    let statusMessage = '';
    let headers: IncomingHttpHeaders = {};
    let text = '';
    let done = false;
    const finish = (aborted: boolean, abortedAt?: number) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve({ status, statusMessage, headers, text, aborted, abortedAt });
    };
    const hangUp = () => {
      if (done) return;
      const at = performance.now();
      req.destroy();
      finish(true, at);
    };
    const timer = setTimeout(() => {
      if (done) return;
      done = true;
      req.destroy();
      const since = options.resetOnData ? ' since the last byte' : '';
      reject(new Error(`no complete answer to ${options.method ?? 'POST'} ${path} in ${options.timeoutMs ?? 20000} ms${since} (status ${status}, got: ${text.slice(0, 300)})`));
    }, options.timeoutMs ?? 20000);
    const req = httpRequest({
      host: '127.0.0.1',
      port,
      method: options.method ?? 'POST',
      path,
      agent: options.agent,
      headers: {
        ...(payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) }),
        ...(options.headers ?? authHeaders),
      },
    }, (res: IncomingMessage) => {
      status = res.statusCode ?? 0;
      statusMessage = res.statusMessage ?? '';
      headers = res.headers;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
        if (options.resetOnData) timer.refresh();
        if (options.abortWhen?.({ status, text })) hangUp();
      });
      res.on('end', () => finish(false));
      res.on('error', (error) => { if (!done) { done = true; clearTimeout(timer); reject(error); } });
      if (options.abortWhen?.({ status, text })) hangUp();
    });
    req.on('error', (error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      reject(error);
    });
    options.abortOn?.then(hangUp, hangUp);
    req.end(payload);
  });
}

/** Asserts-free check of Anthropic's error envelope: returns the error type, or undefined. */
export function anthropicErrorType(text: string): string | undefined {
  try {
    const body = JSON.parse(text);
    if (body?.type === 'error' && typeof body.error?.type === 'string' && typeof body.error?.message === 'string') return body.error.type;
  } catch {
    // not JSON
  }
  return undefined;
}

/**
 * A well-formed streamed Anthropic answer: message_start first, then either message_stop last
 * (with every content block started before its deltas and stopped before the end) or an `error`
 * event last. Returns what it ended with, or throws a description of what is wrong.
 */
export function checkStream(events: SseEvent[]): { ended: 'message_stop' | 'error'; text: string; json: string; error?: { type: string; message: string } } {
  const problems: string[] = [];
  if (events[0]?.event !== 'message_start') problems.push(`first event is ${events[0]?.event}`);
  const last = events.at(-1);
  const open = new Set<number>();
  let text = '';
  let json = '';
  for (const { event, data } of events) {
    if (event === 'ping') continue;
    if (data?.type !== event) problems.push(`event ${event} carries type ${data?.type}`);
    if (event === 'content_block_start') open.add(data.index);
    if (event === 'content_block_delta') {
      if (!open.has(data.index)) problems.push(`delta for block ${data.index} that is not open`);
      const field = { text_delta: 'text', input_json_delta: 'partial_json', thinking_delta: 'thinking', signature_delta: 'signature' }[data.delta?.type as string];
      if (!field || typeof data.delta[field] !== 'string') problems.push(`delta ${JSON.stringify(data.delta).slice(0, 100)} is not a string delta`);
      if (data.delta.type === 'text_delta') text += data.delta.text;
      if (data.delta.type === 'input_json_delta') json += data.delta.partial_json;
    }
    if (event === 'content_block_stop') open.delete(data.index);
  }
  let ended: 'message_stop' | 'error';
  if (last?.event === 'message_stop') {
    ended = 'message_stop';
    if (open.size > 0) problems.push(`blocks ${[...open].join(',')} never stopped`);
  } else if (last?.event === 'error') {
    ended = 'error';
    if (typeof last.data?.error?.type !== 'string' || typeof last.data?.error?.message !== 'string') problems.push('error event without type and message');
  } else {
    problems.push(`last event is ${last?.event}`);
    ended = 'error';
  }
  if (problems.length > 0) throw new Error(`malformed Anthropic stream: ${problems.join('; ')}`);
  return { ended, text, json, error: ended === 'error' ? last!.data.error : undefined };
}

/** Runs `count` jobs with at most `concurrency` at a time. */
export async function pool(count: number, concurrency: number, job: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(concurrency, count) }, async () => {
    while (next < count) await job(next++);
  });
  await Promise.all(workers);
}


/** Counts live timers (ref'd or not) and sockets by async resource type, from the moment it starts. */
export class ResourceTracker {
  private readonly live = new Map<number, string>();
  private readonly hook = createHook({
    init: (id, type) => {
      if (type === 'Timeout' || type === 'TCPWRAP' || type === 'HTTPCLIENTREQUEST' || type === 'HTTPINCOMINGMESSAGE') this.live.set(id, type);
    },
    destroy: (id) => { this.live.delete(id); },
  });

  start(): this {
    this.hook.enable();
    return this;
  }

  stop(): void {
    this.hook.disable();
  }

  /** Resources created since start() that are still alive, by type. */
  count(type: 'Timeout' | 'TCPWRAP' | 'HTTPCLIENTREQUEST' | 'HTTPINCOMINGMESSAGE'): number {
    let n = 0;
    for (const value of this.live.values()) if (value === type) n++;
    return n;
  }
}

/** process.getActiveResourcesInfo() as counts by name (ref'd handles only). */
export function activeResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const name of process.getActiveResourcesInfo()) counts[name] = (counts[name] ?? 0) + 1;
  return counts;
}

export interface RawUpstream {
  /** base URL including /v1 */
  url: string;
  /** every request received, with when its connection closed (performance.now()) */
  calls: { path: string; body: string; receivedAt: number; closedAt?: number }[];
  openSockets(): number;
  close(): Promise<void>;
}

/** A bare node:http server standing in for OpenAI, for faults the strict fake cannot produce:
 *  the handler gets the raw request and response (and their socket) and may do anything. */
export async function startRawUpstream(handler: (req: IncomingMessage, res: ServerResponse, body: string, index: number) => void | Promise<void>): Promise<RawUpstream> {
  const calls: RawUpstream['calls'] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const call = { path: req.url ?? '', body: Buffer.concat(chunks).toString('utf8'), receivedAt: performance.now(), closedAt: undefined as number | undefined };
      calls.push(call);
      res.on('close', () => { call.closedAt = performance.now(); });
      Promise.resolve(handler(req, res, call.body, calls.length - 1)).catch((error) => {
        res.destroy(error);
      });
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    calls,
    openSockets: () => sockets.size,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

/** One Chat Completions SSE chunk, as OpenAI frames it. */
export function chatChunk(delta: Record<string, unknown>, finish: string | null = null): string {
  return `data: ${JSON.stringify({ id: 'chatcmpl-raw', object: 'chat.completion.chunk', created: 1, model: 'gpt-4.1-2025-04-14', choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] })}\n\n`;
}

export const sseHeaders = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' };

/** A well-formed whole Anthropic message; throws a description of what is wrong. */
export function checkMessage(message: any): { text: string } {
  const problems: string[] = [];
  if (message?.type !== 'message' || message.role !== 'assistant') problems.push('not an assistant message');
  if (!Array.isArray(message?.content)) problems.push('content is not an array');
  for (const block of message?.content ?? []) {
    if (block.type === 'text' && typeof block.text !== 'string') problems.push('text block without string text');
    else if (block.type === 'tool_use' && (typeof block.name !== 'string' || typeof block.input !== 'object' || block.input === null)) problems.push('tool_use block without name or object input');
    else if (block.type === 'thinking' && typeof block.thinking !== 'string') problems.push('thinking block without string thinking');
    else if (!['text', 'tool_use', 'thinking', 'redacted_thinking'].includes(block.type)) problems.push(`block type ${block.type}`);
  }
  if (!['end_turn', 'max_tokens', 'stop_sequence', 'tool_use', 'refusal', 'pause_turn'].includes(message?.stop_reason)) problems.push(`stop_reason ${message?.stop_reason}`);
  if (typeof message?.usage?.input_tokens !== 'number' || typeof message?.usage?.output_tokens !== 'number') problems.push('usage without numbers');
  if (problems.length > 0) throw new Error(`malformed Anthropic message: ${problems.join('; ')}: ${JSON.stringify(message).slice(0, 300)}`);
  return { text: message.content.filter((block: any) => block.type === 'text').map((block: any) => block.text).join('') };
}

/**
 * The client's view of one answer, whatever it is: a whole message, a stream, or an Anthropic
 * error (JSON, or an SSE error event). Throws when the answer is none of these well-formed things.
 */
export function classify(result: ClientResult): { kind: 'message' | 'stream' | 'error' | 'stream_error'; status: number; text: string; error?: { type: string; message: string } } {
  const type = String(result.headers['content-type'] ?? '');
  if (type.startsWith('text/event-stream')) {
    if (result.status !== 200) throw new Error(`a stream with status ${result.status}`);
    const stream = checkStream(parseSse(result.text));
    return { kind: stream.ended === 'error' ? 'stream_error' : 'stream', status: 200, text: stream.text, error: stream.error };
  }
  if (!type.startsWith('application/json')) throw new Error(`content-type ${type}, status ${result.status}: ${result.text.slice(0, 200)}`);
  if (result.status === 200) return { kind: 'message', status: 200, ...checkMessage(JSON.parse(result.text)) };
  const errorType = anthropicErrorType(result.text);
  if (!errorType) throw new Error(`status ${result.status} without an Anthropic error body: ${result.text.slice(0, 200)}`);
  return { kind: 'error', status: result.status, text: '', error: JSON.parse(result.text).error };
}
