// What the tokenizer and the extension cost, each measured in a fresh short-lived process:
// the tokenizer's load time and RSS, `require` of dist/extension.js with a stub `vscode`
// module (activation cost without the editor), and the size of any VSIX.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Bench } from '../processes';
import { ROOT } from '../settings';

export type TokenizerFigures = { loadMs?: number; firstCountMs?: number; rssAddedMb?: number; error?: string };
type RequireFigures = { requireMs?: number; rssAddedMb?: number; exportsActivate?: boolean; error?: string };
export type ExtensionFigures = {
  bundleKb?: number;
  minified?: boolean;
  /** the median run of three */
  require?: RequireFigures;
  requireRunsMs?: (number | undefined)[];
  vsix?: { file: string; kb: number }[];
};

/** Runs `code`, which prints its figures as JSON on its last line; on failure, the error output. */
function measureInChild<T extends { error?: string }>(code: string): T {
  const run = spawnSync(process.execPath, ['--expose-gc', '-e', code], { cwd: ROOT, encoding: 'utf8', timeout: 30000 });
  try {
    return JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '') as T;
  } catch {
    return { error: (run.stderr || run.stdout).slice(0, 500) } as T;
  }
}

export function tokenizerFigures(bench: Bench): TokenizerFigures {
  const lazyTokenizer = join(bench.buildCopy, 'lazy-o200k-tokenizer.js');
  return measureInChild(`
    const { performance } = require('node:perf_hooks');
    const rss0 = process.memoryUsage().rss; const t0 = performance.now();
    const tok = require(${JSON.stringify(existsSync(lazyTokenizer) ? lazyTokenizer : 'gpt-tokenizer/encoding/o200k_base')});
    const t1 = performance.now(); tok.countTokens('hello world');
    const t2 = performance.now(); global.gc?.();
    console.log(JSON.stringify({ loadMs: t1 - t0, firstCountMs: t2 - t1, rssAddedMb: (process.memoryUsage().rss - rss0) / 1048576 }));
  `);
}

export function extensionFigures(bench: Bench): ExtensionFigures {
  const figures: ExtensionFigures = {};
  const bundle = join(bench.buildCopy, 'extension.js'); // dist/extension.js as it was when the run started
  if (existsSync(bundle)) {
    figures.bundleKb = statSync(bundle).size / 1024;
    figures.minified = !readFileSync(bundle, 'utf8').slice(0, 2000).includes('\n  ');
    const runs = [0, 1, 2].map(() => measureInChild<RequireFigures>(`
      const Module = require('node:module');
      const { performance } = require('node:perf_hooks');
      const stub = new Proxy(function () {}, { get: (t, k) => (k === 'then' ? undefined : stub), apply: () => stub, construct: () => stub });
      const load = Module._load;
      Module._load = function (request, ...rest) { return request === 'vscode' ? stub : load.call(this, request, ...rest); };
      const rss0 = process.memoryUsage().rss; const t0 = performance.now();
      const extension = require(${JSON.stringify(bundle)});
      const t1 = performance.now();
      console.log(JSON.stringify({ requireMs: t1 - t0, rssAddedMb: (process.memoryUsage().rss - rss0) / 1048576, exportsActivate: typeof extension.activate === 'function' }));
    `));
    // the median of three fresh processes
    figures.require = runs.sort((a, b) => (a.requireMs ?? Infinity) - (b.requireMs ?? Infinity))[1];
    figures.requireRunsMs = runs.map((run) => run.requireMs);
  }
  const vsix = readdirSync(ROOT).filter((name) => name.endsWith('.vsix'));
  if (vsix.length > 0) figures.vsix = vsix.map((name) => ({ file: name, kb: statSync(join(ROOT, name)).size / 1024 }));
  return figures;
}
