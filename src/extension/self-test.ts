// The self-tests: the original set-up's two test scripts (health + models, then a message and a
// tool call per route), run against the live proxy with the Anthropic SDK, streaming included,
// provider by provider: each provider's key first, then its routes. Every failure names the
// provider and says what to fix. No `vscode` import: unit-tested in plain Node.
import type Anthropic from '@anthropic-ai/sdk';
import { DEFAULT_PROVIDER_NAME, namesProviders } from '../proxy';

export interface SelfTestRoute {
  name: string;
  model: string;
  api: 'chat' | 'responses';
  provider?: string;
}

/** A provider as GET /health describes it. */
export interface SelfTestProvider {
  name: string;
  kind: string;
  baseURL: string;
  needsKey: boolean;
  keyConfigured: boolean;
}

export interface SelfTestOptions {
  proxyUrl: string;
  token: string;
  /** One line per check ([PASS] / [FAIL] / [SKIP]) and the summary. */
  log: (line: string) => void;
  /** Called before each check with its title and the share of the work it stands for (0..100). */
  progress?: (title: string, increment: number) => void;
  signal?: AbortSignal;
  /** Per request (default 120 s: reasoning models can be slow). */
  timeoutMs?: number;
}

export interface CheckResult {
  /** e.g. "health", "model list", "provider local", "claude-haiku-4-5 -> qwen3 on local: tool call, streaming" */
  title: string;
  /** The provider a check is about (absent for health and the model list). */
  provider?: string;
  status: 'pass' | 'fail' | 'skip';
  detail: string;
  /** For a failure: what to do about it. */
  fix?: string;
  ms: number;
}

export interface SelfTestReport {
  results: CheckResult[];
  passed: number;
  failed: number;
  skipped: number;
  /** One line, e.g. "Self-tests: all 14 checks passed", or which providers failed. */
  summary: string;
  /** The first failure's fix, for the notification. */
  firstFix?: string;
}

interface Health {
  status?: string;
  upstream?: string;
  openaiKeyConfigured?: boolean;
  providers?: SelfTestProvider[];
  routes?: SelfTestRoute[];
}

/** A failure that makes every later check fail the same way: of the whole proxy (it does not
 *  answer), or of one provider (no key, a rejected key, a server not reached). */
class Fatal extends Error {
  constructor(message: string, readonly fix: string, readonly scope: 'proxy' | 'provider' = 'provider') {
    super(message);
  }
}

class CheckFailed extends Error {
  constructor(message: string, readonly fix: string) {
    super(message);
  }
}

const WEATHER_TOOL = {
  name: 'get_weather',
  description: 'Get the current weather in a city.',
  input_schema: {
    type: 'object' as const,
    properties: { city: { type: 'string', description: 'The city, e.g. Paris' } },
    required: ['city'],
  },
};

