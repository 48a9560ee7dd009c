// The report: the table (figure, measured, target, the previous run's figure beside) and the
// JSON, in .bench/results-<date>.json and, for a full run, bench/last-run.json.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { roundAll } from './lib';
import type { ExtensionFigures, TokenizerFigures } from './phases/costs';
import type { measureCountTokens } from './phases/count-tokens';
import type { measureLatency, paired } from './phases/latency';
import type { measureMemory } from './phases/memory';
import type { bundleFigures, measureStartup } from './phases/startup';
import type { measureStreaming } from './phases/streaming';
import type { ThreadHeld } from './phases/thread';
import type { measureThroughput } from './phases/throughput';
import { CCR_RECORDED_SHARE, ONLY, PROFILE, ROOT, SECONDS } from './settings';

export type Row = { figure: string; measured: string; target: string; ok: boolean | null; value?: number };
type Figures<F extends (...args: never[]) => unknown> = Awaited<ReturnType<F>>;
type Paired = Figures<typeof paired>;
type Throughput = NonNullable<Results['throughput']>[number];
type ReferenceFigures = NonNullable<Throughput['referenceHops']>[string];
/** The JSON of one run (run.ts fills it phase by phase; a partial run leaves phases out). */
export type Results = {
  date: string;
  machine: { node: string; cpus: number; cpu?: string; memGb: number; loadavgAtStart: number[]; loadavgAtEnd?: number[] };
  commit?: string;
  settings: { throughputSeconds: typeof SECONDS; profile: typeof PROFILE; only: typeof ONLY };
  eventLoop?: { streams16?: ThreadHeld; streams64?: ThreadHeld; claudeCodeOneAtATime?: ThreadHeld; countBurst13?: ThreadHeld };
  bundle?: ReturnType<typeof bundleFigures>;
  startup?: Figures<typeof measureStartup>;
  memory?: Figures<typeof measureMemory>['memory'];
  countTokens?: Figures<typeof measureCountTokens>['countTokens'];
  tokenizer?: TokenizerFigures;
  extension?: ExtensionFigures;
  proxyStderr?: string;
  profiles?: string[];
  /** the table as printed, in the saved JSON */
  table?: Row[];
} & Partial<Figures<typeof measureLatency>['figures']> & Partial<Figures<typeof measureStreaming>> & Partial<Figures<typeof measureThroughput>>;

const ms = (value: number) => `${value.toFixed(2)} ms`;
const pct = (value: number) => `${(value * 100).toFixed(0)}%`;
const mb = (value: number) => `${value.toFixed(1)} MB`;

