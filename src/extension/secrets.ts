// The OpenAI key and the proxy's own client token, in SecretStorage and nowhere else.
// OPENAI_API_KEY from the extension host's environment is the documented fallback for the key.
import * as vscode from 'vscode';
import { randomToken } from '../proxy/server/proxy-server';

export const OPENAI_KEY_SECRET = 'claudeProxy.openaiApiKey';
export const PROXY_TOKEN_SECRET = 'claudeProxy.proxyToken';

export type KeySource = 'secret-storage' | 'environment' | 'none';

export class Secrets {
  /** Cached copies, so that the log can redact them synchronously. */
  private cachedKey: string | undefined;
  private cachedToken: string | undefined;
  readonly onDidChange: vscode.Event<vscode.SecretStorageChangeEvent>;

  constructor(private readonly storage: vscode.SecretStorage, private readonly environment: NodeJS.ProcessEnv = process.env) {
    this.onDidChange = storage.onDidChange;
  }

  async openaiKey(): Promise<{ key: string | undefined; source: KeySource }> {
    const stored = (await this.storage.get(OPENAI_KEY_SECRET))?.trim();
    if (stored) return { key: (this.cachedKey = stored), source: 'secret-storage' };
    const fromEnvironment = this.environment.OPENAI_API_KEY?.trim();
    if (fromEnvironment) return { key: (this.cachedKey = fromEnvironment), source: 'environment' };
    this.cachedKey = undefined;
    return { key: undefined, source: 'none' };
  }

  async setOpenaiKey(key: string): Promise<void> {
    this.cachedKey = key.trim();
    await this.storage.store(OPENAI_KEY_SECRET, key.trim());
  }

  async deleteOpenaiKey(): Promise<void> {
    await this.storage.delete(OPENAI_KEY_SECRET);
    await this.openaiKey();
  }

  /** The token clients must present; made at random the first time and kept. */
  async proxyToken(): Promise<string> {
    const stored = await this.storage.get(PROXY_TOKEN_SECRET);
    if (stored) return (this.cachedToken = stored);
    return this.rotateProxyToken();
  }

  async rotateProxyToken(): Promise<string> {
    const token = randomToken();
    this.cachedToken = token;
    await this.storage.store(PROXY_TOKEN_SECRET, token);
    return token;
  }

  /** Every secret value known in this window, for redaction. */
  known(): (string | undefined)[] {
    return [this.cachedKey, this.cachedToken, this.environment.OPENAI_API_KEY];
  }
}
