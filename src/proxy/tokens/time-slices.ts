// Counting is CPU work on the thread the proxy shares, inside VS Code, with every other extension.
// One count takes a few ms, but Claude Code's /context sends 13 at once, and counted back to back
// they held the thread for about 50 ms. So works take turns, one at a time, and the one running
// gives the thread back (setImmediate: timers and I/O run first) once it has held it SLICE_MS.
const SLICE_MS = 2;

/** Work that may give the thread back at each `yield`, and returns a T. */
export type Steps<T> = Generator<void, T, void>;

export class TimeSlices {
  private turn: Promise<unknown> = Promise.resolve();
  private sliceStartedAt = 0;
  private lastStepAt = 0;

  /** Starts the work once every work asked for before it has ended, and runs it in slices. */
  run<T>(start: () => Promise<Steps<T>>): Promise<T> {
    const done = this.turn.then(async () => this.inSlices(await start()));
    this.turn = done.catch(() => undefined);
    return done;
  }

  private async inSlices<T>(steps: Steps<T>): Promise<T> {
    // The work before this one may have just ended in this same task: then its slice goes on.
    // After a pause the thread was free: a new slice.
    const startedAt = performance.now();
    if (startedAt - this.lastStepAt > SLICE_MS) this.sliceStartedAt = startedAt;
    for (;;) {
      const step = steps.next();
      const at = (this.lastStepAt = performance.now());
      if (step.done) return step.value;
      if (at - this.sliceStartedAt >= SLICE_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        this.sliceStartedAt = this.lastStepAt = performance.now();
      }
    }
  }
}