function gitHead(): string | undefined {
  const run = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' });
  const dirty = spawnSync('git', ['status', '--porcelain', '--', 'src'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim() !== '';
  return run.status === 0 ? `${run.stdout.trim()}${dirty ? '+dirty' : ''}` : undefined;
}

/** The first keys of the JSON: when, on what machine, at which commit, with which settings. */
export function startResults(): Results {
  return {
    date: new Date().toISOString(),
    machine: { node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model, memGb: Math.round(totalmem() / 2 ** 30), loadavgAtStart: loadavg() },
    commit: gitHead(),
    settings: { throughputSeconds: SECONDS, profile: PROFILE, only: ONLY },
  };
}

function latencyRows(r: Results): Row[] {
  if (!r.latencySmallChat) return [];
  const out: Row[] = [];
  const latency = (name: string, l: Paired | undefined, p50Target: number, p99Target?: number) => {
    if (!l) return;
    out.push({ figure: `${name}: added p50`, measured: ms(l.added.p50), target: `<= ${p50Target} ms`, ok: l.added.p50 <= p50Target && l.errors === 0, value: l.added.p50 });
    out.push({ figure: `${name}: added p99`, measured: ms(l.added.p99), target: p99Target ? `<= ${p99Target} ms` : 'report', ok: p99Target ? l.added.p99 <= p99Target : null, value: l.added.p99 });
  };
  latency('small non-stream (chat)', r.latencySmallChat, 1, 5);
  latency('small non-stream (responses)', r.latencySmallResponses, 1, 5);
  latency('Claude Code request 76-115 KB', r.latencyLarge, 3);
  const pipe = r.latencySmallChatPassthrough;
  if (pipe) out.push({ figure: 'small non-stream, do-nothing pipe: added p50 / p99', measured: `${ms(pipe.added.p50)} / ${ms(pipe.added.p99)}`, target: 'reference', ok: null, value: pipe.added.p50 });
  const overFetch = r.latencyViaFetch;
  if (overFetch) {
    out.push({
      figure: 'over Node\'s fetch (VS Code): small / Claude Code p50', measured: `${ms(overFetch.smallChat.added.p50)} / ${ms(overFetch.large.added.p50)}`,
      target: 'report', ok: null, value: overFetch.smallChat.added.p50,
    });
  }
  return out;
}

function streamingRows(r: Results): Row[] {
  const out: Row[] = [];
  const s = r.streamingAll;
  if (s) out.push({ figure: 'stream: added to message_start (p50)', measured: ms(s.addedFirstByteMs.p50), target: '<= 2 ms', ok: s.addedFirstByteMs.p50 <= 2, value: s.addedFirstByteMs.p50 });
  const largeStreams = (r.streaming ?? []).filter((c) => c.case.startsWith('fixture'));
  if (largeStreams.length > 0) {
    const worst = Math.max(...largeStreams.map((c) => c.addedFirstByteMs.p50));
    out.push({ figure: 'stream: added to message_start, 76-115 KB (p50)', measured: `${ms(worst)} (worse of 01 / 03)`, target: '<= 2 ms', ok: worst <= 2, value: worst });
  }
  if (s) out.push({ figure: 'stream: added to first text delta (p50)', measured: ms(s.addedFirstTextMs.p50), target: '<= 2 ms', ok: s.addedFirstTextMs.p50 <= 2, value: s.addedFirstTextMs.p50 });
  if (s) out.push({ figure: 'stream: per-chunk forwarding added (p99)', measured: `${ms(s.chunkAddedMs.p99)} (max ${s.chunkAddedMs.max.toFixed(2)})`, target: '<= 1 ms', ok: s.chunkAddedMs.p99 <= 1, value: s.chunkAddedMs.p99 });
  const pipe = r.streamingPassthroughChunkAddedMs;
  if (pipe) out.push({ figure: 'stream: per-chunk, do-nothing pipe (p50 / p99)', measured: `${ms(pipe.p50)} / ${ms(pipe.p99)} (small chat)`, target: 'reference', ok: null, value: pipe.p99 });
  return out;
}

function throughputRows(r: Results): Row[] {
  const out: Row[] = [];
  for (const t of r.throughput ?? []) {
    out.push({
      figure: `throughput ${t.stream ? 'stream' : 'whole'} c=${t.concurrency}`,
      measured: `${t.proxied.rps.toFixed(0)}/s vs ${t.direct.rps.toFixed(0)}/s = ${(t.ratio * 100).toFixed(0)}% (pipe ${(t.passthroughRatio * 100).toFixed(0)}%), err ${t.proxied.errors}`,
      target: '0 errors (share: report)', ok: t.proxied.errors === 0 && t.direct.errors === 0, value: t.ratio,
    });
    const references = t.referenceHops;
    if (!references) continue;
    if (t.shareOfSdkTranslator !== undefined) {
      out.push({
        figure: '  proxy / minimal translator through the SDK',
        measured: `${pct(t.shareOfSdkTranslator)} (${t.proxied.rps.toFixed(0)}/s vs ${references['openai-sdk'].rps.toFixed(0)}/s)`,
        target: '>= 85%', ok: t.shareOfSdkTranslator >= 0.85, value: t.shareOfSdkTranslator,
      });
    }
    const share = (m: ReferenceFigures) => `${(m.ratio * 100).toFixed(0)}% (hop ${m.hopCpuMsPerRequest.toFixed(2)} ms CPU)`;
    out.push({
      figure: `  minimal translator: node:http / SDK`,
      measured: `${share(references['node-http'])} / ${share(references['openai-sdk'])}; proxy hop ${t.proxyCpuMsPerRequest.toFixed(2)} ms`,
      target: 'reference', ok: null, value: references['openai-sdk'].ratio,
    });
    if (references['proxy-over-fetch']) out.push({ figure: '  the proxy over Node\'s fetch (VS Code)', measured: share(references['proxy-over-fetch']), target: 'report', ok: null, value: references['proxy-over-fetch'].ratio });
  }
  const ccr = ccrMultiples(r);
  if (ccr) {
    out.push({
      figure: 'throughput share of direct / ccr\'s recorded 14%',
      measured: `${ccr.multiples.map((m) => `${m.toFixed(1)}x`).join(' / ')} (whole 16, 64; stream 16, 64); ccr recorded, not run`,
      target: '>= 3x', ok: ccr.worst >= 3,
    });
  }
  return out;
}

function countAndThreadRows(r: Results): Row[] {
  const out: Row[] = [];
  const c = r.countTokens;
  if (c) {
    out.push({ figure: 'count_tokens 38 KB: p50 (warm / cold)', measured: `${ms(c.warmMs.p50)} / ${ms(c.coldMs.p50)}`, target: '<= 10 ms', ok: c.coldMs.p50 <= 10 && c.errors === 0, value: c.coldMs.p50 });
    out.push({
      figure: 'count_tokens burst of 13: p50 shared / distinct',
      measured: `${ms(c.burst13SharedPrefixMs.p50)} / ${ms(c.burst13AllDistinctMs.p50)} (max ${c.burst13SharedPrefixMs.max.toFixed(1)} / ${c.burst13AllDistinctMs.max.toFixed(1)})`,
      target: '<= 100 ms', ok: c.burst13SharedPrefixMs.max <= 100 && c.burst13AllDistinctMs.p50 <= 100 && c.errors === 0, value: c.burst13AllDistinctMs.p50,
    });
  }
  const held = r.eventLoop ?? {};
  const heldText = (name: string, stats?: { p99: number; max: number }) => (stats ? `${name} ${stats.p99.toFixed(1)} / ${stats.max.toFixed(1)}` : undefined);
  const heldParts = [
    heldText('Claude Code requests one at a time', held.claudeCodeOneAtATime), heldText('16 streams', held.streams16), heldText('64 streams', held.streams64),
    heldText('count_tokens burst', held.countBurst13),
  ].filter(Boolean);
  if (heldParts.length) out.push({ figure: 'thread held (1 ms timer late by, p99 / max ms)', measured: heldParts.join('; '), target: 'report', ok: null });
  for (const [key, name] of THREAD_TARGETS) {
    const stats = held[key];
    if (!stats) continue;
    out.push({
      // no value: compare.ts takes every phase's p99 from `eventLoop` (and an indented figure would count as a share there)
      figure: `thread held, ${name}: p99 / max`, measured: `${ms(stats.p99)} / ${ms(stats.max)}`,
      target: '<= 5 / <= 20 ms', ok: stats.p99 <= 5 && stats.max <= 20,
    });
  }
  return out;
}

function memoryRows(r: Results): Row[] {
  const out: Row[] = [];
  const m = r.memory;
  const s = r.startup;
  if (s) out.push({ figure: 'RSS at listen (headless)', measured: mb(s.rssAtListenMb), target: 'report', ok: null, value: s.rssAtListenMb });
  if (s) out.push({ figure: 'RSS idle, tokenizer preloaded (headless)', measured: mb(s.rssIdleMb), target: '<= 60 MB', ok: s.rssIdleMb <= 60, value: s.rssIdleMb });
  const s16 = m?.streams16;
  if (s16) {
    out.push({
      figure: 'RSS at 16 streams, Claude Code 01/03/07/11', measured: `+${mb(s16.addedPeakMb)} (peak ${mb(s16.peakMb)}, before ${mb(s16.beforeLoadMb)}), err ${s16.errors}`,
      target: '<= +40 MB, 0 errors', ok: s16.addedPeakMb <= 40 && s16.errors === 0, value: s16.addedPeakMb,
    });
    out.push({
      figure: 'RSS after the 16 streams',
      measured: s16.backWithin10MbAfterS !== null
        ? `back within 10 MB after ${s16.backWithin10MbAfterS.toFixed(1)} s`
        : `+${mb((s16.afterMb.last ?? NaN) - s16.beforeLoadMb)} after ${(s16.afterMb.lastAtS ?? NaN).toFixed(0)} s (${mb(s16.afterMb.last ?? NaN)})`,
      target: 'within 10 MB by 30 s', ok: s16.backWithin10MbAfterS !== null && s16.backWithin10MbAfterS <= 30, value: (s16.afterMb.last ?? NaN) - s16.beforeLoadMb,
    });
  }
  if (m) out.push({ figure: 'RSS at 64 streams, 76-115 KB bodies', measured: `+${mb(m.streams64.addedPeakMb)} (peak ${mb(m.streams64.peakMb)}), err ${m.streams64.errors}`, target: 'report (target at 16)', ok: null, value: m.streams64.addedPeakMb });
  if (r.throughputRss) out.push({ figure: 'RSS peak during throughput runs', measured: `${mb(r.throughputRss.peakMb)} (${mb(r.throughputRss.afterMb)} after)`, target: 'report', ok: null });
  if (m) {
    out.push({
      figure: 'RSS after load',
      measured: m.backWithin10MbAfterS !== null
        ? `back within 10 MB after ${m.backWithin10MbAfterS.toFixed(1)} s`
        : `${mb(m.afterMb.last ?? NaN)} after ${(m.afterMb.lastAtS ?? NaN).toFixed(0)} s (before ${mb(m.beforeLoadMb)})`,
      target: 'report', ok: null, value: m.afterMb.last,
    });
  }
  return out;
}

function costRows(r: Results): Row[] {
  const out: Row[] = [];
  if (r.tokenizer?.rssAddedMb !== undefined) out.push({ figure: 'tokenizer cost (own process)', measured: `${mb(r.tokenizer.rssAddedMb)}, load ${ms(r.tokenizer.loadMs ?? NaN)}`, target: 'report', ok: null });
  if (r.extension?.require?.requireMs !== undefined) {
    out.push({ figure: 'extension: require dist/extension.js', measured: `${ms(r.extension.require.requireMs)} (${((r.extension.bundleKb ?? NaN) / 1024).toFixed(1)} MB bundle${r.extension.minified ? ', minified' : ''})`, target: '<= 50 ms', ok: r.extension.require.requireMs <= 50, value: r.extension.require.requireMs });
  }
  for (const v of r.extension?.vsix ?? []) out.push({ figure: `VSIX ${v.file}`, measured: `${(v.kb / 1024).toFixed(2)} MB`, target: 'report', ok: null });
  return out;
}

/** The phases whose thread time has a target (issue 13): the load Claude Code makes. */
const THREAD_TARGETS = [['claudeCodeOneAtATime', 'Claude Code one at a time'], ['countBurst13', 'count_tokens burst of 13'], ['streams16', '16 streams']] as const;

/** Each throughput case's share of direct over claude-code-router's recorded share. */
function ccrMultiples(r: Results) {
  const list: Throughput[] = r.throughput ?? [];
  if (list.length === 0) return undefined;
  const multiples = list.map((t) => t.timesCcrRecordedShare ?? t.ratio / CCR_RECORDED_SHARE);
  return { multiples, worst: Math.min(...multiples) };
}

type Target = { value: number | null; target: string; met: boolean | null; [more: string]: unknown };

/**
 * Issue 13's targets, measured against what a proxy on the same SDK can reach at one user's load:
 * `targets` in the JSON (the table carries the same figures).
 */
export function targets(r: Results): Record<string, Target> {
  const out: Record<string, Target> = {};
  const whole16 = (r.throughput ?? []).find((t) => !t.stream && t.concurrency === 16);
  if (whole16?.shareOfSdkTranslator !== undefined) {
    out.throughputOfSdkTranslator = { value: whole16.shareOfSdkTranslator, target: '>= 0.85', met: whole16.shareOfSdkTranslator >= 0.85, shareOfDirect: whole16.ratio };
  }
  const ccr = ccrMultiples(r);
  if (ccr) out.throughputTimesCcrRecorded = { value: ccr.worst, target: '>= 3', met: ccr.worst >= 3, each: ccr.multiples, ccrShareRecorded: CCR_RECORDED_SHARE, measuredInRun: false };
  if (r.latencySmallChat && r.latencySmallResponses && r.latencyLarge) {
    const small = Math.max(r.latencySmallChat.added.p50, r.latencySmallResponses.added.p50);
    out.latencySmallP50Ms = { value: small, target: '<= 1', met: small <= 1 };
    out.latencyClaudeCodeP50Ms = { value: r.latencyLarge.added.p50, target: '<= 3', met: r.latencyLarge.added.p50 <= 3 };
  }
  const s16 = r.memory?.streams16;
  if (s16) {
    out.rssAddedAt16StreamsMb = { value: s16.addedPeakMb, target: '<= 40', met: s16.addedPeakMb <= 40 && s16.errors === 0 };
    out.rssAbove30sAfter16StreamsMb = { value: (s16.afterMb.last ?? NaN) - s16.beforeLoadMb, target: '<= 10', met: s16.backWithin10MbAfterS !== null && s16.backWithin10MbAfterS <= 30, backAfterS: s16.backWithin10MbAfterS };
  }
  for (const [key] of THREAD_TARGETS) {
    const stats = r.eventLoop?.[key];
    if (stats) out[`threadHeld_${key}`] = { value: stats.p99, max: stats.max, target: 'p99 <= 5, max <= 20', met: stats.p99 <= 5 && stats.max <= 20 };
  }
  return out;
}

export function rows(r: Results): Row[] {
  return [...latencyRows(r), ...streamingRows(r), ...throughputRows(r), ...countAndThreadRows(r), ...memoryRows(r), ...costRows(r)];
}

function printTable(current: Row[], previous: Results | undefined, results: Results): void {
  const { machine } = results;
  const before = new Map<string, Row>((previous?.table ?? []).map((row: Row) => [row.figure, row]));
  const table = [['figure', 'measured', 'target', 'met', 'previous run'], ...current.map((row) => [
    row.figure, row.measured, row.target, row.ok === null ? '' : row.ok ? '✓' : '✗', before.get(row.figure)?.measured ?? '–',
  ])];
  const widths = table[0].map((_, column) => Math.max(...table.map((line) => line[column].length)));
  const lines = table.map((line) => line.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd());
  lines.splice(1, 0, widths.map((width) => '-'.repeat(width)).join('  '));
  process.stdout.write(`\n${lines.join('\n')}\n\n`);
  const met = Object.values(targets(results));
  if (met.length) process.stdout.write(`issue 13 targets: ${met.filter((t) => t.met).length} of ${met.length} met\n`);
  const busy = machine.loadavgAtStart[0]; // at the end it counts this bench's own processes
  if (busy > 1) process.stdout.write(`note: load average ${busy.toFixed(1)} on ${machine.cpus} cores besides this bench: other work shared the CPUs, figures are noisy\n`);
}

/** Prints the table and writes the JSON; a partial run (BENCH_ONLY) leaves bench/last-run.json alone. */
export function report(results: Results): void {
  const lastPath = join(ROOT, 'bench', 'last-run.json');
  const previous = existsSync(lastPath) ? JSON.parse(readFileSync(lastPath, 'utf8')) as Results : undefined;
  const current = rows(results);
  printTable(current, previous, results);
  const saved = roundAll({ ...results, targets: targets(results), table: current });
  mkdirSync(join(ROOT, '.bench'), { recursive: true });
  const stamped = join(ROOT, '.bench', `results-${results.date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(stamped, `${JSON.stringify(saved, null, 2)}\n`);
  if (ONLY) {
    process.stdout.write(`written: ${stamped} (BENCH_ONLY: bench/last-run.json left alone)\n`);
    return;
  }
  writeFileSync(lastPath, `${JSON.stringify(saved, null, 2)}\n`);
  process.stdout.write(`written: ${stamped}, bench/last-run.json\n`);
}
