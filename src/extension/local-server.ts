// "Use a Local Server": asks where the server listens (llama.cpp, Ollama, LM Studio, vLLM or any
// URL), which of its models to use (listed from its /models when it answers), and which Claude
// models go there (the haiku family or all), then writes claudeProxy.providers and
// claudeProxy.routes. The proxy applies them live; a server on this machine is asked for no key.
import * as vscode from 'vscode';
import { providerNeedsKey } from '../proxy';
import { LOCAL_SERVERS, planLocalServer, type LocalScope, type LocalServerPlan } from './local-server-plan';
import { hostOf } from './provider-facts';
import type { ProxyLog } from './log';
import type { Prompts } from './prompts';
import { readSettings, SECTION } from './settings';

/** Instead of the dialogs (scripts, tests). */
export interface UseLocalServerOptions {
  baseURL?: string;
  model?: string;
  scope?: LocalScope;
}

const OTHER_URL = 'Another URL…';
const SET_KEY = 'Set Its API Key';
const RUN_SELF_TESTS = 'Run Self-Tests';
const OTHER_MODEL = 'Another model…';
/** A local server answers its model list at once; one that does not is probably not running. */
const LIST_TIMEOUT_MS = 3000;

export async function useLocalServer(prompts: Prompts, log: ProxyLog, given?: UseLocalServerOptions): Promise<LocalServerPlan | undefined> {
  const options = typeof given === 'object' && given !== null ? given : {};
  const baseURL = options.baseURL ?? (await askBaseUrl(prompts));
  if (!baseURL) return undefined;
  const model = options.model ?? (await askModel(prompts, baseURL));
  if (!model) return undefined;
  const scope = options.scope ?? (await askScope(prompts));
  if (!scope) return undefined;

  const config = vscode.workspace.getConfiguration(SECTION);
  const plan = planLocalServer({
    providers: config.get<Record<string, unknown>[]>('providers') ?? [],
    routes: config.get<Record<string, unknown>[]>('routes') ?? [],
    baseURL, model, scope,
  });
  // Nothing is written that the proxy would refuse (a webSearchRoute of one's own on a moved route, say).
  const check = readSettings((key) => (key === 'providers' ? plan.providers : key === 'routes' ? plan.routes : config.get(key)));
  if (!check.ok) throw new Error(`the local server cannot take these routes: ${check.problems.join('; ')}`);
  await config.update('providers', plan.providers, vscode.ConfigurationTarget.Global);
  await config.update('routes', plan.routes, targetOf(config.inspect('routes')));

  const what = scope === 'all' ? 'Every Claude model' : `Claude Code's haiku family (${plan.changed.join(', ')})`;
  log.info(`Local server: ${what} now on provider "${plan.provider}", model ${model} at ${baseURL} (claudeProxy.providers, claudeProxy.routes)`);
  const needsKey = providerNeedsKey({ kind: 'compatible', baseURL });
  const next = needsKey ? SET_KEY : RUN_SELF_TESTS;
  // Claude Code compacts every model at the routes' smallest window: only with every model local
  // is the server's window the one to give (a haiku route's would make the main model compact early).
  const window = scope === 'all' ? ' Give the routes a contextWindow (the server\'s context size) so that Claude Code compacts in time.' : '';
  void prompts.info(`Claude Proxy: ${what} now runs on "${plan.provider}" (${model} at ${hostOf(baseURL)})${needsKey ? '; set its API key next' : ', no key needed'}.${window}`, next)
    .then((choice) => choice === SET_KEY ? vscode.commands.executeCommand('claudeProxy.setProviderKey', { provider: plan.provider })
      : choice === RUN_SELF_TESTS && vscode.commands.executeCommand('claudeProxy.runSelfTests'));
  return plan;
}

async function askBaseUrl(prompts: Prompts): Promise<string | undefined> {
  const items = [
    ...LOCAL_SERVERS.map((server) => ({ label: server.label, description: server.baseURL, baseURL: server.baseURL })),
    { label: OTHER_URL, description: 'any OpenAI-compatible server', baseURL: undefined },
  ];
  const choice = await prompts.pickItem(items, { title: 'Claude Proxy: Use a Local Server (1/3)', placeHolder: 'Which server? (its default address)' });
  if (!choice) return undefined;
  if (choice.baseURL) return choice.baseURL;
  return (await vscode.window.showInputBox({
    title: 'Claude Proxy: Use a Local Server (1/3)',
    prompt: 'The server\'s OpenAI-compatible base URL, usually ending in /v1',
    value: 'http://127.0.0.1:8080/v1',
    ignoreFocusOut: true,
    validateInput: (value) => (isHttpUrl(value.trim()) ? undefined : 'An http:// or https:// URL, e.g. http://127.0.0.1:8080/v1'),
  }))?.trim() || undefined;
}

async function askModel(prompts: Prompts, baseURL: string): Promise<string | undefined> {
  const listed = await listModels(baseURL);
  if (listed.models.length > 0) {
    const items = [...listed.models.map((id) => ({ label: id })), { label: OTHER_MODEL }];
    const choice = await prompts.pickItem(items, { title: 'Claude Proxy: Use a Local Server (2/3)', placeHolder: `The model to use (served at ${hostOf(baseURL)})` });
    if (!choice) return undefined;
    if (choice.label !== OTHER_MODEL) return choice.label;
  }
  return (await vscode.window.showInputBox({
    title: 'Claude Proxy: Use a Local Server (2/3)',
    prompt: listed.problem
      ? `${hostOf(baseURL)} did not answer (${listed.problem}). Start it later; enter the model name it will serve.`
      : 'The model name, as the server knows it',
    placeHolder: 'e.g. qwen3, llama3.1, gpt-oss-20b',
    ignoreFocusOut: true,
    validateInput: (value) => (value.trim() === '' ? 'Enter a model name (Escape to cancel)' : undefined),
  }))?.trim() || undefined;
}

async function askScope(prompts: Prompts): Promise<LocalScope | undefined> {
  const items = [
    { label: 'The haiku family', description: 'recommended', detail: 'Claude Code\'s many small calls (titles, summaries, subagents) run free on this machine; the main model stays where it is.', scope: 'haiku' as const },
    { label: 'Every Claude model', detail: 'Everything runs on the local server. Web search needs an OpenAI or Azure provider and is then off.', scope: 'all' as const },
  ];
  return (await prompts.pickItem(items, { title: 'Claude Proxy: Use a Local Server (3/3)', placeHolder: 'Which Claude models go to the local server?' }))?.scope;
}

/** The ids the server lists at GET {baseURL}/models, or why it could not be asked. */
async function listModels(baseURL: string): Promise<{ models: string[]; problem?: string }> {
  try {
    const response = await fetch(`${baseURL.replace(/\/+$/, '')}/models`, { signal: AbortSignal.timeout(LIST_TIMEOUT_MS) });
    if (!response.ok) return { models: [], problem: `GET /models answered ${response.status}` };
    const body = await response.json() as { data?: { id?: unknown }[] };
    return { models: (body.data ?? []).map((model) => model.id).filter((id): id is string => typeof id === 'string' && id !== '') };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return { models: [], problem: cause ?? (error as Error).name };
  }
}

/** Where claudeProxy.routes is set now, so that the new table replaces it there (the user's settings by default). */
function targetOf(inspected: { workspaceValue?: unknown } | undefined): vscode.ConfigurationTarget {
  return inspected?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
}

function isHttpUrl(value: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}
