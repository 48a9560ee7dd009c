// The upstreams a route table can send to: OpenAI, Azure OpenAI, or any OpenAI-compatible server
// (OpenRouter, Ollama, LM Studio, vLLM, llama.cpp). One schema, for the JSON file (headless) and
// VS Code settings alike; routes name their provider (table.ts checks that it exists).
import * as z from 'zod/mini';
import '../../zod-english';

const nonEmpty = () => z.string().check(z.minLength(1));

export const DEFAULT_PROVIDER_NAME = 'openai';

const PROVIDER_KINDS = ['openai', 'azure', 'compatible'] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

/** Headers that carry credentials: a key is a secret (SecretStorage, an environment variable),
 *  never a plain setting. */
const CREDENTIAL_HEADERS = new Set(['authorization', 'api-key', 'x-api-key', 'proxy-authorization']);

const httpUrl = () => nonEmpty().check(z.refine((value) => {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}, 'must be an http:// or https:// URL'));

export const providerSchema = z.strictObject({
  /** How routes refer to it, e.g. "openai", "azure-work", "local", "openrouter". */
  name: nonEmpty(),
  kind: z.enum(PROVIDER_KINDS),
  /** openai: default https://api.openai.com/v1 (or the proxy's openaiBaseUrl); azure and compatible: required. */
  baseURL: z.optional(httpUrl()),
  /** The APIs the server offers; a route's api must be one of them. */
  apis: z._default(z.array(z.enum(['chat', 'responses'])).check(z.minLength(1)), ['chat', 'responses']),
  /** Sent with every call, e.g. OpenRouter's HTTP-Referer and X-Title. */
  headers: z._default(z.record(z.string(), z.string()), {}),
  /** Default: true, except for a compatible provider on a loopback host (a local server). */
  needsKey: z.optional(z.boolean()),
  /** Azure only: the api-version query parameter (AzureOpenAI's apiVersion). */
  apiVersion: z.optional(nonEmpty()),
  /** Headless only: the environment variable holding the key (default OPENAI_API_KEY for kind openai). */
  keyEnv: z.optional(nonEmpty()),
}).check(z.superRefine((provider, ctx) => {
  if (provider.kind !== 'openai' && provider.baseURL === undefined) {
    ctx.addIssue({ code: 'custom', path: ['baseURL'], message: `a provider of kind "${provider.kind}" needs a baseURL` });
  }
  if (provider.kind === 'azure' && provider.apiVersion === undefined && provider.baseURL !== undefined && !isAzureV1Url(provider.baseURL)) {
    ctx.addIssue({ code: 'custom', path: ['apiVersion'], message: 'Azure\'s deployment URLs need an apiVersion (e.g. "2025-04-01-preview"); the v1 API (https://RESOURCE.openai.azure.com/openai/v1) needs none' });
  }
  if (provider.apiVersion !== undefined && provider.kind !== 'azure') {
    ctx.addIssue({ code: 'custom', path: ['apiVersion'], message: 'apiVersion is for providers of kind "azure" only' });
  }
  for (const header of Object.keys(provider.headers)) {
    if (CREDENTIAL_HEADERS.has(header.toLowerCase())) {
      ctx.addIssue({ code: 'custom', path: ['headers', header], message: `"${header}" carries a key, which is a secret: set the provider's key instead of a header` });
    }
  }
}));

export type ProviderConfig = z.infer<typeof providerSchema>;
export type ProviderInput = z.input<typeof providerSchema>;

/** Today's single upstream, the table's provider when it names none. */
export const DEFAULT_PROVIDERS: ProviderConfig[] = [{ name: DEFAULT_PROVIDER_NAME, kind: 'openai', apis: ['chat', 'responses'], headers: {} }];

/** Whether calls need a key: a server on this machine usually takes none. A kind-openai provider
 *  without a baseURL of its own calls `openaiBaseUrl` (the setting from before providers), and
 *  a server on this machine there takes none either, as it did then. The proxy (what it refuses)
 *  and the extension (what it asks for, what the tooltip says) both decide by this. */
export function providerNeedsKey(provider: Pick<ProviderConfig, 'kind' | 'baseURL' | 'needsKey'>, openaiBaseUrl?: string): boolean {
  if (provider.needsKey !== undefined) return provider.needsKey;
  if (provider.baseURL === undefined) return !(openaiBaseUrl !== undefined && isLoopbackUrl(openaiBaseUrl));
  return !(provider.kind === 'compatible' && isLoopbackUrl(provider.baseURL));
}

/** Whether OpenAI's hosted tools (web search) run there: OpenAI's own API and Azure's. */
export function hostsWebSearch(provider: Pick<ProviderConfig, 'kind'>): boolean {
  return provider.kind === 'openai' || provider.kind === 'azure';
}

/** Azure's v1 API (…/openai/v1) takes the deployment's name as the model in the body and no dated
 *  api-version; its older deployment URLs (…/openai/deployments/NAME/…) need an api-version. */
export function isAzureV1Url(baseURL: string): boolean {
  try {
    return /\/openai\/v1\/?$/.test(new URL(baseURL).pathname);
  } catch {
    return false;
  }
}

export function isLoopbackUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname.toLowerCase();
    return host === 'localhost' || host === '[::1]' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
  } catch {
    return false;
  }
}

/** The table's checks that concern providers, each naming the field at fault. */
export function checkProviders(
  table: { providers: ProviderConfig[]; routes: { name: string; provider?: string; api: 'chat' | 'responses' }[]; webSearchRoute?: string },
  addIssue: (path: (string | number)[], message: string) => void,
): void {
  const seen = new Set<string>();
  table.providers.forEach((provider, index) => {
    if (seen.has(provider.name)) addIssue(['providers', index, 'name'], `another provider is already named "${provider.name}"`);
    seen.add(provider.name);
  });
  const known = table.providers.map((provider) => provider.name).join(', ');
  table.routes.forEach((route, index) => {
    const provider = routeProvider(table, route);
    if (!provider) {
      addIssue(['routes', index, 'provider'], `no provider is named "${route.provider}" (providers: ${known})`);
    } else if (!provider.apis.includes(route.api)) {
      addIssue(['routes', index, 'api'], `provider "${provider.name}" does not offer the ${route.api === 'chat' ? 'Chat Completions' : 'Responses'} API ("apis": ${JSON.stringify(provider.apis)})`);
    }
  });
  const searching = table.routes.find((route) => route.name === table.webSearchRoute);
  const searchProvider = searching && routeProvider(table, searching);
  if (searchProvider && !hostsWebSearch(searchProvider)) {
    addIssue(['webSearchRoute'], `route "${searching.name}" is on provider "${searchProvider.name}" of kind "${searchProvider.kind}": hosted web search needs a provider of kind "openai" or "azure"`);
  }
}

/** A route's provider: the one it names, else the table's first. */
export function routeProvider<P extends { name: string }>(table: { providers: readonly P[] }, route: { provider?: string }): P | undefined {
  return route.provider === undefined ? table.providers[0] : table.providers.find((provider) => provider.name === route.provider);
}

/** Whether log lines, model names and self-test titles name the provider: not for today's single
 *  default one, where they read as before providers. */
export function namesProviders(providers: readonly { name: string }[]): boolean {
  return providers.length > 1 || providers[0]?.name !== DEFAULT_PROVIDER_NAME;
}
