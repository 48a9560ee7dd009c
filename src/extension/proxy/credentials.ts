// The OpenAI key and the proxy token: read for a start (a start the user asked for asks for a
// missing key), and handed to the running proxy when they change in SecretStorage.
import type { ProxyLog } from '../log';
import { askForKey } from '../prompts';
import type { KeySource, Secrets } from '../secrets';
import type { ProxySession } from './proxy-state';

/** The key to start with; `interactive` asks for it when none is set, and stores the answer. */
export async function readOpenaiKey(secrets: Secrets, interactive: boolean): Promise<{ key: string | undefined; source: KeySource }> {
  const found = await secrets.openaiKey();
  if (found.key || !interactive) return found;
  const entered = await askForKey();
  if (!entered) return found;
  await secrets.setOpenaiKey(entered);
  return secrets.openaiKey();
}

/** A new key in SecretStorage (or none): the running proxy sends it from the next request on. */
export async function applyKey(session: ProxySession, secrets: Secrets, log: ProxyLog): Promise<void> {
  const { key, source } = await secrets.openaiKey();
  if (key === session.key && source === session.keySource) return;
  session.keySource = source;
  session.key = key;
  if (session.server) {
    session.server.reconfigure({ openaiApiKey: key });
    log.info(`OpenAI key updated: ${describeKeySource(source)}`);
  }
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
