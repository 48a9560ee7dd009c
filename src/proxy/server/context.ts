// What every endpoint handler needs, gathered once per server.
import type { RouteTable } from '../route/match';
import type { ReasoningSigner } from '../response/reasoning-signature';
import type { UpstreamUsage } from '../response/usage';
import type { UpstreamClient } from '../upstream/client';
import type { RetryPolicy } from '../upstream/retry';
import type { Logger } from '../logger';

export interface ProxyContext {
  routes: RouteTable;
  upstream: UpstreamClient;
  signer: ReasoningSigner;
  logger: Logger;
  retryPolicy: RetryPolicy;
  pingIntervalMs: number;
}

/** One line of the request log, filled in as the request goes along. */
export interface RequestRecord {
  id: number;
  method: string;
  path: string;
  startedAt: number;
  claudeModel?: string;
  openaiModel?: string;
  api?: 'chat' | 'responses';
  stream?: boolean;
  status?: number;
  durationMs?: number;
  usage?: UpstreamUsage;
  /** Anything other than a plain success: the error type, "client closed", … */
  outcome?: string;
}
