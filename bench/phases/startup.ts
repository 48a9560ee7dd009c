// The build's size, and the proxy's start: time to the "listening" line, RSS then and 1.5 s
// later (the CLI preloads the tokenizer right after it starts listening).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { sampleRss, sleep } from '../lib';
import type { Bench } from '../processes';

export function bundleFigures(bench: Bench) {
  const { cli, buildCopy } = bench;
  return {
    kb: statSync(cli).size / 1024,
    minified: !readFileSync(cli, 'utf8').slice(0, 2000).includes('\n  '),
    lazyFilesKb: Object.fromEntries(readdirSync(buildCopy).filter((name) => name.startsWith('lazy-') && name.endsWith('.js')).map((name) => [name, statSync(join(buildCopy, name)).size / 1024])),
  };
}

export async function measureStartup(bench: Bench) {
  const startupRss = sampleRss(bench.pid, 20);
  await sleep(1500);
  const samples = startupRss.stop();
  return { listeningAfterMs: bench.proxy.startupMs, rssAtListenMb: samples[0], rssIdleMb: samples.at(-1)!, rssTimelineMb: samples.filter((_, i) => i % 5 === 0) };
}
