// The route table: which upstream model, API and provider serve each Claude model name.
// One zod schema decides what a valid table is, for the JSON file (headless) and VS Code settings alike.
import * as z from 'zod/mini';
import '../../zod-english';
import { checkProviders, DEFAULT_PROVIDERS, providerSchema } from './providers';
import { canSearchTheWeb } from './web-search-support';

const nonEmpty = () => z.string().check(z.minLength(1));

export const reasoningEffortSchema = z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh']);
export type ReasoningEffort = z.infer<typeof reasoningEffortSchema>;

export const routeSchema = z.strictObject({
  /** The Claude model name this route serves, e.g. "claude-sonnet-4-5". */
  name: nonEmpty(),
  /** Other exact names for the same route, e.g. "claude-smart". */
  aliases: z._default(z.array(nonEmpty()), []),
  /** Glob patterns ("*" matches anything), e.g. "claude-sonnet-*". Tried after every exact name. */
  patterns: z._default(z.array(nonEmpty()), []),
  /** The model to call (an Azure deployment's name on an azure provider). */
  model: nonEmpty(),
  /** The provider (providers.ts) that serves it; absent: the table's first provider. */
  provider: z.optional(nonEmpty()),
  api: z._default(z.enum(['chat', 'responses']), 'chat'),
  /** Upper bound for max_tokens; the client's request is capped to it. */
  maxOutputTokens: z._default(z.number().check(z.int(), z.positive()), 8192),
  /** Tokens the upstream takes in one request, prompt and answer together. Known for OpenAI's
   *  models (model-facts.ts); set it for another server's, so Claude Code compacts in time. */
  contextWindow: z.optional(z.number().check(z.int(), z.positive())),
  /** Fixed reasoning effort; when absent it follows the request's thinking / output_config.effort. */
  reasoningEffort: z.optional(reasoningEffortSchema),
  /** Whether the model is a reasoning model (rejects temperature/top_p/stop, takes reasoning effort).
   *  Guessed from the model name when absent. */
  reasoning: z.optional(z.boolean()),
  /** Whether the upstream takes files (PDF document blocks). OpenAI's models do; many
   *  OpenAI-compatible servers do not, and a document sent to them is answered with a clear 400. */
  files: z._default(z.boolean(), true),
  /** Names of other routes tried, in order, when this one fails with 429, 5xx or a timeout
   *  before anything was sent to the client. They may be on other providers. */
  fallbacks: z._default(z.array(nonEmpty()), []),
});

export const routeTableSchema = z.strictObject({
  /** The upstreams; default: one OpenAI provider, as before providers existed. */
  providers: z._default(z.array(providerSchema).check(z.minLength(1)), DEFAULT_PROVIDERS),
  routes: z.array(routeSchema).check(z.minLength(1)),
  /** Name of the route that serves any Claude model no entry matches. Absent: such names get 404. */
  defaultRoute: z.optional(z.string()),
  /** Name of the route that serves a request with Anthropic's web search tool when the route it
   *  asked for cannot search (Chat Completions, or a model without OpenAI's hosted web search).
   *  Absent: such requests get a 400 naming this setting. */
  webSearchRoute: z.optional(z.string()),
}).check(z.superRefine((table, ctx) => {
  const seen = new Map<string, string>();
  table.routes.forEach((route, index) => {
    for (const name of [route.name, ...route.aliases]) {
      const key = name.toLowerCase();
      const owner = seen.get(key);
      if (owner !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['routes', index], message: `"${name}" is already served by route "${owner}"` });
      }
      seen.set(key, route.name);
    }
  });
  table.routes.forEach((route, index) => {
    route.fallbacks.forEach((fallback, at) => {
      if (fallback === route.name) ctx.addIssue({ code: 'custom', path: ['routes', index, 'fallbacks', at], message: 'a route cannot fall back to itself' });
      else if (!table.routes.some((other) => other.name === fallback)) {
        ctx.addIssue({ code: 'custom', path: ['routes', index, 'fallbacks', at], message: `no route is named "${fallback}"` });
      }
    });
  });
  if (table.defaultRoute !== undefined && !table.routes.some((route) => route.name === table.defaultRoute)) {
    ctx.addIssue({ code: 'custom', path: ['defaultRoute'], message: `no route is named "${table.defaultRoute}"` });
  }
  if (table.webSearchRoute !== undefined) {
    const searching = table.routes.find((route) => route.name === table.webSearchRoute);
    if (!searching) ctx.addIssue({ code: 'custom', path: ['webSearchRoute'], message: `no route is named "${table.webSearchRoute}"` });
    else if (!canSearchTheWeb(searching)) {
      ctx.addIssue({ code: 'custom', path: ['webSearchRoute'], message: `route "${searching.name}" cannot search the web: it needs "api": "responses" and a model with OpenAI's hosted web search (${searching.model}${searching.api === 'responses' ? ' has none' : ' is on Chat Completions'})` });
    }
  }
  checkProviders(table, (path, message) => ctx.addIssue({ code: 'custom', path, message }));
}));

export type RouteConfig = z.infer<typeof routeSchema>;
export type RouteTableConfig = z.infer<typeof routeTableSchema>;
export type RouteTableInput = z.input<typeof routeTableSchema>;

/** The table this extension ships with, from the LiteLLM set-up it replaces, plus the families
 *  today's Claude Code sends (claude-opus-5-5, claude-fable-5-2, claude-haiku-5-5). Patterns are
 *  tried in table order, so the big route comes last: its "claude-*" serves every Claude model
 *  the others do not, next month's included. */
export const defaultRouteTable: RouteTableInput = {
  routes: [
    {
      // Claude Code's "most capable" model: the big model at high effort, a route of its own so
      // that it can be sent elsewhere in settings.
      name: 'claude-fable-5-2',
      patterns: ['claude-fable-*', 'claude-*-fable-*', 'fable'],
      model: 'gpt-5-codex',
      api: 'responses',
      maxOutputTokens: 8192,
      reasoningEffort: 'high',
    },
    {
      name: 'claude-haiku-4-5',
      aliases: ['claude-fast'],
      patterns: ['claude-haiku-*', 'claude-*-haiku-*', 'haiku'],
      model: 'gpt-5-mini',
      api: 'chat',
      maxOutputTokens: 4096,
    },
    {
      name: 'claude-sonnet-4-5',
      aliases: ['claude-smart', 'claude-code'],
      patterns: ['claude-sonnet-*', 'claude-opus-*', 'claude-*-sonnet-*', 'claude-*-opus-*', 'sonnet', 'opus', 'claude-*'],
      model: 'gpt-5-codex',
      api: 'responses',
      maxOutputTokens: 8192,
    },
  ],
  // Claude Code's WebSearch asks the model it runs on; haiku's route (Chat Completions) cannot search.
  webSearchRoute: 'claude-sonnet-4-5',
};

/** Parses a table, throwing an Error whose message names each invalid setting. */
export function parseRouteTable(input: unknown): RouteTableConfig {
  const parsed = routeTableSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(table)'}: ${issue.message}`);
    throw new Error(`Invalid model route table: ${problems.join('; ')}`);
  }
  return parsed.data;
}