export async function runSelfTests(options: SelfTestOptions): Promise<SelfTestReport> {
  const results: CheckResult[] = [];
  const record = (result: CheckResult) => {
    results.push(result);
    const tag = result.status === 'pass' ? '[PASS]' : result.status === 'fail' ? '[FAIL]' : '[SKIP]';
    options.log(`${tag} ${result.title}: ${result.detail}${result.ms ? ` (${result.ms} ms)` : ''}`);
    if (result.fix) options.log(`       fix: ${result.fix}`);
  };
  /** What stops every later check, and what stops the rest of the current provider's. */
  let proxyFatal: Fatal | undefined;
  let providerFatal: Fatal | undefined;

  const check = async (title: string, share: number, body: () => Promise<string>, target?: Target) => {
    options.progress?.(title, share);
    const provider = target?.provider.name;
    const fatal = proxyFatal ?? providerFatal;
    if (fatal) {
      record({ title, provider, status: 'skip', detail: `skipped: ${fatal.message}`, ms: 0 });
      return;
    }
    if (options.signal?.aborted) {
      record({ title, provider, status: 'skip', detail: 'cancelled', ms: 0 });
      return;
    }
    const started = Date.now();
    try {
      const detail = await body();
      record({ title, provider, status: 'pass', detail, ms: Date.now() - started });
    } catch (error) {
      const failure = error instanceof Fatal || error instanceof CheckFailed ? error : explain(error, options.signal, target);
      if (failure instanceof Fatal) {
        if (failure.scope === 'proxy' || !target) proxyFatal = failure;
        else providerFatal = failure;
      }
      record({ title, provider, status: 'fail', detail: failure.message, fix: failure.fix, ms: Date.now() - started });
    }
  };

  options.log(`Self-tests against the proxy at ${options.proxyUrl}`);
  let health: Health = {};
  await check('health', 5, async () => {
    const response = await fetchWithTimeout(`${options.proxyUrl}/health`, {}, options);
    if (!response.ok) throw new Fatal(`GET /health answered ${response.status}`, 'Restart the proxy ("Claude Proxy: Restart").', 'proxy');
    health = await response.json() as Health;
    if (health.status !== 'ok') throw new Fatal(`GET /health says ${JSON.stringify(health.status)}`, 'Restart the proxy ("Claude Proxy: Restart").', 'proxy');
    return `proxy up, ${providersOf(health).length} provider(s), ${health.routes?.length ?? 0} route(s)`;
  });

  const routes = health.routes ?? [];
  const providers = providersOf(health);
  const client = proxyFatal ? undefined : await createClient(options);
  const served = new Set<string>();
  await check('model list', 5, async () => {
    const page = await client!.models.list({ limit: 100 }, { signal: options.signal });
    for (const model of page.data) served.add(model.id);
    const missing = routes.map((route) => route.name).filter((name) => !served.has(name));
    if (missing.length > 0) throw new CheckFailed(`GET /v1/models does not list ${missing.join(', ')}`, 'Restart the proxy ("Claude Proxy: Restart").');
    return [...served].join(', ');
  });

  const named = namesProviders(providers);
  const first = providers[0]?.name;
  const share = routes.length > 0 ? 90 / (routes.length * 4 + providers.length) : 0;
  for (const provider of providers) {
    providerFatal = undefined;
    const own = routes.filter((route) => (route.provider ?? first) === provider.name);
    await check(`provider ${provider.name}`, share, () => Promise.resolve(describeProvider(provider, own.length)), { provider });
    for (const route of own) await checkRoute(route, { provider, route }, named ? ` on ${provider.name}` : '');
  }

  async function checkRoute(route: SelfTestRoute, target: Target, on: string): Promise<void> {
    const label = `${route.name} -> ${route.model}${on}`;
    const request = (extra: Partial<Anthropic.MessageCreateParamsNonStreaming>) => ({
      model: route.name,
      max_tokens: 1024,
      messages: [{ role: 'user' as const, content: 'Reply with the single word: pong' }],
      ...extra,
    });
    const toolRequest = () => request({
      messages: [{ role: 'user', content: 'What is the weather in Paris? Use the get_weather tool.' }],
      tools: [WEATHER_TOOL],
      tool_choice: { type: 'tool', name: WEATHER_TOOL.name },
    });

    await check(`${label}: message`, share, async () => {
      const message = await client!.messages.create(request({}), { signal: options.signal });
      return describeText(message, route);
    }, target);
    await check(`${label}: message, streaming`, share, async () => {
      const stream = client!.messages.stream(request({}), { signal: options.signal });
      let deltas = 0;
      stream.on('text', () => deltas++);
      const message = await stream.finalMessage();
      if (deltas === 0) throw new CheckFailed('the stream carried no text delta', streamFix(route, target.provider));
      return `${describeText(message, route)}, ${deltas} text delta(s)`;
    }, target);
    await check(`${label}: tool call`, share, async () => {
      const message = await client!.messages.create(toolRequest(), { signal: options.signal });
      return describeToolUse(message, route);
    }, target);
    await check(`${label}: tool call, streaming`, share, async () => {
      const stream = client!.messages.stream(toolRequest(), { signal: options.signal });
      let jsonDeltas = 0;
      stream.on('inputJson', () => jsonDeltas++);
      const message = await stream.finalMessage();
      return `${describeToolUse(message, route)}, ${jsonDeltas} input delta(s)`;
    }, target);
  }

  const passed = results.filter((result) => result.status === 'pass').length;
  const failed = results.filter((result) => result.status === 'fail').length;
  const skipped = results.filter((result) => result.status === 'skip').length;
  const failing = [...new Set(results.filter((result) => result.status === 'fail' && result.provider).map((result) => result.provider!))];
  const summary = failed === 0 && skipped === 0
    ? `Self-tests: all ${passed} checks passed`
    : `Self-tests: ${passed} of ${results.length} checks passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}${failing.length ? ` (provider ${failing.join(', ')})` : ''}`;
  options.log(summary);
  return { results, passed, failed, skipped, summary, firstFix: results.find((result) => result.fix)?.fix };
}

