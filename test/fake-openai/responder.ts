// Writes one HTTP answer: JSON, or an SSE stream that can pause, stall, and notice the client leaving.
import type { ServerResponse } from 'node:http';
import { ids } from './util';

export class Responder {
  /** the connection is gone (client abort, or the answer was fully sent) */
  closed = false;
  private wakers = new Set<() => void>();
  private readonly requestId = ids.request();

  constructor(private readonly res: ServerResponse) {
    res.on('close', () => {
      this.closed = true;
      for (const wake of this.wakers) wake();
      this.wakers.clear();
    });
  }

  /** true once the fake called end(): closing after that is not an abort */
  get ended(): boolean {
    return this.res.writableEnded;
  }

  private commonHeaders(): Record<string, string> {
    return { 'x-request-id': this.requestId, 'openai-version': '2020-10-01', 'openai-processing-ms': '42' };
  }

  json(status: number, body: unknown, headers: Record<string, string> = {}): void {
    this.send(status, JSON.stringify(body), 'application/json', headers);
  }

  send(status: number, text: string, contentType: string, headers: Record<string, string> = {}): void {
    if (this.closed) return;
    this.res.writeHead(status, { ...this.commonHeaders(), 'content-type': contentType, ...headers });
    this.res.end(text);
  }

  startStream(): void {
    if (this.closed) return;
    this.res.writeHead(200, { ...this.commonHeaders(), 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
    this.res.flushHeaders();
  }

  /** `data: ...` (Chat Completions framing) */
  data(payload: unknown): void {
    this.write(`data: ${typeof payload === 'string' ? payload : JSON.stringify(payload)}\n\n`);
  }

  /** `event: name` + `data: ...` (Responses framing) */
  event(name: string, payload: unknown): void {
    this.write(`event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`);
  }

  end(): void {
    if (!this.closed) this.res.end();
  }

  /** Waits ms, or less if the connection closes meanwhile. */
  sleep(ms: number): Promise<void> {
    if (ms <= 0 || this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.wakers.add(wake);
    });
  }

  /** Waits until the connection closes (client abort or server shutdown). */
  untilClosed(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => this.wakers.add(resolve));
  }

  private write(text: string): void {
    if (!this.closed) this.res.write(text);
  }
}
