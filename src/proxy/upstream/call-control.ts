// Everything that can end one upstream call early, in one place: the client leaving, the proxy
// stopping, the upstream going silent for too long, or a stop sequence being matched.
export type AbortReason = 'client closed' | 'proxy stopped' | 'upstream idle' | 'stop sequence';

export class CallControl {
  private readonly controller = new AbortController();
  private idleTimer: NodeJS.Timeout | undefined;
  private lastActivity = Date.now();
  reason: AbortReason | undefined;

  constructor(private readonly idleTimeoutMs: number) {}

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get aborted(): boolean {
    return this.reason !== undefined;
  }

  abort(reason: AbortReason): void {
    if (this.reason !== undefined) return;
    this.reason = reason;
    this.stopWatching();
    this.controller.abort();
  }

  /** Starts the idle watchdog: the upstream must send something at least every idleTimeoutMs.
   *  One timer per call, re-armed lazily, so that a chunk costs a timestamp, not a timer. */
  watchIdle(): void {
    this.lastActivity = Date.now();
    if (this.idleTimer || this.idleTimeoutMs <= 0) return;
    const check = (): void => {
      const silentFor = Date.now() - this.lastActivity;
      if (silentFor >= this.idleTimeoutMs) {
        this.idleTimer = undefined;
        this.abort('upstream idle');
      } else {
        this.idleTimer = setTimeout(check, this.idleTimeoutMs - silentFor);
      }
    };
    this.idleTimer = setTimeout(check, this.idleTimeoutMs);
  }

  touch(): void {
    this.lastActivity = Date.now();
  }

  stopWatching(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  /** Passes the upstream stream through, noting each item for the idle watchdog. The SDK ends a
   *  stream quietly when it is aborted; here that becomes an error, so that a translator never
   *  finishes a message the proxy cut short. */
  async *watched<T>(stream: AsyncIterable<T>): AsyncIterable<T> {
    for await (const item of stream) {
      this.lastActivity = Date.now();
      yield item;
    }
    if (this.reason !== undefined && this.reason !== 'stop sequence') throw new CallAbortedError(this.reason);
  }
}

export class CallAbortedError extends Error {
  constructor(readonly reason: AbortReason) {
    super(`The upstream call was ended: ${reason}`);
  }
}