/** What a check is about, for the explanation of its failure. */
interface Target {
  provider: SelfTestProvider;
  route?: SelfTestRoute;
}

/** The providers GET /health lists; a proxy from before providers (another window's) had one OpenAI upstream. */
function providersOf(health: Health): SelfTestProvider[] {
  if (health.providers) return health.providers;
  if (health.status !== 'ok') return [];
  return [{ name: DEFAULT_PROVIDER_NAME, kind: 'openai', baseURL: health.upstream ?? '', needsKey: true, keyConfigured: health.openaiKeyConfigured === true }];
}

function describeProvider(provider: SelfTestProvider, routes: number): string {
  if (provider.needsKey && !provider.keyConfigured) throw new Fatal(`no API key is set for ${whose(provider)}`, setKeyFix(provider));
  return `${provider.kind} at ${provider.baseURL}, ${provider.keyConfigured ? 'key set' : 'no key needed'}, ${routes} route(s)`;
}

/** "OpenAI" for today's default provider, else `provider "local"`. */
function whose(provider: SelfTestProvider): string {
  return isDefault(provider) ? 'OpenAI' : `provider "${provider.name}"`;
}

function isDefault(provider: SelfTestProvider): boolean {
  return provider.name === DEFAULT_PROVIDER_NAME && provider.kind === 'openai';
}

function setKeyFix(provider: SelfTestProvider): string {
  return isDefault(provider)
    ? 'Run "Claude Proxy: Set OpenAI API Key" (or start VS Code with OPENAI_API_KEY in its environment).'
    : `Run "Claude Proxy: Set Provider API Key" and choose "${provider.name}".`;
}

/** The setting that holds a provider's base URL. */
function baseUrlSetting(provider: SelfTestProvider): string {
  return isDefault(provider) ? 'claudeProxy.openaiBaseUrl' : `the baseURL of provider "${provider.name}" in claudeProxy.providers`;
}

async function createClient(options: SelfTestOptions): Promise<Anthropic> {
  const { default: AnthropicClient } = await import('@anthropic-ai/sdk');
  return new AnthropicClient({
    baseURL: options.proxyUrl,
    authToken: options.token,
    maxRetries: 0,
    timeout: options.timeoutMs ?? 120_000,
  });
}

async function fetchWithTimeout(url: string, init: RequestInit, options: SelfTestOptions): Promise<Response> {
  const signals = [AbortSignal.timeout(options.timeoutMs ?? 120_000), ...(options.signal ? [options.signal] : [])];
  try {
    return await fetch(url, { ...init, signal: AbortSignal.any(signals) });
  } catch (error) {
    throw new Fatal(`the proxy does not answer at ${url} (${causeOf(error)})`, 'Start the proxy ("Claude Proxy: Start Claude proxy") and check the log.');
  }
}

function describeText(message: Anthropic.Message, route: SelfTestRoute): string {
  const text = message.content.filter((block) => block.type === 'text').map((block) => block.text).join('').trim();
  if (text === '') {
    throw new CheckFailed(`no text in the answer (stop_reason ${message.stop_reason})`,
      message.stop_reason === 'max_tokens'
        ? `The model spent its output budget before answering: raise maxOutputTokens of route "${route.name}" in claudeProxy.routes.`
        : `Check that "${route.model}" is a chat model that can answer text.`);
  }
  return `"${shorten(text)}"`;
}

function describeToolUse(message: Anthropic.Message, route: SelfTestRoute): string {
  const call = message.content.find((block) => block.type === 'tool_use');
  if (!call) {
    throw new CheckFailed(`the model answered without calling the tool (stop_reason ${message.stop_reason})`,
      `Use a model with function calling for route "${route.name}" in claudeProxy.routes.`);
  }
  if (call.name !== WEATHER_TOOL.name) throw new CheckFailed(`the model called "${call.name}" instead of get_weather`, `Use a model with function calling for route "${route.name}".`);
  if (message.stop_reason !== 'tool_use') throw new CheckFailed(`stop_reason is ${message.stop_reason}, not tool_use`, 'Report this: the proxy mistranslated the answer.');
  const input = call.input as { city?: unknown };
  if (typeof input !== 'object' || input === null || typeof input.city !== 'string') {
    throw new CheckFailed(`the tool input ${JSON.stringify(call.input)} has no "city"`, `Use a model with reliable function calling for route "${route.name}".`);
  }
  return `get_weather(${JSON.stringify(call.input)})`;
}

