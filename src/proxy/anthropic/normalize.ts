// Facts about an Anthropic request that both OpenAI translations need, decided in one place.
import { createHash } from 'node:crypto';
import { acceptedEfforts, EFFORT_ORDER, type ResolvedRoute } from '../routing/match';
import type { ReasoningEffort } from '../routing/table';
import type { MessagesRequest } from './schema';

/** Claude Code's first system block changes every conversation; sent upstream it would spoil
 *  OpenAI's prompt-cache prefix, and it means nothing to an OpenAI model. */
const BILLING_HEADER = 'x-anthropic-billing-header:';

export function systemText(system: MessagesRequest['system']): string {
  if (system === undefined) return '';
  if (typeof system === 'string') return system;
  return system
    .filter((block) => !block.text.startsWith(BILLING_HEADER))
    .map((block) => block.text)
    .join('\n\n');
}

export interface CallerIdentity {
  /** Claude Code's session id: keeps one conversation on one OpenAI prompt-cache shard. */
  promptCacheKey?: string;
  /** A hash of the device/user id: OpenAI's safety_identifier, never the raw id. */
  safetyIdentifier?: string;
}

/** metadata.user_id is a JSON string from Claude Code ({device_id, session_id, …}), or any string from other clients. */
export function callerIdentity(userId: string | null | undefined): CallerIdentity {
  if (!userId) return {};
  let sessionId: string | undefined;
  let deviceId: string | undefined;
  try {
    const parsed = JSON.parse(userId) as Record<string, unknown>;
    if (typeof parsed.session_id === 'string' && parsed.session_id) sessionId = parsed.session_id;
    if (typeof parsed.device_id === 'string' && parsed.device_id) deviceId = parsed.device_id;
  } catch {
    // Not JSON: a plain user id.
  }
  const identity: CallerIdentity = {
    safetyIdentifier: createHash('sha256').update(deviceId ?? userId).digest('hex').slice(0, 32),
  };
  if (sessionId) identity.promptCacheKey = sessionId.slice(0, 64);
  return identity;
}

/** Reasoning effort for a reasoning model: the route's fixed setting, else what the request asks
 *  (output_config.effort, then thinking), fitted to what the model accepts so that an effort it
 *  lacks (gpt-5-codex has no "minimal") does not become a 400. Undefined leaves the model's default. */
export function reasoningEffort(request: MessagesRequest, route: ResolvedRoute): ReasoningEffort | undefined {
  if (!route.reasoning) return undefined;
  if (route.reasoningEffort) return route.reasoningEffort;
  const accepted = acceptedEfforts(route.model);
  const asked = request.output_config?.effort;
  if (asked) return fitEffort(asked === 'max' ? 'xhigh' : asked, accepted);
  const thinking = request.thinking;
  if (!thinking) return undefined;
  // Thinking off: as little reasoning as the model allows (reasoning models cannot skip it all).
  if (thinking.type === 'disabled') return accepted?.[0] ?? 'low';
  if (thinking.type === 'adaptive') return fitEffort('medium', accepted);
  if (thinking.budget_tokens < 4096) return fitEffort('low', accepted);
  if (thinking.budget_tokens < 16384) return fitEffort('medium', accepted);
  return fitEffort('high', accepted);
}

/** What the client gets of the model's reasoning, as Anthropic's API does it: thinking blocks only
 *  when thinking is enabled or adaptive (a request without `thinking` gets none, so code reading
 *  content[0].text finds the text), their summary text unless `display` is "omitted" (then the
 *  blocks come with an empty `thinking` and only their signature). */
export type ThinkingDisplay = 'summarized' | 'omitted' | 'none';

export function thinkingDisplay(request: Pick<MessagesRequest, 'thinking'>): ThinkingDisplay {
  const thinking = request.thinking;
  if (thinking?.type !== 'enabled' && thinking?.type !== 'adaptive') return 'none';
  return thinking.display === 'omitted' ? 'omitted' : 'summarized';
}

/** The accepted effort nearest to the one wanted (the higher on a tie). For a model of unknown
 *  efforts, "xhigh" becomes "high", which every reasoning model takes. */
function fitEffort(wanted: ReasoningEffort, accepted: readonly ReasoningEffort[] | undefined): ReasoningEffort {
  if (!accepted) return wanted === 'xhigh' ? 'high' : wanted;
  if (accepted.includes(wanted)) return wanted;
  const at = EFFORT_ORDER.indexOf(wanted);
  let best = accepted[0];
  for (const candidate of accepted) {
    const distance = Math.abs(EFFORT_ORDER.indexOf(candidate) - at);
    if (distance <= Math.abs(EFFORT_ORDER.indexOf(best) - at)) best = candidate;
  }
  return best;
}

/** The client's max_tokens, capped by the route. */
export function outputTokenLimit(request: MessagesRequest, route: ResolvedRoute): number {
  return Math.min(request.max_tokens, route.maxOutputTokens);
}
