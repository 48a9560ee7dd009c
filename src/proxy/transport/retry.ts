// Retries transient upstream failures that happen before anything was sent to the client.
// 429s are not retried here: Claude Code retries them itself (ten times, honouring
// retry-after), and retrying in both places multiplies the wait into minutes.
import { setTimeout as sleep } from 'node:timers/promises';
import type OpenAI from 'openai';

export interface RetryPolicy {
  retries: number;
  baseDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { retries: 2, baseDelayMs: 250 };

const RETRYABLE_STATUS = new Set([500, 502, 503, 504]);

export function isRetryable(error: unknown, sdk: typeof OpenAI): boolean {
  if (error instanceof sdk.APIUserAbortError) return false;
  if (error instanceof sdk.APIConnectionError) return true; // timeouts included
  return error instanceof sdk.APIError && typeof error.status === 'number' && RETRYABLE_STATUS.has(error.status);
}

export async function withRetries<T>(
  call: () => Promise<T>,
  sdk: typeof OpenAI,
  policy: RetryPolicy,
  signal: AbortSignal,
  onRetry?: (attempt: number, error: unknown) => void,
  attemptTimeoutMs = Number.POSITIVE_INFINITY,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const startedAt = Date.now();
    try {
      return await call();
    } catch (error) {
      if (attempt >= policy.retries || signal.aborted || !isRetryable(error, sdk)) throw error;
      // A timeout that used the whole upstream timeout (10 min by default) is not tried again:
      // that would make the worst case three times as long. A quick connect timeout still is.
      if (error instanceof sdk.APIConnectionTimeoutError && Date.now() - startedAt >= attemptTimeoutMs * 0.9) throw error;
      onRetry?.(attempt + 1, error);
      const delay = policy.baseDelayMs * 3 ** attempt * (0.8 + Math.random() * 0.4);
      await sleep(delay, undefined, { signal }); // rejects at once when the client goes away
    }
  }
}
