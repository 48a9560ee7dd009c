// `npm run bench`: measures the proxy against the physical limit, the committed strict fake
// OpenAI server called directly in the same run, and prints a table; writes the figures to
// .bench/results-<date>.json and bench/last-run.json (committed, so runs can be compared).
// How it measures, and the environment it reads: bench/README.md.
//
// Three processes: this load generator, the headless proxy (dist/cli.js, CLAUDE_PROXY_LOG=warn)
// and the fake (bench/fake-process.ts). Both sides use the same client: node:http with a
// keep-alive agent and bodies serialized before the timed loops. The direct request is the
// one the proxy actually sent for the same Anthropic request (captured from the fake), so the
// difference between the two sides is the proxy: its hop, parsing, translation and the SDK.
// With BENCH_CLI_BEFORE set, this script instead alternates two builds run by run (compare.ts).
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { compareBuilds } from './compare';
import { extensionFigures, tokenizerFigures } from './phases/costs';
import { measureCountTokens } from './phases/count-tokens';
import { measureLatency, paired } from './phases/latency';
import { measureMemory } from './phases/memory';
import { bundleFigures, measureStartup } from './phases/startup';
import { measureStreaming } from './phases/streaming';
import { measureThroughput } from './phases/throughput';
import { armWatchdog, copyBuild, measuredProxyStderr, startFake, startMeasuredProxy, stopAll } from './processes';
import { report, startResults } from './report';
import { prepareRequests } from './requests';
import { log, PROFILE, ROOT, want } from './settings';

async function main(): Promise<void> {
  const watchdog = armWatchdog();
  const { cli, buildCopy } = copyBuild();
  const results = startResults();
  const bench = await startMeasuredProxy(cli, buildCopy, await startFake());
  results.eventLoop = {};
  results.bundle = bundleFigures(bench);
  results.startup = await measureStartup(bench);
  log(`proxy pid ${bench.pid} at ${bench.proxy.url}, fake at ${bench.fake.url}; idle RSS ${results.startup.rssIdleMb.toFixed(1)} MB`);

  const requests = await prepareRequests(bench);
  log('warm-up');
  await paired(bench, [requests.smallChat, requests.smallResponses, ...requests.largeCases], 60);

  if (want('memory')) {
    const { memory, held16, held64 } = await measureMemory(bench, requests, results.startup.rssIdleMb);
    results.memory = memory;
    results.eventLoop.streams64 = held64;
    results.eventLoop.streams16 = held16;
  }
  if (want('latency')) {
    const { figures, held } = await measureLatency(bench, requests);
    Object.assign(results, figures);
    results.eventLoop.claudeCodeOneAtATime = held;
  }
  if (want('streaming')) Object.assign(results, await measureStreaming(bench, requests));
  if (want('throughput')) Object.assign(results, await measureThroughput(bench, requests));
  if (want('count')) {
    const { countTokens, held } = await measureCountTokens(bench);
    results.eventLoop.countBurst13 = held;
    results.countTokens = countTokens;
  }
  if (want('costs')) {
    results.tokenizer = tokenizerFigures(bench);
    results.extension = extensionFigures(bench);
  }

  results.proxyStderr = bench.proxy.stderr().slice(0, 2000);
  mkdirSync(join(ROOT, '.bench'), { recursive: true });
  writeFileSync(join(ROOT, '.bench', 'proxy-output.log'), `${bench.proxy.stdout()}\n--- stderr ---\n${bench.proxy.stderr()}`);
  await stopAll();
  clearTimeout(watchdog);
  results.machine.loadavgAtEnd = loadavg();
  if (PROFILE) results.profiles = readdirSync(bench.profileDir).filter((name) => name.endsWith('.cpuprofile')).map((name) => join('.bench', 'profiles', name));
  report(results);
}

(process.env.BENCH_CLI_BEFORE ? compareBuilds() : main()).catch(async (error: unknown) => {
  log(`bench failed: ${error instanceof Error ? error.stack : String(error)}`);
  const stderr = measuredProxyStderr();
  if (stderr) log(`proxy stderr (last 2000 characters):\n${stderr.slice(-2000)}`);
  await stopAll();
  process.exit(1);
});
