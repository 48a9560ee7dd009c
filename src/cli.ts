// `npm start`: the same proxy the extension hosts, headless.
import { readFileSync } from 'node:fs';
import { claudeEnvironment, exportLines } from './extension/environment';
import { autoCompactWindow, consoleLogger, DEFAULT_LIMITS, defaultRouteTable, type LogLevel, parseRouteTable, ProxyServer, randomToken, type UpstreamTransport } from './proxy';

const HELP = `Claude OpenAI Proxy (headless)

Serves the Anthropic Messages API on 127.0.0.1 and answers with OpenAI models,
so that the Claude Code CLI works on OpenAI.

Usage: npm start            (or: node dist/cli.js)

Environment:
  OPENAI_API_KEY        the OpenAI key (required for real answers)
  OPENAI_BASE_URL       OpenAI-compatible base URL (default https://api.openai.com/v1)
  CLAUDE_PROXY_TOKEN    the token clients must send; if unset a random one is made and printed
  CLAUDE_PROXY_PORT     port to listen on (default 4000; 0 = any free port)
  CLAUDE_PROXY_HOST     address to bind (default 127.0.0.1)
  CLAUDE_PROXY_CONFIG   path of a JSON route table ({"routes":[…],"defaultRoute":…,"webSearchRoute":…})
  CLAUDE_PROXY_LOG      debug | info | warn | error | off (default info)

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
  const routes = parseRouteTable(env.CLAUDE_PROXY_CONFIG ? JSON.parse(readFileSync(env.CLAUDE_PROXY_CONFIG, 'utf8')) : defaultRouteTable);
  const generatedToken = !env.CLAUDE_PROXY_TOKEN;
  const token = env.CLAUDE_PROXY_TOKEN || randomToken();
  const port = env.CLAUDE_PROXY_PORT === undefined || env.CLAUDE_PROXY_PORT === '' ? 4000 : Number(env.CLAUDE_PROXY_PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`CLAUDE_PROXY_PORT must be a port number, not "${env.CLAUDE_PROXY_PORT}"`);
  const idleTimeoutMs = wholeNumber('CLAUDE_PROXY_IDLE_TIMEOUT_MS', 0, MAX_TIMER_MS);
  const maxBodyBytes = wholeNumber('CLAUDE_PROXY_MAX_BODY_BYTES', 1);
  const requestReadTimeoutMs = wholeNumber('CLAUDE_PROXY_READ_TIMEOUT_MS', 1, MAX_TIMER_MS);
  const upstreamTransport = transport(env.CLAUDE_PROXY_UPSTREAM_TRANSPORT);
  if (!env.OPENAI_API_KEY) logger.warn('OPENAI_API_KEY is not set: model calls will fail with authentication_error');

  const server = new ProxyServer({
    token,
    openaiApiKey: env.OPENAI_API_KEY,
    openaiBaseUrl: env.OPENAI_BASE_URL,
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
