// What each OpenAI model costs, in US dollars per million tokens, and per thousand hosted web
// search calls. The defaults are OpenAI's list prices; the extension lets the user override them
// in a setting. Reasoning tokens are billed as output (OpenAI's output token count already
// includes them), and the pages a search reads as input (its usage counts them).
import * as z from 'zod/mini';
import '../zod-english';

const price = () => z.number().check(z.nonnegative());

export const modelPriceSchema = z.strictObject({
  input: price(),
  cachedInput: price(),
  output: price(),
  /** Per 1000 calls of the hosted web_search tool; OpenAI's list price when absent. */
  webSearchPer1kCalls: z.optional(price()),
});

/** OpenAI's list price of the hosted web_search tool, the same for every model: $10 per 1000 calls. */
export const WEB_SEARCH_PER_1K_CALLS = 10;

export const priceTableSchema = z.record(z.string().check(z.minLength(1)), modelPriceSchema);

export type ModelPrice = z.infer<typeof modelPriceSchema>;
export type PriceTable = z.infer<typeof priceTableSchema>;

export const defaultPrices: PriceTable = {
  'gpt-5': { input: 1.25, cachedInput: 0.125, output: 10 },
  'gpt-5-codex': { input: 1.25, cachedInput: 0.125, output: 10 },
  'gpt-5.1': { input: 1.25, cachedInput: 0.125, output: 10 },
  'gpt-5.1-codex': { input: 1.25, cachedInput: 0.125, output: 10 },
  'gpt-5-mini': { input: 0.25, cachedInput: 0.025, output: 2 },
  'gpt-5-nano': { input: 0.05, cachedInput: 0.005, output: 0.4 },
  'gpt-4.1': { input: 2, cachedInput: 0.5, output: 8 },
  'gpt-4.1-mini': { input: 0.4, cachedInput: 0.1, output: 1.6 },
  'gpt-4.1-nano': { input: 0.1, cachedInput: 0.025, output: 0.4 },
  'gpt-4o': { input: 2.5, cachedInput: 1.25, output: 10 },
  'gpt-4o-mini': { input: 0.15, cachedInput: 0.075, output: 0.6 },
  o3: { input: 2, cachedInput: 0.5, output: 8 },
  'o4-mini': { input: 1.1, cachedInput: 0.275, output: 4.4 },
};

/** The price of a model: an exact entry, else the longest entry the name starts with (dated
 *  snapshots such as gpt-5-mini-2025-08-07), else undefined (cost unknown, shown as such). */
export function priceOf(model: string, prices: PriceTable): ModelPrice | undefined {
  const name = model.toLowerCase();
  if (prices[name]) return prices[name];
  let best: string | undefined;
  for (const key of Object.keys(prices)) {
    if (name.startsWith(`${key.toLowerCase()}-`) && (!best || key.length > best.length)) best = key;
  }
  return best ? prices[best] : undefined;
}

export interface TokenCounts {
  inputTokens: number;
  cachedTokens: number;
  outputTokens: number;
  /** Hosted web search calls; absent in entries recorded before searches were counted. */
  webSearches?: number;
}

/** Cost in dollars: uncached input, cached input and output each at their own price, and each
 *  web search call at its own. */
export function costOf(tokens: TokenCounts, price: ModelPrice | undefined): number | undefined {
  if (!price) return undefined;
  const uncached = Math.max(0, tokens.inputTokens - tokens.cachedTokens);
  const searches = (tokens.webSearches ?? 0) * (price.webSearchPer1kCalls ?? WEB_SEARCH_PER_1K_CALLS) / 1000;
  return (uncached * price.input + tokens.cachedTokens * price.cachedInput + tokens.outputTokens * price.output) / 1_000_000 + searches;
}
