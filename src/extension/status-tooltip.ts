// What the status-bar item's tooltip says: the proxy's state, today's usage, each provider's state
// (kind, host, whether its key is set) and the routes. Markdown text; no `vscode` import, so that
// it is unit-tested in plain Node.
import { DEFAULT_PROVIDER_NAME, providerNeedsKey, routeProvider } from '../proxy';
import { todayLine } from './dashboard/format';
import type { Totals } from './dashboard/stats';
import { hostOf } from './provider-facts';
import type { ProxyState } from './proxy/proxy-state';
import type { KeySource, ProviderKeys } from './secrets';
import type { ExtensionSettings } from './settings';

/** A route as the tooltip and the log show it. */
export interface RouteSummary {
  names: string[];
  patterns: string[];
  model: string;
  api: string;
  provider: string;
}

export type KeyState = 'set' | 'missing' | 'not needed';

/** A provider as the tooltip shows it. */
export interface ProviderSummary {
  name: string;
  kind: string;
  /** The base URL calls go to (an openai provider without one: claudeProxy.openaiBaseUrl). */
  baseURL: string;
  /** Whether calls there need a key (the proxy's providerNeedsKey). */
  needsKey: boolean;
  /** A key stored for a provider that needs none is still sent: it counts as set. */
  key: KeyState;
  keySource: KeySource;
}

export interface TooltipView {
  state: ProxyState;
  activeRequests: number;
  served: number;
  routes: RouteSummary[];
  providers: ProviderSummary[];
  /** Today's usage (undefined until the history is loaded). */
  today?: Totals;
}

/** The commands the tooltip's links run (the tooltip must trust them by name). */
export const TOOLTIP_COMMANDS = ['claudeProxy.showDashboard', 'claudeProxy.setProviderKey'];

/** The routes of the settings in use (none before valid settings were read). */
export function routeSummaries(settings: ExtensionSettings | undefined): RouteSummary[] {
  if (!settings) return [];
  const table = settings.routeTable;
  return table.routes.map((route) => ({
    names: [route.name, ...route.aliases], patterns: route.patterns, model: route.model, api: route.api,
    provider: routeProvider(table, route)?.name ?? DEFAULT_PROVIDER_NAME,
  }));
}

export function providerSummaries(settings: ExtensionSettings | undefined, keys: ProviderKeys): ProviderSummary[] {
  if (!settings) return [];
  return settings.routeTable.providers.map((provider) => {
    const found = keys[provider.name];
    const needsKey = providerNeedsKey(provider, settings.openaiBaseUrl);
    const key: KeyState = found?.key ? 'set' : needsKey ? 'missing' : 'not needed';
    return { name: provider.name, kind: provider.kind, baseURL: provider.baseURL ?? settings.openaiBaseUrl, needsKey, key, keySource: found?.source ?? 'none' };
  });
}

export function tooltipMarkdown(view: TooltipView): string {
  const { state } = view;
  let text = `**Claude OpenAI Proxy** — ${describeState(state)}\n\n`;
  if (state.kind === 'running') text += `${view.activeRequests} request(s) in flight, ${view.served} served\n\n`;
  if (view.today) text += `${todayLine(view.today)}\n\n`;
  if (view.providers.length > 0) {
    text += '| Provider | Kind | Host | Key |\n|---|---|---|---|\n';
    for (const provider of view.providers) text += `| ${code(provider.name)} | ${provider.kind} | ${code(hostOf(provider.baseURL))} | ${describeKey(provider)} |\n`;
    text += '\n';
  }
  if (view.routes.length > 0) {
    text += '| Claude model | Model | API | Provider |\n|---|---|---|---|\n';
    for (const route of view.routes) {
      const names = [...route.names, ...route.patterns].map(code).join(', ');
      text += `| ${names} | ${code(route.model)} | ${route.api} | ${code(route.provider)} |\n`;
    }
  }
  text += '\n[$(graph) Show Dashboard](command:claudeProxy.showDashboard "Requests, tokens, cache hits, latency and cost") · Click for the Claude Proxy commands.';
  return text;
}

/** One line for the log: `claude-haiku-4-5, claude-fast (claude-haiku-*) -> qwen3 (chat) on local` */
export function describeRoute(route: RouteSummary): string {
  return `${route.names.join(', ')}${route.patterns.length ? ` (${route.patterns.join(', ')})` : ''} -> ${route.model} (${route.api}) on ${route.provider}`;
}

export function describeState(state: ProxyState): string {
  switch (state.kind) {
    case 'stopped':
      return 'stopped';
    case 'starting':
      return 'starting';
    case 'running':
      return `listening on ${state.url}`;
    case 'shared':
      return `using the proxy of another VS Code window on ${state.url}`;
    case 'error':
      return `error: ${state.message}`;
  }
}

function describeKey(provider: ProviderSummary): string {
  if (provider.key === 'not needed') return 'no key needed';
  if (provider.key === 'set') return provider.keySource === 'environment' ? 'key set (OPENAI_API_KEY)' : 'key set';
  // The link opens the key's input box for this provider.
  const args = encodeURIComponent(JSON.stringify([{ provider: provider.name }]));
  return `**key missing**: [set it](command:claudeProxy.setProviderKey?${args} "Claude Proxy: Set Provider API Key")`;
}

/** Inline code that a name cannot break out of (names come from the settings). */
function code(text: string): string {
  return `\`${text.replace(/[`|\n\r]/g, ' ')}\``;
}
