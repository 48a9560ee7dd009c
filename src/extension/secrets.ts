// The providers' keys and the proxy's own client token, in SecretStorage and nowhere else.
// The provider named "openai" keeps the OpenAI key of before providers, with OPENAI_API_KEY from
// the extension host's environment as its documented fallback; every other provider's key is a
// secret of its own name.
import type * as vscode from 'vscode';
import { DEFAULT_PROVIDER_NAME, randomToken } from '../proxy';

export const OPENAI_KEY_SECRET = 'claudeProxy.openaiApiKey';
export const PROXY_TOKEN_SECRET = 'claudeProxy.proxyToken';
export const PROVIDER_KEY_PREFIX = 'claudeProxy.providerKey.';

/** The secret that holds a provider's key. */
export function providerKeySecret(provider: string): string {
  return provider === DEFAULT_PROVIDER_NAME ? OPENAI_KEY_SECRET : `${PROVIDER_KEY_PREFIX}${provider}`;
}

/** Whether a changed secret is a provider's key (the OpenAI key included). */
export function isProviderKeySecret(secret: string): boolean {
  return secret === OPENAI_KEY_SECRET || secret.startsWith(PROVIDER_KEY_PREFIX);
}

export type KeySource = 'secret-storage' | 'environment' | 'none';

/** The key of each provider that needs one, by provider name, and where it came from. */
export type ProviderKeys = Record<string, { key: string | undefined; source: KeySource }>;

/** How many replaced keys and tokens stay redacted (an old token can still be in a terminal). */
export const RETIRED_KEPT = 20;

export class Secrets {
  /** Cached copies, so that the log can redact them synchronously. */
  private cachedKey: string | undefined;
  private cachedToken: string | undefined;
  /** The other providers' keys, by provider name. */
  private readonly cachedProviderKeys = new Map<string, string>();
  /** Keys and tokens replaced in this window, newest last. */
  private readonly retired: string[] = [];
  readonly onDidChange: vscode.Event<vscode.SecretStorageChangeEvent>;

  constructor(private readonly storage: vscode.SecretStorage, private readonly environment: NodeJS.ProcessEnv = process.env) {
    this.onDidChange = storage.onDidChange;
  }

  async openaiKey(): Promise<{ key: string | undefined; source: KeySource }> {
    const stored = (await this.storage.get(OPENAI_KEY_SECRET))?.trim();
    if (stored) return { key: this.cacheKey(stored), source: 'secret-storage' };
    const fromEnvironment = this.environment.OPENAI_API_KEY?.trim();
    if (fromEnvironment) return { key: this.cacheKey(fromEnvironment), source: 'environment' };
    this.cacheKey(undefined);
    return { key: undefined, source: 'none' };
  }

  async setOpenaiKey(key: string): Promise<void> {
    await this.storage.store(OPENAI_KEY_SECRET, this.cacheKey(key.trim())!);
  }

  /** A provider's key: the OpenAI key for the provider named "openai", else its own secret. */
  async providerKey(provider: string): Promise<{ key: string | undefined; source: KeySource }> {
    if (provider === DEFAULT_PROVIDER_NAME) return this.openaiKey();
    const stored = (await this.storage.get(providerKeySecret(provider)))?.trim();
    this.cacheProviderKey(provider, stored || undefined);
    return stored ? { key: stored, source: 'secret-storage' } : { key: undefined, source: 'none' };
  }

  async setProviderKey(provider: string, key: string): Promise<void> {
    if (provider === DEFAULT_PROVIDER_NAME) return this.setOpenaiKey(key);
    const trimmed = key.trim();
    this.cacheProviderKey(provider, trimmed);
    await this.storage.store(providerKeySecret(provider), trimmed);
  }

  /** The token clients must present; made at random the first time and kept. */
  async proxyToken(): Promise<string> {
    const stored = await this.storage.get(PROXY_TOKEN_SECRET);
    if (stored) return this.cacheToken(stored);
    return this.rotateProxyToken();
  }

  async rotateProxyToken(): Promise<string> {
    const token = this.cacheToken(randomToken());
    await this.storage.store(PROXY_TOKEN_SECRET, token);
    return token;
  }

  /** Every secret value known in this window, replaced ones included, for redaction. */
  known(): (string | undefined)[] {
    return [this.cachedKey, this.cachedToken, this.environment.OPENAI_API_KEY, ...this.cachedProviderKeys.values(), ...this.retired];
  }

  private cacheProviderKey(provider: string, key: string | undefined): void {
    this.retire(this.cachedProviderKeys.get(provider), key);
    if (key) this.cachedProviderKeys.set(provider, key);
    else this.cachedProviderKeys.delete(provider);
  }

  private cacheKey(key: string | undefined): string | undefined {
    this.retire(this.cachedKey, key);
    return (this.cachedKey = key);
  }

  private cacheToken(token: string): string {
    this.retire(this.cachedToken, token);
    return (this.cachedToken = token);
  }

  private retire(old: string | undefined, next: string | undefined): void {
    if (!old || old === next) return;
    const at = this.retired.indexOf(old);
    if (at !== -1) this.retired.splice(at, 1);
    this.retired.push(old);
    if (this.retired.length > RETIRED_KEPT) this.retired.splice(0, this.retired.length - RETIRED_KEPT);
  }
}
