// Reports import cycles between the TypeScript files under the given folders (default: src).
// Type-only imports count too (esbuild erases them, so its metafile would miss such a cycle);
// only relative imports are followed. Exits 1 when there is a cycle.
//
// Usage: node scripts/import-cycles.mjs [src/extension src/usage ...]
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const root = new URL('..', import.meta.url).pathname;
const folders = process.argv.slice(2);

function tsFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return tsFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}

function resolveImport(from, specifier) {
  const base = resolve(dirname(from), specifier);
  for (const candidate of [base, `${base}.ts`, join(base, 'index.ts')]) {
    if (candidate.endsWith('.ts') && existsSync(candidate)) return candidate;
  }
  return undefined;
}

const files = (folders.length > 0 ? folders : ['src']).flatMap((folder) => tsFiles(resolve(root, folder)));
const inScope = new Set(files);
const graph = new Map(files.map((file) => {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, false);
  const targets = importedFiles
    .filter(({ fileName }) => fileName.startsWith('.'))
    .map(({ fileName }) => resolveImport(file, fileName))
    .filter((target) => target && inScope.has(target));
  return [file, [...new Set(targets)]];
}));

// Tarjan's strongly connected components: every component of more than one file (or a file that
// imports itself) holds a cycle.
let index = 0;
const indices = new Map();
const lowlinks = new Map();
const stack = [];
const onStack = new Set();
const cycles = [];

function connect(file) {
  indices.set(file, index);
  lowlinks.set(file, index);
  index++;
  stack.push(file);
  onStack.add(file);
  for (const target of graph.get(file)) {
    if (!indices.has(target)) {
      connect(target);
      lowlinks.set(file, Math.min(lowlinks.get(file), lowlinks.get(target)));
    } else if (onStack.has(target)) {
      lowlinks.set(file, Math.min(lowlinks.get(file), indices.get(target)));
    }
  }
  if (lowlinks.get(file) !== indices.get(file)) return;
  const component = [];
  let member;
  do {
    member = stack.pop();
    onStack.delete(member);
    component.push(member);
  } while (member !== file);
  if (component.length > 1 || graph.get(file).includes(file)) cycles.push(component);
}

for (const file of files) if (!indices.has(file)) connect(file);

for (const component of cycles) {
  const members = new Set(component);
  console.log(`Import cycle among ${component.length} file(s):`);
  for (const file of component.sort()) {
    const inCycle = graph.get(file).filter((target) => members.has(target)).map((target) => relative(root, target));
    console.log(`  ${relative(root, file)} -> ${inCycle.join(', ')}`);
  }
}
console.log(`${files.length} files, ${cycles.length} import cycle(s)`);
process.exit(cycles.length > 0 ? 1 : 0);
