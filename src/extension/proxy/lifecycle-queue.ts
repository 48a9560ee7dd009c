// Every change to the proxy (start, stop, a settings change, a new key or token) waits for the one
// before it, so that a settings change during a start cannot race it. A step that fails does not
// stop the queue: the next one runs all the same.
export class LifecycleQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const next = this.tail.then(work, work);
    this.tail = next.catch(() => undefined);
    return next;
  }
}
