// The self-tests: the original set-up's two test scripts (health + models, then a message and a
// tool call per route), run against the live proxy with the Anthropic SDK, streaming included.
// Every failure says what to fix. No `vscode` import: unit-tested in plain Node.
import type Anthropic from '@anthropic-ai/sdk';

export interface SelfTestRoute {
  name: string;
  model: string;
  api: 'chat' | 'responses';
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
  /** e.g. "health", "model list", "claude-sonnet-4-5 -> gpt-5-codex: tool call, streaming" */
  title: string;
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
  /** One line, e.g. "Self-tests: 10 of 10 checks passed" */
  summary: string;
  /** The first failure's fix, for the notification. */
  firstFix?: string;
}

interface Health {
  status?: string;
  upstream?: string;
  openaiKeyConfigured?: boolean;
  routes?: SelfTestRoute[];
}

/** A failure that makes every later check fail the same way (no key, bad key, no upstream). */
class Fatal extends Error {
  constructor(message: string, readonly fix: string) {
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
  let fatal: Fatal | undefined;

  const check = async (title: string, share: number, body: () => Promise<string>) => {
    options.progress?.(title, share);
    if (fatal) {
      record({ title, status: 'skip', detail: `skipped: ${fatal.message}`, ms: 0 });
      return;
    }
    if (options.signal?.aborted) {
      record({ title, status: 'skip', detail: 'cancelled', ms: 0 });
      return;
    }
    const started = Date.now();
    try {
      const detail = await body();
      record({ title, status: 'pass', detail, ms: Date.now() - started });
    } catch (error) {
      const ms = Date.now() - started;
      if (error instanceof Fatal) {
        fatal = error;
        record({ title, status: 'fail', detail: error.message, fix: error.fix, ms });
      } else if (error instanceof CheckFailed) {
        record({ title, status: 'fail', detail: error.message, fix: error.fix, ms });
      } else {
        const explained = explain(error, options.signal);
        if (explained instanceof Fatal) fatal = explained;
        record({ title, status: 'fail', detail: explained.message, fix: explained.fix, ms });
      }
    }
  };

  options.log(`Self-tests against the proxy at ${options.proxyUrl}`);
  let health: Health = {};
  await check('health', 5, async () => {
    const response = await fetchWithTimeout(`${options.proxyUrl}/health`, {}, options);
    if (!response.ok) throw new Fatal(`GET /health answered ${response.status}`, 'Restart the proxy ("Claude Proxy: Restart").');
    health = await response.json() as Health;
    if (health.status !== 'ok') throw new Fatal(`GET /health says ${JSON.stringify(health.status)}`, 'Restart the proxy ("Claude Proxy: Restart").');
    if (!health.openaiKeyConfigured) {
      throw new Fatal('no OpenAI API key is set',
        'Run "Claude Proxy: Set OpenAI API Key" (or start VS Code with OPENAI_API_KEY in its environment).');
    }
    return `proxy up, upstream ${health.upstream}, ${health.routes?.length ?? 0} route(s)`;
  });

  const routes = health.routes ?? [];
  const client = fatal ? undefined : await createClient(options);
  const served = new Set<string>();
  await check('model list', 5, async () => {
    const page = await client!.models.list({ limit: 100 }, { signal: options.signal });
    for (const model of page.data) served.add(model.id);
    const missing = routes.map((route) => route.name).filter((name) => !served.has(name));
    if (missing.length > 0) throw new CheckFailed(`GET /v1/models does not list ${missing.join(', ')}`, 'Restart the proxy ("Claude Proxy: Restart").');
    return [...served].join(', ');
  });

  const share = routes.length > 0 ? 90 / (routes.length * 4) : 0;
  for (const route of routes) {
    const label = `${route.name} -> ${route.model}`;
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
    });
    await check(`${label}: message, streaming`, share, async () => {
      const stream = client!.messages.stream(request({}), { signal: options.signal });
      let deltas = 0;
      stream.on('text', () => deltas++);
      const message = await stream.finalMessage();
      if (deltas === 0) throw new CheckFailed('the stream carried no text delta', streamFix(route));
      return `${describeText(message, route)}, ${deltas} text delta(s)`;
    });
    await check(`${label}: tool call`, share, async () => {
      const message = await client!.messages.create(toolRequest(), { signal: options.signal });
      return describeToolUse(message, route);
    });
    await check(`${label}: tool call, streaming`, share, async () => {
      const stream = client!.messages.stream(toolRequest(), { signal: options.signal });
      let jsonDeltas = 0;
      stream.on('inputJson', () => jsonDeltas++);
      const message = await stream.finalMessage();
      return `${describeToolUse(message, route)}, ${jsonDeltas} input delta(s)`;
    });
  }

  const passed = results.filter((result) => result.status === 'pass').length;
  const failed = results.filter((result) => result.status === 'fail').length;
  const skipped = results.filter((result) => result.status === 'skip').length;
  const summary = failed === 0 && skipped === 0
    ? `Self-tests: all ${passed} checks passed`
    : `Self-tests: ${passed} of ${results.length} checks passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
  options.log(summary);
  return { results, passed, failed, skipped, summary, firstFix: results.find((result) => result.fix)?.fix };
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

function streamFix(route: SelfTestRoute): string {
  return `Check that ${route.model} supports streaming on the ${route.api} API (route "${route.name}", setting "api").`;
}

interface SdkErrorLike {
  name?: string;
  status?: number;
  message?: string;
  error?: { error?: { type?: string; message?: string } };
}

/** Turns an SDK error into what happened and what to do about it. */
export function explain(error: unknown, signal?: AbortSignal): Fatal | CheckFailed {
  const failure = error as SdkErrorLike;
  if (signal?.aborted) return new Fatal('cancelled', 'Run the self-tests again.');
  const type = failure?.error?.error?.type;
  const message = failure?.error?.error?.message ?? failure?.message ?? String(error);
  if (failure?.name === 'APIConnectionTimeoutError') {
    return new CheckFailed('the proxy did not answer in time', 'Check claudeProxy.openaiBaseUrl and that the upstream server is up; slow local models may need more time.');
  }
  if (failure?.name === 'APIConnectionError') {
    return new Fatal(`the proxy does not answer (${causeOf(error)})`, 'Start the proxy ("Claude Proxy: Start Claude proxy") and check the log.');
  }
  switch (failure?.status) {
    case 401:
      if (/proxy token/i.test(message)) return new Fatal(message, 'Restart the proxy ("Claude Proxy: Restart"): the token it checks differs from the one in SecretStorage.');
      return new Fatal('OpenAI rejected the API key (or none is set)',
        'Run "Claude Proxy: Set OpenAI API Key" with a valid key for claudeProxy.openaiBaseUrl.');
    case 403:
      return new CheckFailed(message, 'Check the OpenAI account: its quota, billing and access to this model.');
    case 404:
      return new CheckFailed(message,
        'OpenAI does not know this model (or the key may not use it): change the route\'s "model" in claudeProxy.routes, or claudeProxy.openaiBaseUrl.');
    case 429:
      return new CheckFailed(message, 'OpenAI rate-limits this key: wait a minute and run the self-tests again.');
    case 400:
      return new CheckFailed(message, 'OpenAI rejected the request: check the route\'s "api" (chat or responses) and "model" in claudeProxy.routes.');
    case 502:
    case 504:
      if (/could not reach|did not answer/i.test(message)) {
        return new Fatal(message, 'Check claudeProxy.openaiBaseUrl (it usually ends in /v1), the network, and that a local server (Ollama, vLLM, LM Studio) is running.');
      }
      return new CheckFailed(message, 'The OpenAI API failed: try again later.');
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
