// Resolves a Claude model name to its route: exact names and aliases first, then patterns in
// table order, then the default route.
import { inputWindow } from './model-facts';
import { namesProviders, routeProvider, type ProviderConfig } from './providers';
import { routeCanSearch } from './web-search-support';
import type { ReasoningEffort, RouteConfig, RouteTableConfig } from './table';

export interface ResolvedRoute extends RouteConfig {
  /** The name of the provider that serves it (the table's first when the route names none). */
  provider: string;
  /** True when the model rejects sampling parameters and takes a reasoning effort. */
  reasoning: boolean;
  /** The prompt tokens the upstream accepts; undefined for a model whose window is unknown. */
  inputWindow: number | undefined;
}

export class RouteTable {
  private readonly exact = new Map<string, ResolvedRoute>();
  private readonly patterns: { regex: RegExp; route: ResolvedRoute }[] = [];
  private readonly fallback: ResolvedRoute | undefined;

  constructor(readonly config: RouteTableConfig) {
    const resolved = this.routes();
    for (const route of resolved) {
      for (const name of [route.name, ...route.aliases]) this.exact.set(name.toLowerCase(), route);
    }
    for (const route of resolved) {
      for (const pattern of route.patterns) this.patterns.push({ regex: globToRegex(pattern), route });
    }
    this.fallback = resolved.find((route) => route.name === config.defaultRoute);
  }

  /** The route for a Claude model name, or undefined when nothing serves it. */
  find(claudeModel: string): ResolvedRoute | undefined {
    const key = claudeModel.toLowerCase();
    const exact = this.exact.get(key);
    if (exact) return exact;
    for (const { regex, route } of this.patterns) if (regex.test(key)) return route;
    return this.fallback;
  }

  /** A route by its name (fallbacks refer to routes by name). */
  byName(name: string): ResolvedRoute | undefined {
    const route = this.config.routes.find((candidate) => candidate.name === name);
    return route ? this.resolve(route) : undefined;
  }

  /** A provider by its name (every route's provider exists: the table was checked). */
  provider(name: string): ProviderConfig | undefined {
    return this.config.providers.find((provider) => provider.name === name);
  }

  /** Whether log lines name each request's provider: not for today's single default one. */
  namesProviders(): boolean {
    return namesProviders(this.config.providers);
  }

  /** Whether the route can run OpenAI's hosted web search: its API and model, and its provider. */
  canSearch(route: ResolvedRoute): boolean {
    return routeCanSearch(this.config, route);
  }

  /** The route that serves a request with the web search tool: the one asked for when it can
   *  search, else the table's webSearchRoute; undefined when neither can. */
  forWebSearch(route: ResolvedRoute): ResolvedRoute | undefined {
    if (this.canSearch(route)) return route;
    return this.config.webSearchRoute === undefined ? undefined : this.byName(this.config.webSearchRoute);
  }

  /** Every exact Claude name served (names and aliases), for /v1/models and error messages. */
  servedNames(): string[] {
    return this.config.routes.flatMap((route) => [route.name, ...route.aliases]);
  }

  routes(): ResolvedRoute[] {
    return this.config.routes.map((route) => this.resolve(route));
  }

  private resolve(route: RouteConfig): ResolvedRoute {
    // The table checked that the route's provider exists.
    return { ...route, provider: routeProvider(this.config, route)!.name, reasoning: route.reasoning ?? isReasoningModel(route.model), inputWindow: inputWindow(route) };
  }
}

/** OpenAI's reasoning families (gpt-5*, o1/o3/o4*, *codex*) reject temperature, top_p and stop. */
export function isReasoningModel(model: string): boolean {
  const name = model.toLowerCase().split('/').pop() ?? '';
  if (name.includes('-chat')) return false; // gpt-5-chat-latest takes sampling parameters
  return /^(gpt-5|o\d)/.test(name) || name.includes('codex');
}

/** Reasoning efforts from lowest to highest. */
export const EFFORT_ORDER: readonly ReasoningEffort[] = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh'];

/** The reasoning efforts an OpenAI model accepts (it answers 400 to any other), from OpenAI's
 *  model pages; undefined for a model this table does not know (an OpenAI-compatible server's). */
export function acceptedEfforts(model: string): readonly ReasoningEffort[] | undefined {
  const name = model.toLowerCase().split('/').pop() ?? '';
  if (/^gpt-5(\.\d+)?-pro\b/.test(name)) return ['high'];
  if (/^gpt-5\.1-codex-max\b/.test(name)) return ['low', 'medium', 'high', 'xhigh'];
  if (/^gpt-5\.[2-9]-codex\b/.test(name)) return ['low', 'medium', 'high', 'xhigh'];
  if (/^gpt-5(\.\d+)?-codex\b/.test(name)) return ['low', 'medium', 'high'];
  if (/^gpt-5\.1\b/.test(name)) return ['none', 'low', 'medium', 'high'];
  if (/^gpt-5\.[2-9]\b/.test(name)) return ['none', 'low', 'medium', 'high', 'xhigh'];
  if (/^gpt-5\b/.test(name) && !name.includes('-chat')) return ['minimal', 'low', 'medium', 'high'];
  if (/^o[134]\b/.test(name)) return ['low', 'medium', 'high'];
  return undefined;
}

function globToRegex(pattern: string): RegExp {
  const escaped = pattern.toLowerCase().replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`);
}
