// What "Use a Local Server" writes: a compatible provider for the server (or the one already
// there for its URL), and the routes it takes, Claude Code's haiku family or every route, set to
// the server's model. Pure: the command (local-server.ts) asks, this plans, readSettings checks
// the result before anything is written. No `vscode` import.
import { DEFAULT_PROVIDER_NAME } from '../proxy';

/** The local servers offered first, where each listens by default. */
export const LOCAL_SERVERS = [
  { label: 'llama.cpp (llama-server)', baseURL: 'http://127.0.0.1:8080/v1' },
  { label: 'Ollama', baseURL: 'http://127.0.0.1:11434/v1' },
  { label: 'LM Studio', baseURL: 'http://127.0.0.1:1234/v1' },
  { label: 'vLLM', baseURL: 'http://127.0.0.1:8000/v1' },
] as const;

/** `haiku`: Claude Code's small, frequent calls (titles, summaries, subagents) go to the server,
 *  the main model stays where it is. `all`: every Claude model. */
export type LocalScope = 'haiku' | 'all';

export interface LocalServerPlanInput {
  /** claudeProxy.providers and claudeProxy.routes as they are now (raw setting values). */
  providers: readonly Record<string, unknown>[];
  routes: readonly Record<string, unknown>[];
  baseURL: string;
  model: string;
  scope: LocalScope;
}

export interface LocalServerPlan {
  providers: Record<string, unknown>[];
  routes: Record<string, unknown>[];
  /** The provider that serves the server. */
  provider: string;
  /** The names of the routes now on it. */
  changed: string[];
}

/** The haiku family as Claude Code asks for it, for a table that has no route of its own for it. */
const HAIKU_ROUTE = { name: 'claude-haiku-4-5', aliases: ['claude-fast'], patterns: ['claude-haiku-*', 'claude-*-haiku-*', 'haiku'] };

/** Route fields that describe an OpenAI model and would be wrong for the server's. */
const MODEL_FACTS = ['reasoningEffort', 'reasoning', 'contextWindow'];

export function planLocalServer(input: LocalServerPlanInput): LocalServerPlan {
  const baseURL = input.baseURL.trim().replace(/\/+$/, '');
  // Unset providers mean one OpenAI provider: it stays first, so that routes naming no provider keep it.
  const providers = input.providers.length > 0 ? input.providers.map((provider) => ({ ...provider })) : [{ name: DEFAULT_PROVIDER_NAME, kind: 'openai' }];
  let provider = providers.find((candidate) => candidate.kind === 'compatible' && typeof candidate.baseURL === 'string' && candidate.baseURL.replace(/\/+$/, '') === baseURL)?.name as string | undefined;
  if (!provider) {
    provider = freeName(providers.map((candidate) => String(candidate.name)));
    providers.push({ name: provider, kind: 'compatible', baseURL });
  }
  const onServer = (route: Record<string, unknown>) => {
    const moved: Record<string, unknown> = { ...route, provider, model: input.model, api: 'chat', files: false };
    for (const fact of MODEL_FACTS) delete moved[fact];
    return moved;
  };
  const changed: string[] = [];
  const routes = input.routes.map((route) => {
    if (input.scope === 'haiku' && !servesHaiku(route)) return { ...route };
    changed.push(String(route.name));
    return onServer(route);
  });
  if (changed.length === 0) {
    // Exact names and patterns before the table's own: a catch-all `claude-*` must not take haiku.
    routes.unshift(onServer(HAIKU_ROUTE));
    changed.push(HAIKU_ROUTE.name);
  }
  return { providers, routes, provider, changed };
}

/** A route of the haiku family: its name, an alias or a pattern says haiku. */
export function servesHaiku(route: Record<string, unknown>): boolean {
  const list = (value: unknown): unknown[] => (Array.isArray(value) ? value as unknown[] : []);
  const names = [route.name, ...list(route.aliases), ...list(route.patterns)];
  return names.some((name) => typeof name === 'string' && /haiku/i.test(name));
}

function freeName(taken: readonly string[]): string {
  if (!taken.includes('local')) return 'local';
  for (let suffix = 2; ; suffix++) if (!taken.includes(`local-${suffix}`)) return `local-${suffix}`;
}
