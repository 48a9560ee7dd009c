// The processes a run starts: the fake, the proxy measured, and the reference hops (the
// do-nothing pipe, the proxy over Node's fetch, the minimal translators); the list that stops
// them all, and the watchdog.
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { endpoint, forkTs, Rpc, startProxy, type Endpoint, type StartedProxy } from './lib';
import { BENCH_DIR, log, PROFILE, ROOT, SMALL_ANSWER, TOKEN } from './settings';

export interface Fake { rpc: Rpc; url: string; apiKey: string; pid: number }

/** The proxy measured, the fake, and the client endpoints on both sides. */
export interface Bench {
  /** the copy of the build that runs, and its directory */
  cli: string;
  buildCopy: string;
  fake: Fake;
  proxy: StartedProxy;
  pid: number;
  proxied: Endpoint;
  direct: Endpoint;
  /** where the proxy's event-loop probe writes what it saw */
  eventLoopFile: string;
  profileDir: string;
}

const stops: (() => Promise<unknown>)[] = [];
let measuredProxy: StartedProxy | undefined;

/** Stops every process started so far, the last started first. */
export async function stopAll(): Promise<void> {
  for (const stop of stops.splice(0).reverse()) await stop().catch(() => undefined);
}

export const measuredProxyStderr = () => measuredProxy?.stderr() ?? '';

export function armWatchdog(): NodeJS.Timeout {
  const watchdog = setTimeout(() => {
    log('bench: watchdog (240 s) fired, stopping');
    void stopAll().finally(() => process.exit(2));
  }, 240_000);
  watchdog.unref();
  return watchdog;
}

/**
 * Copies the build (cli.js and the lazily loaded files beside it) into .bench/dist and returns
 * the copy's cli.js, so that a rebuild of dist/ during the run (others work in this tree)
 * changes nothing.
 */
export function copyBuild(): { cli: string; buildCopy: string } {
  const built = process.env.BENCH_CLI ? resolve(process.cwd(), process.env.BENCH_CLI) : join(ROOT, 'dist', 'cli.js');
  if (!existsSync(built)) throw new Error(`${built} is missing: run \`node esbuild.mjs\` first (npm run bench does)`);
  const buildCopy = join(ROOT, '.bench', 'dist');
  rmSync(buildCopy, { recursive: true, force: true });
  mkdirSync(buildCopy, { recursive: true });
  for (const name of readdirSync(dirname(built))) {
    if (name.endsWith('.js') || name.endsWith('.js.map')) copyFileSync(join(dirname(built), name), join(buildCopy, name));
  }
  return { cli: join(buildCopy, basename(built)), buildCopy };
}

export async function startFake(): Promise<Fake> {
  const rpc = new Rpc(forkTs(join(BENCH_DIR, 'fake-process.ts'), ROOT));
  stops.push(() => rpc.call('close').catch(() => rpc.child.kill()));
  const { url, apiKey } = await rpc.ready as { url: string; apiKey: string };
  await rpc.call('default', { answer: SMALL_ANSWER });
  return { rpc, url, apiKey, pid: rpc.child.pid! };
}

/** The proxy measured: with the event-loop probe, and the profiler and node flags asked for. */
export async function startMeasuredProxy(cli: string, buildCopy: string, fake: Fake): Promise<Bench> {
  const profileDir = join(ROOT, '.bench', 'profiles');
  if (PROFILE) mkdirSync(profileDir, { recursive: true });
  const eventLoopFile = join(ROOT, '.bench', `event-loop-${process.pid}.json`);
  const extraEnv = (process.env.BENCH_PROXY_ENV ?? '').split(' ').filter(Boolean).map((pair) => pair.split('=', 2) as [string, string]);
  const proxy = await startProxy(cli, {
    BENCH_EVENT_LOOP_FILE: eventLoopFile,
    OPENAI_API_KEY: fake.apiKey,
    OPENAI_BASE_URL: fake.url,
    CLAUDE_PROXY_TOKEN: TOKEN,
    CLAUDE_PROXY_LOG: 'warn',
    ...Object.fromEntries(extraEnv),
  }, [
    '--require', join(BENCH_DIR, 'event-loop-probe.cjs'),
    ...(PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), ...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
  ]);
  stops.push(() => proxy.stop());
  measuredProxy = proxy;
  return {
    cli, buildCopy, fake, proxy, pid: proxy.child.pid!, eventLoopFile, profileDir,
    proxied: anthropicEndpoint(proxy.url),
    direct: endpoint(new URL(fake.url).origin, { authorization: `Bearer ${fake.apiKey}` }),
  };
}

const anthropicEndpoint = (url: string) => endpoint(url, { 'x-api-key': TOKEN, 'anthropic-version': '2023-06-01' });

let passthroughStarted: Promise<{ passthrough: StartedProxy; piped: Endpoint }> | undefined;
/**
 * The cheapest possible Node hop (bench/passthrough.ts: pipes bytes, parses nothing), as a
 * reference for what any Node proxy can reach on this machine. Started once, when first needed.
 */
export function startPassthrough(fake: Fake) {
  passthroughStarted ??= startProxy(join(BENCH_DIR, 'passthrough.ts'), { UPSTREAM: new URL(fake.url).origin }, ['--import', 'tsx']).then((passthrough) => {
    stops.push(() => passthrough.stop());
    return { passthrough, piped: endpoint(passthrough.url, { authorization: `Bearer ${fake.apiKey}` }) };
  });
  return passthroughStarted;
}

let fetchProxyStarted: Promise<{ fetchProxy: StartedProxy; viaFetch: Endpoint }> | undefined;
/**
 * The same proxy calling OpenAI through Node's own fetch, as the extension does inside VS Code
 * (CLAUDE_PROXY_UPSTREAM_TRANSPORT=fetch). Started once, when first needed.
 */
export function startFetchProxy(bench: Bench) {
  fetchProxyStarted ??= startProxy(bench.cli, {
    OPENAI_API_KEY: bench.fake.apiKey, OPENAI_BASE_URL: bench.fake.url, CLAUDE_PROXY_TOKEN: TOKEN, CLAUDE_PROXY_LOG: 'warn', CLAUDE_PROXY_UPSTREAM_TRANSPORT: 'fetch',
  }).then((fetchProxy) => {
    stops.push(() => fetchProxy.stop());
    return { fetchProxy, viaFetch: anthropicEndpoint(fetchProxy.url) };
  });
  return fetchProxyStarted;
}

/**
 * The least a translating hop can do (bench/minimal-translator.ts), calling the fake with
 * node:http and with the openai SDK: their gap is what the SDK costs per call.
 */
export function startMinimalTranslator(fake: Fake, client: 'node-http' | 'openai-sdk'): Promise<StartedProxy> {
  return startProxy(join(BENCH_DIR, 'minimal-translator.ts'), { UPSTREAM: fake.url, OPENAI_API_KEY: fake.apiKey, UPSTREAM_CLIENT: client }, ['--import', 'tsx']).then((hop) => {
    stops.push(() => hop.stop());
    return hop;
  });
}
