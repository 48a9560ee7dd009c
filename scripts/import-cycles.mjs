// Checks the import graph of the TypeScript files under the given folders (default: src), type-only
// imports included (esbuild erases them, so its metafile would miss such a cycle); only relative
// imports are followed. Reports, and exits 1 on, any of:
//   - an import cycle between files;
//   - a `vscode` import under src/proxy (the proxy core runs without VS Code);
//   - a file outside src/proxy (src/extension, src/cli.ts, src/usage, ...) importing a src/proxy
//     file other than src/proxy/index.ts (the proxy's public surface).
// `npm test` runs it (without filters), counted as one check like the type check and ESLint.
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
const proxyDir = join(root, 'src', 'proxy') + '/';
const proxyIndex = join(root, 'src', 'proxy', 'index.ts');
const violations = [];
const graph = new Map(files.map((file) => {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, false);
  const inProxy = file.startsWith(proxyDir);
  for (const { fileName } of importedFiles) {
    if (inProxy && (fileName === 'vscode' || fileName.startsWith('vscode/'))) {
      violations.push(`${relative(root, file)} imports vscode (src/proxy must not)`);
    }
  }
  const resolved = importedFiles
    .filter(({ fileName }) => fileName.startsWith('.'))
    .map(({ fileName }) => ({ fileName, target: resolveImport(file, fileName) }));
  for (const { fileName, target } of resolved) {
    if (!inProxy && target && target.startsWith(proxyDir) && target !== proxyIndex) {
      violations.push(`${relative(root, file)} imports ${fileName} (outside src/proxy, import the proxy via src/proxy/index.ts)`);
    }
  }
  const targets = resolved.map(({ target }) => target).filter((target) => target && inScope.has(target));
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
for (const violation of violations) console.log(violation);
console.log(`${files.length} files, ${cycles.length} import cycle(s), ${violations.length} layering violation(s)`);
process.exit(cycles.length > 0 || violations.length > 0 ? 1 : 0);
