// Local answer to POST /v1/messages/count_tokens, and the usage estimate for answers the upstream
// reported none for. The counting rules are in counting-rules.ts; loading the tokenizer, caching,
// cutting text into pieces and taking turns on the thread in token-counter.ts.
import type { CountTokensRequest } from '../anthropic/schema';
import type { UpstreamUsage } from '../openai/usage';
import { inputTokens } from './counting-rules';
import { TokenCounter } from './token-counter';

/** The request, or how to parse it on its turn (see countInputTokens). */
type CountedRequest = CountTokensRequest | (() => CountTokensRequest);

/** A counter with its own cache and turn queue (tests make fresh ones); the proxy uses one. */
export function createInputTokenCounter(): (request: CountedRequest) => Promise<number> {
  const counter = new TokenCounter();
  return (request) => counter.count(function* (textTokens) {
    if (typeof request !== 'function') return yield* inputTokens(request, textTokens);
    const parsed = request();
    yield; // the parse counts toward the slice
    return yield* inputTokens(parsed, textTokens);
  });
}

// One for the process: the requests of a /context burst share cached strings and take turns.
const countWithProcessCounter = createInputTokenCounter();

/** Given a parse function, the body is parsed on the request's turn, inside its time slice:
 *  /context's bodies arrive together, and parsed on arrival, one after another, they held the
 *  thread for 4-6 ms. */
export function countInputTokens(request: CountedRequest): Promise<number> {
  return countWithProcessCounter(request);
}

// Output the upstream never counted: about 3 characters per token, on the high side like the rest.
const OUTPUT_CHARS_PER_TOKEN = 3;

/** Usage for an answer the upstream reported none for: the input counted as count_tokens counts
 *  it, the output estimated from the characters received. */
export async function estimateUsage(request: CountTokensRequest, outputChars: number): Promise<UpstreamUsage> {
  return { input: await countInputTokens(request), cached: 0, cacheWrite: 0, output: Math.ceil(outputChars / OUTPUT_CHARS_PER_TOKEN), reasoning: 0 };
}
