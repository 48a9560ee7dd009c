// Checks the import graph of src/ (type-only imports included): no cycles between files, and no
// `vscode` import under src/proxy. Prints the folder-level edges under src/proxy (the layers).
// Usage: node scripts/check-imports.mjs [dir, default src]   (exits 1 on a cycle or a vscode import)
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
const files = [];
const walk = (d) => { for (const n of readdirSync(d)) { const p = join(d, n); if (statSync(p).isDirectory()) walk(p); else if (p.endsWith('.ts')) files.push(p); } };
walk(process.argv[2] ?? 'src');
const graph = new Map();
let vscodeInProxy = [];
for (const f of files) {
  const text = readFileSync(f, 'utf8');
  const deps = [];
  for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)) {
    const spec = m[1];
    if (spec === 'vscode' && f.startsWith('src/proxy')) vscodeInProxy.push(f);
    if (!spec.startsWith('.')) continue;
    const base = join(dirname(f), spec);
    const target = [base + '.ts', join(base, 'index.ts'), base].find((p) => existsSync(p) && statSync(p).isFile());
    if (!target) throw new Error(`${f}: cannot resolve ${spec}`);
    deps.push(target);
  }
  graph.set(f, deps);
}
// Tarjan's strongly connected components.
let index = 0; const stack = []; const info = new Map(); const cycles = [];
const visit = (v) => {
  info.set(v, { index, low: index, on: true }); index++; stack.push(v);
  for (const w of graph.get(v) ?? []) {
    if (!info.has(w)) { visit(w); info.get(v).low = Math.min(info.get(v).low, info.get(w).low); }
    else if (info.get(w).on) info.get(v).low = Math.min(info.get(v).low, info.get(w).index);
  }
  if (info.get(v).low === info.get(v).index) {
    const scc = []; let w;
    do { w = stack.pop(); info.get(w).on = false; scc.push(w); } while (w !== v);
    if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(scc);
  }
};
for (const f of files) if (!info.has(f)) visit(f);
// Folder-level graph under src/proxy.
const folder = (f) => relative('src/proxy', dirname(f)).split('/')[0] || '.';
const edges = new Set();
for (const [f, deps] of graph) if (f.startsWith('src/proxy/')) for (const d of deps) if (d.startsWith('src/proxy/') && folder(f) !== folder(d)) edges.add(`${folder(f)} -> ${folder(d)}`);
console.log(`${files.length} files, ${[...graph.values()].flat().length} imports`);
console.log(cycles.length ? `CYCLES:\n${cycles.map((c) => c.join(' <-> ')).join('\n')}` : 'no file-level import cycles');
console.log(vscodeInProxy.length ? `vscode imported in: ${vscodeInProxy}` : 'no src/proxy file imports vscode');
console.log('folder edges:', [...edges].sort().join(', '));
if (cycles.length || vscodeInProxy.length) process.exit(1);
