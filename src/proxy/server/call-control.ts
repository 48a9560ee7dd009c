// Everything that can end one upstream call early, in one place: the client leaving, the proxy
// stopping, the upstream going silent for too long, or a stop sequence being matched.
export type AbortReason = 'client closed' | 'proxy stopped' | 'upstream idle' | 'stop sequence';

/** Reasons that end the whole request; the others end only the current upstream attempt. */
const requestWide = (reason: AbortReason): boolean => reason === 'client closed' || reason === 'proxy stopped';

export class CallControl {
  // One controller per upstream attempt: a timed-out attempt must not leave the fallback route
  // that follows it with an already-aborted signal. A request-wide abort ends the current attempt
  // and every later one (nextAttempt() keeps the aborted controller).
  private controller = new AbortController();
  private requestEnded = false;
  private idleTimer: NodeJS.Timeout | undefined;
  private lastActivity = Date.now();
  /** Why the current attempt (or the whole request) was ended; the first reason wins, except
   *  that the client leaving or the proxy stopping overrides an attempt's own reason. */
  reason: AbortReason | undefined;

  constructor(private readonly idleTimeoutMs: number) {}

  /** The current attempt's signal: hand it to exactly one upstream attempt. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get aborted(): boolean {
    return this.reason !== undefined;
  }

  /** True once the client left or the proxy stopped: no further attempt may start. */
  get ended(): boolean {
    return this.requestEnded;
  }

  abort(reason: AbortReason): void {
    if (this.requestEnded) return;
    if (requestWide(reason)) this.requestEnded = true;
    else if (this.reason !== undefined) return;
    this.reason = reason;
    this.stopWatching();
    this.controller.abort();
  }

  /** Starts a fresh attempt (a fallback route) after one that was ended or failed: a new signal,
   *  no reason, no watchdog. Does nothing once the request itself has ended. */
  nextAttempt(): void {
    if (this.requestEnded) return;
    this.stopWatching();
    this.reason = undefined;
    if (this.controller.signal.aborted) this.controller = new AbortController();
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
