// Local answer to POST /v1/messages/count_tokens, and the usage estimate for answers the upstream
// reported none for. The counting rules are in counting-rules.ts; loading the tokenizer, caching,
// cutting text into pieces and taking turns on the thread in token-counter.ts.
import type { CountTokensRequest } from '../anthropic/schema';
import type { UpstreamUsage } from '../openai/usage';
import { inputTokens } from './counting-rules';
import { TokenCounter } from './token-counter';

/** A counter with its own cache and turn queue (tests make fresh ones); the proxy uses one. */
export function createInputTokenCounter(): (request: CountTokensRequest) => Promise<number> {
  const counter = new TokenCounter();
  return (request) => counter.count((textTokens) => inputTokens(request, textTokens));
}

// One for the process: the requests of a /context burst share cached strings and take turns.
const countWithProcessCounter = createInputTokenCounter();

export function countInputTokens(request: CountTokensRequest): Promise<number> {
  return countWithProcessCounter(request);
}

// Output the upstream never counted: about 3 characters per token, on the high side like the rest.
const OUTPUT_CHARS_PER_TOKEN = 3;

/** Usage for an answer the upstream reported none for: the input counted as count_tokens counts
 *  it, the output estimated from the characters received. */
export async function estimateUsage(request: CountTokensRequest, outputChars: number): Promise<UpstreamUsage> {
  return { input: await countInputTokens(request), cached: 0, cacheWrite: 0, output: Math.ceil(outputChars / OUTPUT_CHARS_PER_TOKEN), reasoning: 0 };
}
