// Writes Anthropic's server-sent events to the client, with a ping while the upstream is silent
// (reasoning models think for a long time before their first token). The events one upstream
// chunk produces go out in one `write`, at the end of the tick that produced them: never held
// for a later chunk. Node gathers the socket writes of a tick by itself, but each `write` still
// costs its own chunked-encoding frame and trip through the HTTP layer (about 12% of a small
// stream's CPU).
import type { ServerResponse } from 'node:http';
import type { EventSink, StreamEvent } from './events';

export interface SseWriterOptions {
  pingIntervalMs: number;
}

export class SseWriter implements EventSink {
  private lastWrite = Date.now();
  private readonly pingTimer: NodeJS.Timeout;
  private closed = false;
  private pending = '';
  private flushScheduled = false;
  private readonly flush = () => {
    this.flushScheduled = false;
    if (this.pending === '' || this.closed || this.response.destroyed) return;
    const text = this.pending;
    this.pending = '';
    this.response.write(text);
  };

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

  /** Sends what is pending together with the end of the stream. */
  end(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.pingTimer);
    const text = this.pending;
    this.pending = '';
    if (text !== '' && !this.response.destroyed) this.response.end(text);
    else this.response.end();
  }

  private write(name: string, payload: unknown): void {
    if (this.closed || this.response.destroyed) return;
    this.lastWrite = Date.now();
    this.pending += `event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`;
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      // After the promise jobs of this tick: the SDK hands over one chunk's events as a chain of them.
      process.nextTick(this.flush);
    }
  }
}
