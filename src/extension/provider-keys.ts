// The commands that store a provider's key: "Set Provider API Key" (a quick pick of the providers
// that need one, then a masked input box) and "Set OpenAI API Key" (the provider named "openai").
import { DEFAULT_PROVIDER_NAME, type ProviderConfig } from '../proxy';
import { askForProviderKey, type Prompts } from './prompts';
import type { ProxyController } from './proxy/proxy-controller';
import type { ProviderSummary } from './status-tooltip';

/** What a caller may give instead of the dialogs: the tooltip's link gives the provider, scripts and tests the key too. */
export interface SetProviderKeyOptions {
  provider?: string;
  key?: string;
}

/** Returns the name of the provider whose key was stored, or undefined when cancelled. */
export async function setProviderKey(controller: ProxyController, prompts: Prompts, given?: SetProviderKeyOptions): Promise<string | undefined> {
  const options = typeof given === 'object' && given !== null ? given : {};
  const states = controller.providerStates();
  const needing = controller.providers.filter((provider) => states.find((state) => state.name === provider.name)?.needsKey);
  if (needing.length === 0) {
    const names = controller.providers.map((provider) => `"${provider.name}"`).join(', ');
    void prompts.info(`Claude Proxy: no provider needs a key (${names || 'no valid claudeProxy.providers'}). A server on this machine takes none.`);
    return undefined;
  }
  const provider = options.provider === undefined ? await pickProvider(prompts, needing, states) : needing.find((candidate) => candidate.name === options.provider);
  if (!provider) {
    if (options.provider === undefined) return undefined;
    throw new Error(`no provider named "${options.provider}" needs a key; these do: ${needing.map((candidate) => candidate.name).join(', ')} (claudeProxy.providers)`);
  }
  const stored = await storeKey(controller, provider, options.key);
  if (stored) void prompts.info(`Claude Proxy: the API key of provider "${provider.name}" is saved in SecretStorage.`);
  return stored ? provider.name : undefined;
}

/** "Set OpenAI API Key": the key of the provider named "openai", as before providers. */
export async function setOpenaiKey(controller: ProxyController, prompts: Prompts, preset?: string): Promise<boolean> {
  const openai = controller.providers.find((provider) => provider.name === DEFAULT_PROVIDER_NAME) ?? { name: DEFAULT_PROVIDER_NAME, kind: 'openai' as const };
  const stored = await storeKey(controller, openai, preset);
  if (stored) void prompts.info('Claude Proxy: OpenAI API key saved in SecretStorage.');
  return stored;
}

async function storeKey(controller: ProxyController, provider: Pick<ProviderConfig, 'name' | 'kind' | 'baseURL'>, preset: string | undefined): Promise<boolean> {
  const key = typeof preset === 'string' && preset.trim() ? preset.trim() : await askForProviderKey(provider);
  if (!key) return false;
  await controller.setProviderKey(provider.name, key);
  return true;
}

function pickProvider(prompts: Prompts, providers: readonly ProviderConfig[], states: readonly ProviderSummary[]): Thenable<ProviderConfig | undefined> {
  const items = providers.map((provider) => {
    const state = states.find((candidate) => candidate.name === provider.name);
    return {
      label: provider.name,
      description: `${provider.kind} · ${state?.baseURL ?? provider.baseURL ?? ''}`,
      detail: state?.key === 'set' ? 'A key is set: a new one replaces it.' : 'No key set yet.',
      provider,
    };
  });
  return prompts.pickItem(items, { title: 'Claude Proxy: Set Provider API Key', placeHolder: 'The provider whose key to set (claudeProxy.providers)' })
    .then((item) => item?.provider);
}
