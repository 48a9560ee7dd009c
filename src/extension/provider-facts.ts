// What the extension tells of a provider without asking the proxy: the host of its server, and
// whether it needs a key. No `vscode` import.
import { providerNeedsKey, type ProviderConfig } from '../proxy';

/** `http://127.0.0.1:8080/v1` -> `127.0.0.1:8080`; a string that is no URL stays as it is. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** The proxy's rule (server/upstreams.ts): providerNeedsKey, and a kind-openai provider without a
 *  baseURL of its own calls claudeProxy.openaiBaseUrl, where a server on this machine takes no
 *  key, as before providers. test/extension/provider-facts.test.ts holds it to /health's answer. */
export function keyNeeded(provider: Pick<ProviderConfig, 'kind' | 'baseURL' | 'needsKey'>, openaiBaseUrl: string): boolean {
  if (provider.needsKey === undefined && provider.baseURL === undefined && isLoopback(openaiBaseUrl)) return false;
  return providerNeedsKey(provider);
}

function isLoopback(url: string): boolean {
  return providerNeedsKey({ kind: 'compatible', baseURL: url }) === false;
}
