// What every endpoint handler needs, gathered once per server.
import type { ReasoningMemory } from '../openai/reasoning-memory';
import type { ReasoningSigner } from '../openai/reasoning-signature';
import type { UpstreamUsage } from '../openai/usage';
import type { RouteTable } from '../routing/match';
import type { RetryPolicy } from '../transport/retry';
import type { Logger } from './logger';
import type { Upstreams } from './upstreams';

export interface ProxyContext {
  routes: RouteTable;
  /** One client per provider. */
  upstreams: Upstreams;
  signer: ReasoningSigner;
  /** Encrypted reasoning no thinking block carried, for the next turn's tool calls. */
  reasoningMemory: ReasoningMemory;
  logger: Logger;
  /** Removes every provider's key and the proxy token (whole or masked) from text bound for a client:
   *  upstream error messages are passed on, and an upstream may quote the key in them. */
  redact: (text: string) => string;
  retryPolicy: RetryPolicy;
  pingIntervalMs: number;
  /** A stream whose upstream sends nothing for this long is ended with an error event. */
  idleTimeoutMs: number;
  /** Keep each request's bodies on its record (for the dashboard); off by default. */
  captureBodies: boolean;
}

/** One line of the request log, filled in as the request goes along. */
export interface RequestRecord {
  id: number;
  method: string;
  path: string;
  startedAt: number;
  claudeModel?: string;
  /** The route that served (or last tried) the request: a fallback when the first one failed. */
  routeName?: string;
  /** The provider of that route (routing/providers.ts). */
  provider?: string;
  openaiModel?: string;
  api?: 'chat' | 'responses';
  stream?: boolean;
  status?: number;
  durationMs?: number;
  /** Time from the request's arrival to the first content block of the answer. */
  firstTokenMs?: number;
  usage?: UpstreamUsage;
  /** Anything other than a plain success: the error type, "client closed", … */
  outcome?: string;
  /** The bodies, only when capture is on: what the client sent, what went to OpenAI, the answer. */
  exchange?: { request: unknown; upstreamRequest: unknown; response: unknown };
}
