// Usage as both OpenAI APIs report it (each API maps its own fields: fromChatUsage in chat/,
// fromResponsesUsage in responses/) -> Anthropic usage. Anthropic's input_tokens excludes cached
// tokens, which it reports apart as cache_read_input_tokens; OpenAI's prompt/input tokens include them.
import type { AnthropicUsage } from '../anthropic/events';

export interface UpstreamUsage {
  input: number;
  cached: number;
  cacheWrite: number;
  output: number;
  reasoning: number;
  /** Hosted web searches the answer ran (billed per call), when there were any. */
  webSearches?: number;
}

export const noUsage: UpstreamUsage = { input: 0, cached: 0, cacheWrite: 0, output: 0, reasoning: 0 };

export function anthropicUsage(usage: UpstreamUsage): AnthropicUsage {
  return {
    input_tokens: Math.max(0, usage.input - usage.cached - usage.cacheWrite),
    output_tokens: usage.output,
    cache_creation_input_tokens: usage.cacheWrite,
    cache_read_input_tokens: usage.cached,
    ...(usage.webSearches ? { server_tool_use: { web_search_requests: usage.webSearches } } : {}),
  };
}

/** Gives a usage estimate for an answer whose usage the upstream never reported. */
export type UsageEstimator = (outputChars: number) => Promise<UpstreamUsage>;

/** The usage the upstream reported, else an estimate: a stream ended early by a stop sequence
 *  never reaches the final usage event, and some compatible servers never send one. Zeros there
 *  would tell Claude Code the conversation is empty (it tracks the context window from usage). */
export async function reportedOrEstimated(reported: UpstreamUsage | undefined, estimate: UsageEstimator | undefined, outputChars: number): Promise<UpstreamUsage> {
  if (reported) return reported;
  if (!estimate) return noUsage;
  return estimate(outputChars).catch(() => noUsage);
}
