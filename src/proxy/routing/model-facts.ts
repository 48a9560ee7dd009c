// How many tokens each OpenAI model takes in and gives out, so that Claude Code compacts before
// the upstream refuses a request (it believes every Claude model has a 1M-token window).
// Source: OpenAI's model pages, developers.openai.com/api/docs/models/<id> ("context window",
// "max output tokens"), read December 2026. The GPT-5 family's 400k window is shared by input and
// output: OpenAI refuses prompts over 272k ("Input tokens exceed the configured limit of 272000").
import type { RouteConfig } from './table';

export interface ModelWindow {
  /** Input and output together. */
  contextWindow: number;
  maxOutputTokens: number;
}

const GPT5: ModelWindow = { contextWindow: 400_000, maxOutputTokens: 128_000 };
const CHAT_LATEST: ModelWindow = { contextWindow: 128_000, maxOutputTokens: 16_384 };
const GPT41: ModelWindow = { contextWindow: 1_047_576, maxOutputTokens: 32_768 };
const GPT4O: ModelWindow = { contextWindow: 128_000, maxOutputTokens: 16_384 };
const O_SERIES: ModelWindow = { contextWindow: 200_000, maxOutputTokens: 100_000 };

/** Exact families, optionally with a dated snapshot (gpt-4o-2024-08-06); a name not listed
 *  (gpt-5.2, o1-mini, gpt-4o-audio-preview) is unknown rather than guessed. */
const SNAPSHOT = String.raw`(-\d{4}-\d{2}-\d{2})?$`;
const family = (names: string) => new RegExp(`^(${names})${SNAPSHOT}`);
const WINDOWS: [RegExp, ModelWindow][] = [
  [family(String.raw`gpt-5(\.1)?-chat-latest`), CHAT_LATEST],
  [family(String.raw`gpt-5(-mini|-nano|-codex)?|gpt-5\.1(-codex(-mini|-max)?)?`), GPT5],
  [family(String.raw`gpt-4\.1(-mini|-nano)?`), GPT41],
  [family('gpt-4o(-mini)?'), GPT4O],
  [family('o1|o3(-mini)?|o4-mini'), O_SERIES],
];

/** The window of a known OpenAI model, else undefined (an OpenAI-compatible server's model). */
export function modelWindow(model: string): ModelWindow | undefined {
  const name = model.toLowerCase().split('/').pop() ?? '';
  return WINDOWS.find(([pattern]) => pattern.test(name))?.[1];
}

/** The prompt tokens a route's upstream accepts: its context window less the room it keeps for
 *  the answer. A route's own `contextWindow` wins over the table (other servers, other limits). */
export function inputWindow(route: Pick<RouteConfig, 'model' | 'contextWindow' | 'maxOutputTokens'>): number | undefined {
  const known = modelWindow(route.model);
  const context = route.contextWindow ?? known?.contextWindow;
  if (context === undefined) return undefined;
  return Math.max(1, context - (known?.maxOutputTokens ?? route.maxOutputTokens));
}

/** CLAUDE_CODE_AUTO_COMPACT_WINDOW: the smallest input window of the routes. Claude Code applies
 *  one window to every model, and one conversation moves between them (/model, subagents, the
 *  fast model), so compacting for the smallest keeps each route's requests inside its limit.
 *  Undefined when no route's window is known. */
export function autoCompactWindow(routes: readonly Pick<RouteConfig, 'model' | 'contextWindow' | 'maxOutputTokens'>[]): number | undefined {
  const windows = routes.map(inputWindow).filter((window) => window !== undefined);
  return windows.length > 0 ? Math.min(...windows) : undefined;
}
