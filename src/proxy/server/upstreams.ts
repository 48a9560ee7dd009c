// One SDK client per provider, built from the route table's providers and the proxy's keys. A
// reconfigure keeps each client whose settings did not change (and with it its connections); the
// others are handed back to be closed once no request uses them.
import { DEFAULT_PROVIDER_NAME, providerNeedsKey, type ProviderConfig } from '../routing/providers';
import { OPENAI_BASE_URL, sameUpstream, UpstreamClient, type UpstreamSettings, type UpstreamTransport } from '../transport/client';

/** What the clients are built from, besides the table's providers. */
export interface UpstreamOptions {
  openaiApiKey: string | undefined;
  openaiBaseUrl?: string;
  providerKeys?: Readonly<Record<string, string | undefined>>;
  timeoutMs: number;
  transport?: UpstreamTransport;
}

/** A provider as the request path sees it: its configuration, its client, whether it can be called. */
export interface Upstream {
  provider: ProviderConfig;
  client: UpstreamClient;
  needsKey: boolean;
  /** The provider needs a key and has none: calls are refused with a 401 before going out. */
  missingKey: boolean;
}

export class Upstreams {
  private constructor(private readonly byName: ReadonlyMap<string, Upstream>) {}

  /** The clients for `providers`, reusing those of `previous` whose settings are unchanged;
   *  `retired` are the previous ones no longer used. */
  static build(providers: readonly ProviderConfig[], options: UpstreamOptions, previous?: Upstreams): { upstreams: Upstreams; retired: UpstreamClient[] } {
    const kept = new Set<UpstreamClient>();
    const byName = new Map<string, Upstream>();
    for (const provider of providers) {
      const settings = settingsOf(provider, options);
      const old = previous?.byName.get(provider.name)?.client;
      const client = old && sameUpstream(old.settings, settings) ? old : new UpstreamClient(settings);
      if (client === old) kept.add(old);
      const needsKey = providerNeedsKey(provider, settings.baseURL);
      byName.set(provider.name, { provider, client, needsKey, missingKey: needsKey && !settings.apiKey });
    }
    const retired = previous ? [...previous.byName.values()].map((upstream) => upstream.client).filter((client) => !kept.has(client)) : [];
    return { upstreams: new Upstreams(byName), retired };
  }

  /** The provider of that name (the route table checked that every route's provider exists). */
  get(name: string): Upstream {
    const upstream = this.byName.get(name);
    if (!upstream) throw new Error(`no provider is named "${name}"`);
    return upstream;
  }

  all(): Upstream[] {
    return [...this.byName.values()];
  }

  /** Whether the provider's client is the same one in `other` (its reasoning stays valid). */
  unchangedIn(other: Upstreams, name: string): boolean {
    return other.byName.get(name)?.client === this.byName.get(name)?.client;
  }
}

/** The key of a provider: its own in providerKeys, else (the provider named "openai") openaiApiKey. */
export function keyOf(provider: Pick<ProviderConfig, 'name'>, options: Pick<UpstreamOptions, 'openaiApiKey' | 'providerKeys'>): string | undefined {
  const own = options.providerKeys?.[provider.name];
  return own || (provider.name === DEFAULT_PROVIDER_NAME ? options.openaiApiKey || undefined : undefined);
}

function settingsOf(provider: ProviderConfig, options: UpstreamOptions): UpstreamSettings {
  return {
    baseURL: provider.baseURL ?? (options.openaiBaseUrl || OPENAI_BASE_URL),
    apiKey: keyOf(provider, options),
    kind: provider.kind,
    ...(provider.apiVersion === undefined ? {} : { apiVersion: provider.apiVersion }),
    headers: provider.headers,
    timeoutMs: options.timeoutMs,
    transport: options.transport,
  };
}

/** How error messages name a provider and its key (openai/errors.ts): nothing to add for
 *  today's default, OpenAI with OPENAI_API_KEY. */
export function describeProvider(provider: ProviderConfig): { provider?: string; keyHint?: string } {
  const isDefault = provider.name === DEFAULT_PROVIDER_NAME && provider.kind === 'openai';
  if (isDefault && provider.keyEnv === undefined) return {};
  const headless = provider.keyEnv ?? (provider.kind === 'openai' ? 'OPENAI_API_KEY' : undefined);
  const vscode = isDefault ? '"Claude Proxy: Set OpenAI API Key"' : '"Claude Proxy: Set Provider API Key"';
  const where = headless === undefined ? `"keyEnv" on provider "${provider.name}" in CLAUDE_PROXY_CONFIG, naming the environment variable that holds it` : `the environment variable ${headless}`;
  return { ...(isDefault ? {} : { provider: provider.name }), keyHint: `${where}, or ${vscode} in VS Code` };
}
