// CallControl: one abort signal per upstream attempt, so that an attempt the idle watchdog ended
// does not hand an aborted signal to the fallback route after it; the client leaving or the
// proxy stopping ends every attempt, present and future.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CallControl } from '../../../src/proxy/server/call-control';

test('an attempt ended by the idle watchdog leaves the next attempt a live signal', async () => {
  const call = new CallControl(20);
  call.watchIdle();
  const first = call.signal;
  await new Promise((resolve) => setTimeout(resolve, 80));
  assert.equal(first.aborted, true);
  assert.equal(call.reason, 'upstream idle');
  assert.equal(call.ended, false);
  call.nextAttempt();
  assert.notEqual(call.signal, first);
  assert.equal(call.signal.aborted, false);
  assert.equal(call.reason, undefined);
  call.stopWatching();
});

test('the client leaving ends the current attempt and every later one, and overrides an attempt\'s own reason', () => {
  const call = new CallControl(0);
  call.abort('upstream idle');
  call.abort('client closed');
  assert.equal(call.reason, 'client closed');
  assert.equal(call.ended, true);
  call.nextAttempt();
  assert.equal(call.signal.aborted, true, 'no fresh signal once the request is over');
  assert.equal(call.reason, 'client closed');
  call.abort('proxy stopped');
  assert.equal(call.reason, 'client closed', 'the first request-wide reason stays');
});

test('a live attempt keeps its signal across nextAttempt (nothing to replace)', () => {
  const call = new CallControl(0);
  const signal = call.signal;
  call.nextAttempt();
  assert.equal(call.signal, signal);
  call.abort('stop sequence');
  assert.equal(call.signal.aborted, true);
  assert.equal(call.ended, false);
});
