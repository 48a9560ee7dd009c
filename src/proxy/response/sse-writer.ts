// Writes Anthropic's server-sent events to the client, one write per event so each is flushed
// as soon as it is produced, with a ping while the upstream is silent (reasoning models think
// for a long time before their first token).
import type { ServerResponse } from 'node:http';
import type { EventSink, StreamEvent } from './events';

export interface SseWriterOptions {
  pingIntervalMs: number;
}

export class SseWriter implements EventSink {
  private lastWrite = Date.now();
  private readonly pingTimer: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly response: ServerResponse, options: SseWriterOptions) {
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    response.socket?.setNoDelay(true);
    this.pingTimer = setInterval(() => {
      if (Date.now() - this.lastWrite >= options.pingIntervalMs) this.emit({ type: 'ping' });
    }, Math.max(50, Math.floor(options.pingIntervalMs / 2)));
    this.pingTimer.unref();
  }

  emit(event: StreamEvent): void {
    this.write(event.type, event);
  }

  /** After a stream has started, an error can only go out as an SSE `error` event. */
  error(type: string, message: string): void {
    this.write('error', { type: 'error', error: { type, message } });
  }

  end(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.pingTimer);
    this.response.end();
  }

  private write(name: string, payload: unknown): void {
    if (this.closed || this.response.destroyed) return;
    this.lastWrite = Date.now();
    this.response.write(`event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`);
  }
}
