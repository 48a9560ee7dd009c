import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TimeSlices, type Steps } from '../../../src/proxy/tokens/time-slices';

/** Work of `steps` steps that each spin for 0.1 ms, then returns `value`. */
function* busy<T>(steps: number, value: T): Steps<T> {
  for (let i = 0; i < steps; i++) {
    const end = performance.now() + 0.1;
    while (performance.now() < end);
    yield;
  }
  return value;
}

test('works take turns in the order asked, and the running one gives the thread back every 2 ms', async () => {
  const slices = new TimeSlices();
  const finished: string[] = [];
  let turns = 0;
  let done = false;
  const spin = () => { if (!done) { turns++; setImmediate(spin); } };
  setImmediate(spin);
  const first = slices.run(() => Promise.resolve(busy(300, 'first'))).then((value) => { finished.push(value); return value; });
  const second = slices.run(() => Promise.resolve(busy(10, 'second'))).then((value) => { finished.push(value); return value; });
  assert.deepEqual(await Promise.all([first, second]), ['first', 'second']);
  done = true;
  assert.deepEqual(finished, ['first', 'second']);
  assert.ok(turns >= 5, `the event loop turned ${turns} times during 300 steps of 0.1 ms in 2 ms slices`);
});

test('a work that fails to start or throws does not stop the ones after it', async () => {
  const slices = new TimeSlices();
  const failing = slices.run(() => Promise.reject(new Error('no tokenizer')));
  const throwing = slices.run(() => Promise.resolve((function* (): Steps<number> { yield; throw new Error('bad block'); })()));
  const after = slices.run(() => Promise.resolve(busy(0, 42)));
  await assert.rejects(failing, /no tokenizer/);
  await assert.rejects(throwing, /bad block/);
  assert.equal(await after, 42);
});

test('a step longer than a slice gives the thread back after it, not only after a pause', async () => {
  // Before, a step that took over 2 ms (a slow piece, or a machine so loaded the OS preempted the
  // thread mid-step) looked like a pause between counts, started a new slice, and never yielded.
  const slices = new TimeSlices();
  let turns = 0;
  let done = false;
  const spin = () => { if (!done) { turns++; setImmediate(spin); } };
  setImmediate(spin);
  function* longSteps(): Steps<number> {
    for (let i = 0; i < 6; i++) {
      const end = performance.now() + 3;
      while (performance.now() < end);
      yield;
    }
    return 6;
  }
  assert.equal(await slices.run(() => Promise.resolve(longSteps())), 6);
  done = true;
  assert.ok(turns >= 5, `the event loop turned ${turns} times during 6 steps of 3 ms`);
});
