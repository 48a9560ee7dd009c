// `npm start`: the same proxy the extension hosts, headless.
import { readFileSync } from 'node:fs';
import { claudeEnvironment, exportLines } from './extension/environment';
import {
  autoCompactWindow, consoleLogger, DEFAULT_LIMITS, defaultRouteTable, type LogLevel, parseRouteTable, type ProviderConfig, type ProviderStatus, ProxyServer,
  randomToken, type RouteTableConfig, type UpstreamTransport,
} from './proxy';

const HELP = `Claude OpenAI Proxy (headless)

Serves the Anthropic Messages API on 127.0.0.1 and answers with OpenAI models,
so that the Claude Code CLI works on OpenAI.

Usage: npm start            (or: node dist/cli.js)

Environment:
  OPENAI_API_KEY        the OpenAI key (required for real answers from OpenAI)
  OPENAI_BASE_URL       OpenAI-compatible base URL (default https://api.openai.com/v1)
  CLAUDE_PROXY_TOKEN    the token clients must send; if unset a random one is made and printed
  CLAUDE_PROXY_PORT     port to listen on (default 4000; 0 = any free port)
  CLAUDE_PROXY_HOST     address to bind (default 127.0.0.1)
  CLAUDE_PROXY_CONFIG   path of a JSON route table:
                        {"providers":[…],"routes":[…],"defaultRoute":…,"webSearchRoute":…}
  CLAUDE_PROXY_LOG      debug | info | warn | error | off (default info)

Providers (the "providers" of CLAUDE_PROXY_CONFIG; default: one, {"name":"openai","kind":"openai"}):
  {"name":"local","kind":"compatible","baseURL":"http://127.0.0.1:8080/v1"}
  {"name":"azure-work","kind":"azure","baseURL":"https://RESOURCE.openai.azure.com/openai/v1",
   "keyEnv":"AZURE_OPENAI_API_KEY"}
  {"name":"openrouter","kind":"compatible","baseURL":"https://openrouter.ai/api/v1",
   "keyEnv":"OPENROUTER_API_KEY","headers":{"HTTP-Referer":"https://example.com","X-Title":"Me"}}
  Fields: name, kind (openai | azure | compatible), baseURL (required but for kind openai),
  apis (["chat","responses"] by default), headers, needsKey (default true, false for a
  compatible server on 127.0.0.1/localhost/::1), apiVersion (azure deployment URLs), keyEnv:
  the environment variable holding the provider's key (default OPENAI_API_KEY for kind openai).
  A route names its provider with "provider" (default: the first); its fallbacks may be on others.

Limits (whole numbers):
  CLAUDE_PROXY_IDLE_TIMEOUT_MS   a stream whose upstream sends nothing for this long
                                 ends with an error (default ${DEFAULT_LIMITS.idleTimeoutMs}; 0 = off)
  CLAUDE_PROXY_MAX_BODY_BYTES    larger request bodies get 413 (default ${DEFAULT_LIMITS.maxBodyBytes})
  CLAUDE_PROXY_READ_TIMEOUT_MS   time a client has to send its request headers and
                                 body, else 408 (default ${DEFAULT_LIMITS.requestReadTimeoutMs})

For measurements:
  CLAUDE_PROXY_UPSTREAM_TRANSPORT  node-http (default): OpenAI is called through the proxy's
                                   own keep-alive connections; fetch: through Node's fetch,
                                   as the extension does inside VS Code

Then, in the shell where you run claude (the proxy prints these lines):
  export ANTHROPIC_BASE_URL=http://127.0.0.1:PORT
  export ANTHROPIC_AUTH_TOKEN=<the token>
  unset ANTHROPIC_API_KEY
  export CLAUDE_CODE_AUTO_COMPACT_WINDOW=<smallest input window of the routes>
  export CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY=1
`;

