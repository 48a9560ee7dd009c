// Two builds compared, interleaved: `BENCH_CLI_BEFORE=path/to/old/dist/cli.js npm run bench`
// runs the whole bench on the old build and on the new one (BENCH_CLI, by default dist/cli.js)
// alternately, BENCH_ROUNDS times each (default 2), each run in its own process. Alternating run
// by run lets a change in the machine's load hit both builds alike. Then it prints every figure
// of the table, before against after, and whether the ranges part: on this shared machine one
// pair of runs proves nothing, so a difference counts only when every run of one build is on
// the same side of every run of the other, by more than 5%.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Results, Row } from './report';
import { BENCH_DIR, log, ONLY, PHASES, ROOT } from './settings';

type Build = 'before' | 'after';
type Figure = { name: string; value: number; higherIsBetter: boolean };

/** One bench run of `cli` in a child process; resolves with the path of the JSON it wrote. */
function runOnce(cli: string): Promise<string | undefined> {
  // BENCH_ONLY with every phase: a full run that leaves bench/last-run.json alone
  const env: NodeJS.ProcessEnv = { ...process.env, BENCH_CLI: cli, BENCH_ONLY: (ONLY ?? PHASES).join(',') };
  delete env.BENCH_CLI_BEFORE;
  const child = spawn(process.execPath, ['--import', 'tsx', join(BENCH_DIR, 'run.ts')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (data: string) => {
    out += data;
    process.stdout.write(data);
  });
  // The run's own watchdog ends it after 240 s; this is the backstop.
  const backstop = setTimeout(() => child.kill('SIGTERM'), 270_000);
  return new Promise((done) => child.once('exit', (code) => {
    clearTimeout(backstop);
    const written = /^written: (\S+\.json)/m.exec(out);
    if (code !== 0 || !written) log(`compare: the run of ${cli} failed (exit ${code}); left out`);
    done(code === 0 ? written?.[1] : undefined);
  }));
}

/**
 * The figures compared: every table row with a value, and the per-request CPU of the proxy
 * (the steadier figure on a shared machine) and the thread held, from the JSON.
 */
function figuresOf(results: Results): Figure[] {
  // Throughput rows and the reference rows under them (indented) hold shares of direct.
  const isShare = (row: Row) => row.figure.startsWith('throughput') || row.figure.startsWith('  ');
  const figures: Figure[] = (results.table ?? []).filter((row) => typeof row.value === 'number')
    .map((row) => ({ name: row.figure, value: row.value!, higherIsBetter: isShare(row) }));
  for (const t of results.throughput ?? []) {
    figures.push({ name: `proxy CPU ms per request, ${t.stream ? 'stream' : 'whole'} c=${t.concurrency}`, value: t.proxyCpuMsPerRequest, higherIsBetter: false });
  }
  for (const [phase, held] of Object.entries(results.eventLoop ?? {})) if (held) figures.push({ name: `thread held p99 ms, ${phase}`, value: held.p99, higherIsBetter: false });
  return figures;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

// Changes under 5% of the before median count as noise whatever the runs' spread: the
// per-request CPU times, the steadiest figures, move that much between runs of one build.
const NOISE_FLOOR = 0.05;

/** WORSE / better only when no run of one build reaches the other's range, by more than the noise floor. */
function verdict(before: number[], after: number[], higherIsBetter: boolean): string {
  if (before.length < 2 || after.length < 2) return 'no verdict (fewer than 2 runs each)';
  const sign = higherIsBetter ? -1 : 1; // so that a larger signed value is always worse
  const signed = (values: number[]) => values.map((value) => sign * value);
  if (Math.abs(median(after) - median(before)) <= NOISE_FLOOR * Math.abs(median(before))) return '~ (noise)';
  if (Math.min(...signed(after)) > Math.max(...signed(before))) return 'WORSE';
  if (Math.max(...signed(after)) < Math.min(...signed(before))) return 'better';
  return '~ (noise)';
}

function printComparison(runs: { build: Build; figures: Figure[] }[]): void {
  const names = [...new Set(runs.flatMap((run) => run.figures.map((figure) => figure.name)))];
  const table = [['figure', 'before (each run)', 'after (each run)', 'medians', 'verdict']];
  for (const name of names) {
    const of = (build: Build) => runs.filter((run) => run.build === build).flatMap((run) => run.figures.filter((figure) => figure.name === name));
    const before = of('before');
    const after = of('after');
    const higherIsBetter = (before[0] ?? after[0]).higherIsBetter;
    const format = (value: number) => (higherIsBetter ? `${(value * 100).toFixed(0)}%` : value.toFixed(2));
    const list = (figures: Figure[]) => figures.map((figure) => format(figure.value)).join(' ');
    const medians = before.length && after.length ? `${format(median(before.map((f) => f.value)))} -> ${format(median(after.map((f) => f.value)))}` : '';
    table.push([name, list(before), list(after), medians, verdict(before.map((f) => f.value), after.map((f) => f.value), higherIsBetter)]);
  }
  const widths = table[0].map((_, column) => Math.max(...table.map((line) => line[column].length)));
  const lines = table.map((line) => line.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd());
  lines.splice(1, 0, widths.map((width) => '-'.repeat(width)).join('  '));
  process.stdout.write(`\n${lines.join('\n')}\n\n`);
}

export async function compareBuilds(): Promise<void> {
  const clis: Record<Build, string> = {
    before: resolve(process.cwd(), process.env.BENCH_CLI_BEFORE!),
    after: resolve(process.cwd(), process.env.BENCH_CLI ?? join(ROOT, 'dist', 'cli.js')),
  };
  const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 2));
  const runs: { build: Build; file: string; figures: Figure[] }[] = [];
  for (let round = 1; round <= rounds; round++) {
    for (const build of ['before', 'after'] as const) {
      log(`compare: round ${round} of ${rounds}, ${build}: ${clis[build]}`);
      const file = await runOnce(clis[build]);
      if (file) runs.push({ build, file, figures: figuresOf(JSON.parse(readFileSync(file, 'utf8')) as Results) });
    }
  }
  process.stdout.write(`\nbefore: ${clis.before}\nafter:  ${clis.after}\n`);
  printComparison(runs);
  mkdirSync(join(ROOT, '.bench'), { recursive: true });
  const saved = join(ROOT, '.bench', `compare-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(saved, `${JSON.stringify({ clis, rounds, runs }, null, 2)}\n`);
  process.stdout.write(`written: ${saved}\n`);
}
