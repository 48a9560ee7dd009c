// The proxy's own retries: bounded, and never a timeout that already used the whole upstream timeout.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import OpenAI from 'openai';
import { withRetries } from '../../../src/proxy/transport/retry';

const policy = { retries: 2, baseDelayMs: 1 };

async function attemptsUntilFailure(failAfterMs: number, attemptTimeoutMs: number): Promise<number> {
  let attempts = 0;
  await assert.rejects(withRetries(async () => {
    attempts++;
    await sleep(failAfterMs);
    throw new OpenAI.APIConnectionTimeoutError();
  }, OpenAI, policy, new AbortController().signal, undefined, attemptTimeoutMs), OpenAI.APIConnectionTimeoutError);
  return attempts;
}

test('a timeout that took the whole upstream timeout is not retried', async () => {
  assert.equal(await attemptsUntilFailure(60, 60), 1);
});

test('a quick timeout (a connect timeout well inside the upstream timeout) is retried, a bounded number of times', async () => {
  assert.equal(await attemptsUntilFailure(0, 10_000), 1 + policy.retries);
});
