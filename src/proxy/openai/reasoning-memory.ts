// Reasoning continuity when no thinking block can carry it. A client that did not ask for
// thinking (or turned it off) gets no thinking block, so the encrypted reasoning of a Responses
// API answer would be lost, and OpenAI wants it replayed before the function_call it preceded,
// mid tool loop above all. The proxy keeps it here instead, keyed by that call's id (which the
// client repeats next turn in its tool_use block) and bound to the caller it came from, bounded
// in entries and bytes, and forgotten after a while. One per proxy instance (ProxyContext).
// Encrypted reasoning is only valid at the provider that made it: each entry names it, and only
// a call to that provider recalls it.
import type { ReasoningPayload } from './reasoning-signature';

/** The remembered reasoning that preceded a tool call, by the call's id; bound to one caller. */
export type RecallReasoning = (callId: string) => readonly ReasoningPayload[] | undefined;

/** Keeps the reasoning that preceded a tool call, by the call's id; bound to one caller. */
export type KeepReasoning = (callId: string, payloads: readonly ReasoningPayload[]) => void;

export interface ReasoningMemoryLimits {
  maxEntries: number;
  /** Total length of the stored encrypted content, summaries and call ids. */
  maxBytes: number;
  /** An entry unused for this long is forgotten (a tool loop revisits it every turn). */
  ttlMs: number;
}

export const DEFAULT_REASONING_MEMORY_LIMITS: ReasoningMemoryLimits = { maxEntries: 2000, maxBytes: 16 * 1024 * 1024, ttlMs: 30 * 60 * 1000 };

interface Entry {
  /** The provider that made the reasoning (routing/providers.ts). */
  provider: string;
  /** The hashed metadata.user_id of the request it answered: another caller repeating the call
   *  id does not get this conversation's reasoning. */
  caller: string | undefined;
  payloads: readonly ReasoningPayload[];
  bytes: number;
  usedAt: number;
}

export class ReasoningMemory {
  /** In the order remembered, oldest first: eviction and expiry take from the front. */
  private readonly entries = new Map<string, Entry>();
  private totalBytes = 0;

  constructor(private readonly limits: ReasoningMemoryLimits = DEFAULT_REASONING_MEMORY_LIMITS, private readonly now: () => number = Date.now) {}

  get size(): number {
    return this.entries.size;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  /** Keyed by the call id alone, the caller checked on recall: a caller-and-id key string built
   *  for every tool_use of a history cost 0.7 µs a lookup, the id alone 0.3-0.5 µs (measured,
   *  bench/reasoning-memory.ts). */
  remember(callId: string, caller: string | undefined, provider: string, payloads: readonly ReasoningPayload[]): void {
    const bytes = callId.length + payloads.reduce((sum, payload) => sum + payloadBytes(payload), 0);
    if (bytes > this.limits.maxBytes) return;
    this.forget(callId);
    this.entries.set(callId, { provider, caller, payloads, bytes, usedAt: this.now() });
    this.totalBytes += bytes;
    this.expire();
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.limits.maxEntries && this.totalBytes <= this.limits.maxBytes) break;
      this.forget(oldest);
    }
  }

  recall(callId: string, caller: string | undefined, provider: string): readonly ReasoningPayload[] | undefined {
    const entry = this.entries.get(callId);
    if (!entry || entry.caller !== caller || entry.provider !== provider) return undefined;
    if (this.now() - entry.usedAt > this.limits.ttlMs) {
      this.forget(callId);
      return undefined;
    }
    // Still in use: it outlives the TTL. Not moved to the back of the map: a delete and a set
    // made a hit cost ~0.9 µs more (measured).
    entry.usedAt = this.now();
    return entry.payloads;
  }

  /** Forgets a provider's reasoning: its key or server changed, and it would be refused. */
  forgetProvider(provider: string): void {
    for (const [key, entry] of this.entries) if (entry.provider === provider) this.forget(key);
  }

  /** Sweeps from the front until an entry in use; an expired one behind it goes when recalled or evicted. */
  private expire(): void {
    const cutoff = this.now() - this.limits.ttlMs;
    for (const [key, entry] of this.entries) {
      if (entry.usedAt >= cutoff) break;
      this.forget(key);
    }
  }

  private forget(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.totalBytes -= entry.bytes;
  }
}

function payloadBytes(payload: ReasoningPayload): number {
  return (payload.encrypted?.length ?? 0) + payload.summary.reduce((sum, part) => sum + part.length, 0);
}
