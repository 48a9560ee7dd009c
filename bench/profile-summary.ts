// Summarizes a V8 .cpuprofile (from `BENCH_PROFILE=1 npm run bench`, written by the proxy's
// --cpu-prof): the functions with the most self time, and self time per package / source file.
// Usage: node --import tsx bench/profile-summary.ts .bench/profiles/<file>.cpuprofile [top]
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
interface Profile { nodes: Node[]; samples: number[]; timeDeltas: number[] }

const [file, topArg] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: bench/profile-summary.ts FILE.cpuprofile [top]\n');
  process.exit(1);
}
const top = Number(topArg ?? 30);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const selfUs = new Map<number, number>();
profile.samples.forEach((id, index) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)));
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);

// The bundle inlines node_modules: its source map (dist/cli.js.map, next to the bundle) says
// which package or source file each bundled function came from.
const maps = new Map<string, SourceMap | null>();
function original(url: string, line: number, column: number): string | undefined {
  if (!maps.has(url)) {
    const file = `${url}.map`;
    maps.set(url, existsSync(file) ? new SourceMap(JSON.parse(readFileSync(file, 'utf8')) as SourceMapPayload) : null);
  }
  const entry = maps.get(url)?.findEntry(line, column);
  if (!entry || !('originalSource' in entry)) return undefined;
  return entry.originalSource.replace(/^.*?(node_modules\/|src\/)/, '$1');
}

function where(node: Node): string {
  const url = node.callFrame.url.replace(/^file:\/\//, '');
  if (!url) return node.callFrame.functionName.startsWith('(') ? node.callFrame.functionName : '(native)';
  const lazy = /\/lazy-([^/]+)\.js$/.exec(url); // esbuild.mjs's lazily loaded bundles (no source map)
  if (lazy) return `lazy:${lazy[1]}`;
  const mapped = url.endsWith('.js') && !url.startsWith('node:') ? original(url, node.callFrame.lineNumber, (node.callFrame as { columnNumber?: number }).columnNumber ?? 0) : undefined;
  if (mapped) {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(mapped);
    return pkg ? pkg[1] : mapped;
  }
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (match) return match[1];
  return url.replace(/^.*\/(dist|src|node:internal)\//, '$1/');
}

const functions = new Map<string, number>();
const places = new Map<string, number>();
for (const [id, us] of selfUs) {
  const node = byId.get(id)!;
  const name = `${node.callFrame.functionName || '(anonymous)'}  ${where(node)}:${node.callFrame.lineNumber + 1}`;
  functions.set(name, (functions.get(name) ?? 0) + us);
  places.set(where(node), (places.get(where(node)) ?? 0) + us);
}
// Inclusive time: each sample counts once for every distinct function on its stack.
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
const label = (node: Node) => `${node.callFrame.functionName || '(anonymous)'}  ${where(node)}:${node.callFrame.lineNumber + 1}`;
const inclusive = new Map<string, number>();
for (const [id, us] of selfUs) {
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const node = byId.get(at)!;
    if (node.callFrame.functionName === '(root)') continue;
    const name = label(node);
    if (seen.has(name)) continue;
    seen.add(name);
    inclusive.set(name, (inclusive.get(name) ?? 0) + us);
  }
}
const pct = (us: number) => `${((us / total) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms`;
process.stdout.on("error", () => process.exit(0));
process.stdout.write(`total ${(total / 1000).toFixed(0)} ms sampled\n\nself time by function:\n`);
for (const [name, us] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, top)) process.stdout.write(`${pct(us)}  ${name}\n`);
process.stdout.write('\ninclusive time by function:\n');
for (const [name, us] of [...inclusive].filter(([name]) => !name.startsWith('(idle)') && !name.startsWith('(program)')).sort((a, b) => b[1] - a[1]).slice(0, top)) process.stdout.write(`${pct(us)}  ${name}\n`);
// Owner: each sample goes to the innermost frame that belongs to the proxy's code, a bundled
// package, or undici / web streams; samples with no such frame go to their leaf's place.
const OWNER = /^(src\/|lazy:|openai|zod|gpt-tokenizer|node:internal\/deps\/undici|node:internal\/webstreams)/;
const owners = new Map<string, number>();
for (const [id, us] of selfUs) {
  let owner = where(byId.get(id)!);
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const place = where(byId.get(at)!);
    if (OWNER.test(place)) {
      owner = place;
      break;
    }
  }
  owners.set(owner, (owners.get(owner) ?? 0) + us);
}
const busy = [...owners].filter(([name]) => name !== '(idle)');
const busyTotal = busy.reduce((sum, [, us]) => sum + us, 0);
process.stdout.write(`\nbusy time (${(busyTotal / 1000).toFixed(0)} ms, idle excluded) by owner: the innermost frame from the proxy's sources, a bundled package, undici or web streams\n`);
for (const [name, us] of busy.sort((a, b) => b[1] - a[1]).slice(0, 25)) process.stdout.write(`${((us / busyTotal) * 100).toFixed(1).padStart(5)}% of busy  ${(us / 1000).toFixed(0).padStart(6)} ms  ${name}\n`);
process.stdout.write('\nself time by file / package:\n');
for (const [name, us] of [...places].sort((a, b) => b[1] - a[1]).slice(0, 15)) process.stdout.write(`${pct(us)}  ${name}\n`);

// Optional: the heaviest call stacks ending in a function, e.g. `... file.cpuprofile 30 writeUtf8String`.
const focus = process.argv[4];
if (focus) {
  const stacks = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const frames: string[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) frames.push(label(byId.get(at)!));
    const hit = frames.findIndex((frame) => frame.startsWith(`${focus} `));
    if (hit === -1) continue;
    const key = frames.slice(hit, hit + 12).join('\n      <- ');
    stacks.set(key, (stacks.get(key) ?? 0) + us);
  }
  process.stdout.write(`\nstacks through ${focus}:\n`);
  for (const [stack, us] of [...stacks].sort((a, b) => b[1] - a[1]).slice(0, 6)) process.stdout.write(`${pct(us)}  ${stack}\n\n`);
}
