// The providers' keys and the proxy token: read for a start (a start the user asked for asks for a
// missing key), and handed to the running proxy when they change in SecretStorage or when the
// providers change in the settings.
import { DEFAULT_PROVIDER_NAME, providerNeedsKey } from '../../proxy';
import type { ProxyLog } from '../log';
import { askForProviderKey } from '../prompts';
import type { ExtensionSettings } from '../settings';
import type { KeySource, ProviderKeys, Secrets } from '../secrets';
import type { ProxySession } from './proxy-state';

/** The key of every provider (one that needs none may still take one); `interactive` asks for
 *  each missing key that is needed, and stores the answer. */
export async function readProviderKeys(secrets: Secrets, settings: Pick<ExtensionSettings, 'routeTable' | 'openaiBaseUrl'>, interactive: boolean): Promise<ProviderKeys> {
  const keys: ProviderKeys = {};
  for (const provider of settings.routeTable.providers) {
    let found = await secrets.providerKey(provider.name);
    if (!found.key && interactive && providerNeedsKey(provider, settings.openaiBaseUrl)) {
      const entered = await askForProviderKey(provider);
      if (entered) {
        await secrets.setProviderKey(provider.name, entered);
        found = await secrets.providerKey(provider.name);
      }
    }
    keys[provider.name] = found;
  }
  return keys;
}

/** What the proxy takes: the key of the provider named "openai", and every provider's key by name. */
export function proxyKeyOptions(keys: ProviderKeys): { openaiApiKey: string | undefined; providerKeys: Record<string, string | undefined> } {
  const providerKeys: Record<string, string | undefined> = {};
  for (const [name, state] of Object.entries(keys)) providerKeys[name] = state.key;
  return { openaiApiKey: keys[DEFAULT_PROVIDER_NAME]?.key, providerKeys };
}

/** A new key in SecretStorage (or none), or other providers: the running proxy sends the keys
 *  from the next request on. Returns whether anything changed. */
export async function applyKeys(session: ProxySession, secrets: Secrets, log: ProxyLog): Promise<boolean> {
  if (!session.settings) return false;
  const keys = await readProviderKeys(secrets, session.settings, false);
  const changed = [...new Set([...Object.keys(keys), ...Object.keys(session.keys)])]
    .filter((name) => keys[name]?.key !== session.keys[name]?.key || keys[name]?.source !== session.keys[name]?.source);
  if (changed.length === 0) return false;
  session.keys = keys;
  if (session.server) {
    session.server.reconfigure(proxyKeyOptions(keys));
    for (const name of changed) log.info(`API key of provider "${name}" updated: ${describeKeySource(keys[name]?.source ?? 'none')}`);
  }
  return true;
}

/** A new token: the running proxy accepts only it, and new terminals get it (`applyTerminal`). */
export async function applyToken(session: ProxySession, secrets: Secrets, log: ProxyLog, applyTerminal: () => void): Promise<void> {
  const token = await secrets.proxyToken();
  if (token === session.token) return;
  session.token = token;
  if (session.server) {
    session.server.reconfigure({ token });
    if (session.settings?.injectEnvironment) applyTerminal();
    log.info('Proxy token changed: new terminals get the new one; terminals opened before must be reopened');
  } else if (session.sharedUrl && session.settings?.injectEnvironment) {
    applyTerminal();
  }
}

export function describeKeySource(source: KeySource): string {
  return source === 'secret-storage' ? 'from SecretStorage' : source === 'environment' ? 'from OPENAI_API_KEY' : 'none set';
}