async function main(): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stdout.write(HELP);
    return;
  }
  const env = process.env;
  const logger = consoleLogger((env.CLAUDE_PROXY_LOG as LogLevel | undefined) ?? 'info');
  const routes = parseRouteTable(env.CLAUDE_PROXY_CONFIG ? readConfig(env.CLAUDE_PROXY_CONFIG) : defaultRouteTable);
  const providerKeys = keysFromEnvironment(routes);
  const generatedToken = !env.CLAUDE_PROXY_TOKEN;
  const token = env.CLAUDE_PROXY_TOKEN || randomToken();
  const port = env.CLAUDE_PROXY_PORT === undefined || env.CLAUDE_PROXY_PORT === '' ? 4000 : Number(env.CLAUDE_PROXY_PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`CLAUDE_PROXY_PORT must be a port number, not "${env.CLAUDE_PROXY_PORT}"`);
  const idleTimeoutMs = wholeNumber('CLAUDE_PROXY_IDLE_TIMEOUT_MS', 0, MAX_TIMER_MS);
  const maxBodyBytes = wholeNumber('CLAUDE_PROXY_MAX_BODY_BYTES', 1);
  const requestReadTimeoutMs = wholeNumber('CLAUDE_PROXY_READ_TIMEOUT_MS', 1, MAX_TIMER_MS);
  const upstreamTransport = transport(env.CLAUDE_PROXY_UPSTREAM_TRANSPORT);

  const server = new ProxyServer({
    token,
    openaiApiKey: env.OPENAI_API_KEY,
    openaiBaseUrl: env.OPENAI_BASE_URL,
    providerKeys,
    routes,
    host: env.CLAUDE_PROXY_HOST || '127.0.0.1',
    port,
    logger,
    idleTimeoutMs,
    maxBodyBytes,
    requestReadTimeoutMs,
    upstreamTransport,
  });
  const url = await server.start();
  const variables = claudeEnvironment({ url, token, autoCompactWindow: autoCompactWindow(routes.routes) });
  if (generatedToken) {
    process.stdout.write(`# No CLAUDE_PROXY_TOKEN set: generated one. Paste into the shell where you run claude:\n`);
  } else {
    // The token the user chose stays out of the output: they have it already.
    delete variables.ANTHROPIC_AUTH_TOKEN;
    process.stdout.write(`# Paste into the shell where you run claude, with ANTHROPIC_AUTH_TOKEN set to your CLAUDE_PROXY_TOKEN:\n`);
  }
  process.stdout.write(exportLines('bash / zsh', variables));
  for (const status of server.providers()) {
    const line = providerLine(status, routes.providers.find((provider) => provider.name === status.name)!);
    process.stdout.write(`# ${line}\n`);
    if (status.needsKey && !status.keyConfigured) logger.warn(`${line}; its model calls will fail with authentication_error`);
  }
  process.stdout.write(`Claude proxy listening on ${url}\n`);
  // The o200k tokenizer (~60 MB) loads on the first count_tokens request, not here: most
  // sessions never ask, and the first /context pays ~130 ms once.

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal}: closing`);
    server.stop().then(() => process.exit(0), () => process.exit(1));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

/** The route table file: JSON, checked by parseRouteTable (which names each invalid field). */
function readConfig(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`CLAUDE_PROXY_CONFIG: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { cause: error });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`CLAUDE_PROXY_CONFIG: ${path} is not valid JSON (${(error as Error).message})`, { cause: error });
  }
}

/** The environment variable holding a provider's key, if it has one. */
function keyVariable(provider: ProviderConfig): string | undefined {
  return provider.keyEnv ?? (provider.kind === 'openai' ? 'OPENAI_API_KEY' : undefined);
}

/** Each provider's key, from the variable its keyEnv names. */
function keysFromEnvironment(routes: RouteTableConfig): Record<string, string | undefined> {
  return Object.fromEntries(routes.providers.map((provider) => {
    const variable = keyVariable(provider);
    return [provider.name, variable === undefined ? undefined : process.env[variable] || undefined];
  }));
}

/** "provider local (compatible, http://127.0.0.1:8080/v1): no key needed", never the key itself. */
function providerLine(status: ProviderStatus, provider: ProviderConfig): string {
  const variable = keyVariable(provider);
  const key = status.keyConfigured ? `key set (${variable})`
    : !status.needsKey ? 'no key needed'
      : variable === undefined ? 'key not set: give it "keyEnv", the environment variable that holds it' : `key not set: set ${variable}`;
  return `provider ${status.name} (${status.kind}, ${status.baseURL}): ${key}`;
}

function transport(raw: string | undefined): UpstreamTransport | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  if (raw === 'node-http' || raw === 'fetch') return raw;
  throw new Error(`CLAUDE_PROXY_UPSTREAM_TRANSPORT must be node-http or fetch, not "${raw}"`);
}

/** Node runs a timer longer than this after 1 ms, which would end every stream at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A limit from the environment: unset or empty keeps the default; anything else must be a whole
 *  number of at least `min`, or the CLI refuses to start (a typo must not silently mean "default"). */
function wholeNumber(name: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min || value > max) throw new Error(`${name} must be a whole number from ${min} to ${max}, not "${raw}"`);
  return value;
}

main().catch((error: unknown) => {
  const message = (error as NodeJS.ErrnoException).code === 'EADDRINUSE'
    ? `Port ${process.env.CLAUDE_PROXY_PORT ?? 4000} is already in use: set CLAUDE_PROXY_PORT to another port (0 = any free port)`
    : (error as Error).message;
  process.stderr.write(`claude-openai-proxy: ${message}\n`);
  process.exit(1);
});
