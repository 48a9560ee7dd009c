// OpenAI usage -> Anthropic usage. Anthropic's input_tokens excludes cached tokens, which it
// reports apart as cache_read_input_tokens; OpenAI's prompt/input tokens include them.
import type { AnthropicUsage } from '../anthropic/events';

export interface UpstreamUsage {
  input: number;
  cached: number;
  cacheWrite: number;
  output: number;
  reasoning: number;
}

export const noUsage: UpstreamUsage = { input: 0, cached: 0, cacheWrite: 0, output: 0, reasoning: 0 };

export function anthropicUsage(usage: UpstreamUsage): AnthropicUsage {
  return {
    input_tokens: Math.max(0, usage.input - usage.cached - usage.cacheWrite),
    output_tokens: usage.output,
    cache_creation_input_tokens: usage.cacheWrite,
    cache_read_input_tokens: usage.cached,
  };
}

interface ChatUsageLike {
  prompt_tokens?: number;
  completion_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number } | null;
  completion_tokens_details?: { reasoning_tokens?: number } | null;
}

export function fromChatUsage(usage: ChatUsageLike | null | undefined): UpstreamUsage {
  if (!usage) return noUsage;
  return {
    input: usage.prompt_tokens ?? 0,
    cached: usage.prompt_tokens_details?.cached_tokens ?? 0,
    cacheWrite: 0,
    output: usage.completion_tokens ?? 0,
    reasoning: usage.completion_tokens_details?.reasoning_tokens ?? 0,
  };
}

interface ResponsesUsageLike {
  input_tokens?: number;
  output_tokens?: number;
  input_tokens_details?: { cached_tokens?: number; cache_write_tokens?: number } | null;
  output_tokens_details?: { reasoning_tokens?: number } | null;
}

export function fromResponsesUsage(usage: ResponsesUsageLike | null | undefined): UpstreamUsage {
  if (!usage) return noUsage;
  return {
    input: usage.input_tokens ?? 0,
    cached: usage.input_tokens_details?.cached_tokens ?? 0,
    cacheWrite: usage.input_tokens_details?.cache_write_tokens ?? 0,
    output: usage.output_tokens ?? 0,
    reasoning: usage.output_tokens_details?.reasoning_tokens ?? 0,
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