function streamFix(route: SelfTestRoute, provider: SelfTestProvider): string {
  return `Check that ${route.model} supports streaming on the ${route.api} API of ${whose(provider)} (route "${route.name}", setting "api").`;
}

interface SdkErrorLike {
  name?: string;
  status?: number;
  message?: string;
  error?: { error?: { type?: string; message?: string } };
}

/** Turns an SDK error into what happened and what to do about it, naming the provider. */
export function explain(error: unknown, signal?: AbortSignal, target?: Target): Fatal | CheckFailed {
  const failure = error as SdkErrorLike;
  if (signal?.aborted) return new Fatal('cancelled', 'Run the self-tests again.', 'proxy');
  const type = failure?.error?.error?.type;
  const message = failure?.error?.error?.message ?? failure?.message ?? String(error);
  const provider = target?.provider ?? { name: DEFAULT_PROVIDER_NAME, kind: 'openai', baseURL: '', needsKey: true, keyConfigured: true };
  const upstream = whose(provider);
  const route = target?.route ? `route "${target.route.name}"` : 'the route';
  if (failure?.name === 'APIConnectionTimeoutError') {
    return new CheckFailed('the proxy did not answer in time', `Check ${baseUrlSetting(provider)} and that its server is up; slow local models may need more time.`);
  }
  if (failure?.name === 'APIConnectionError') {
    return new Fatal(`the proxy does not answer (${causeOf(error)})`, 'Start the proxy ("Claude Proxy: Start Claude proxy") and check the log.', 'proxy');
  }
  switch (failure?.status) {
    case 401:
      if (/proxy token/i.test(message)) return new Fatal(message, 'Restart the proxy ("Claude Proxy: Restart"): the token it checks differs from the one in SecretStorage.', 'proxy');
      return new Fatal(`${upstream} rejected the API key (or none is set)`,
        isDefault(provider) ? 'Run "Claude Proxy: Set OpenAI API Key" with a valid key for claudeProxy.openaiBaseUrl.'
          : `Run "Claude Proxy: Set Provider API Key", choose "${provider.name}" and enter a valid key for ${provider.baseURL}.`);
    case 403:
      return new CheckFailed(message, `Check the account at ${upstream}: its quota, billing and access to this model.`);
    case 404:
      return new CheckFailed(message, isDefault(provider)
        ? 'OpenAI does not know this model (or the key may not use it): change the route\'s "model" in claudeProxy.routes, or claudeProxy.openaiBaseUrl.'
        : `${upstream} does not serve this model: change the "model" of ${route} in claudeProxy.routes to one it serves, or the route's "provider".`);
    case 429:
      return new CheckFailed(message, `${upstream} rate-limits this key: wait a minute and run the self-tests again.`);
    case 400:
      return new CheckFailed(message, `${upstream} rejected the request: check the "api" (chat or responses) and "model" of ${route} in claudeProxy.routes${isDefault(provider) ? '' : `, and the "apis" of provider "${provider.name}" in claudeProxy.providers`}.`);
    case 502:
    case 504:
      if (/could not reach|did not answer/i.test(message)) {
        return new Fatal(message, `Check ${baseUrlSetting(provider)} (it usually ends in /v1), the network, and that ${isDefault(provider) ? 'a local server (Ollama, vLLM, LM Studio)' : 'the server'} is running.`);
      }
      return new CheckFailed(message, `${upstream} failed: try again later.`);
    default:
      return new CheckFailed(`${failure?.status ? `${failure.status} ` : ''}${type ? `${type}: ` : ''}${message}`, 'See the Claude Proxy log for the request.');
  }
}

function causeOf(error: unknown): string {
  let current = error as { cause?: unknown; code?: string; message?: string } | undefined;
  for (let depth = 0; current?.cause && depth < 5; depth++) current = current.cause;
  return current?.code ?? current?.message ?? String(error);
}

function shorten(text: string): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > 60 ? `${flat.slice(0, 57)}...` : flat;
}
