// Runs the whole test suite with node:test: first the plain-Node tests (the unit tests in
// test/proxy and test/usage, http, e2e, reliability, fake-openai, real-server (which installs
// llama-server on first use, or skips saying why), the extension's plain-Node parts), then the tests in a real VS Code (code-server +
// Chromium, installed on first use by test/vscode/setup.sh). Test files are TypeScript, loaded
// through tsx. Without filters (what CI runs) the type check (`npm run typecheck`), ESLint
// (`npm run lint`) and the import-graph check (scripts/import-cycles.mjs: no cycles, no `vscode`
// under src/proxy, the proxy imported only via src/proxy/index.ts) run first, each counted as one check in the total ("typecheck: failed" when it
// fails); with filters they are skipped, to keep a focused run fast. Ends with one line totalling
// everything.
//
// Usage: npm test                     everything: typecheck, lint, imports, then every test
//        npm test -- unit http        only test files whose path contains one of the words
//        CLAUDE_PROXY_SKIP_VSCODE=1 npm test   everything but the VS Code tests
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2);
const artifacts = join(root, '.test-artifacts');
mkdirSync(artifacts, { recursive: true });

function findTests(dir, suffix) {
  const found = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    // test/vscode/suite holds mocha suites that run inside a VS Code extension host, not here.
    if (statSync(path).isDirectory()) {
      if (relative(root, path) !== join('test', 'vscode', 'suite')) found.push(...findTests(path, suffix));
    } else if (name.endsWith(suffix)) {
      found.push(relative(root, path));
    }
  }
  return found.sort();
}

const matches = (file) => filters.length === 0 || filters.some((filter) => file.includes(filter));
const nodeTests = findTests(join(root, 'test'), '.test.ts').filter(matches);
const vscodeTests = process.env.CLAUDE_PROXY_SKIP_VSCODE ? [] : findTests(join(root, 'test', 'vscode'), '.spec.ts').filter(matches);
if (nodeTests.length === 0 && vscodeTests.length === 0) {
  console.error(`No test files match ${filters.join(' ')}`);
  process.exit(1);
}

const totals = { passed: 0, failed: 0, skipped: 0 };
let status = 0;
const checkLines = [];

/** Runs a check that either passes or fails as a whole (tsc, ESLint); it counts as one in the total. */
function runCheck(name, args) {
  console.log(`\n${name}: running`);
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (result.status === 0) {
    totals.passed += 1;
    checkLines.push(`${name}: passed`);
  } else {
    totals.failed += 1;
    status = 1;
    checkLines.push(`${name}: failed`);
  }
  console.log(checkLines.at(-1));
}

if (filters.length === 0) {
  runCheck('typecheck', [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '-p', '.']);
  runCheck('lint', [join(root, 'node_modules', 'eslint', 'bin', 'eslint.js'), '.']);
  runCheck('imports', [join(root, 'scripts', 'import-cycles.mjs')]);
}

// The end-to-end tests run the bundled headless proxy: build it first (well under a second).
const build = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

function runNodeTests(name, files, concurrency, timeoutMs) {
  const tap = join(artifacts, `${name}.tap`);
  const result = spawnSync(process.execPath, [
    '--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, `--test-timeout=${timeoutMs}`,
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    '--test-reporter=tap', `--test-reporter-destination=${tap}`,
    ...files,
  ], { cwd: root, stdio: 'inherit' });
  const summary = readFileSync(tap, 'utf8');
  const count = (label) => Number(new RegExp(`^# ${label} (\\d+)$`, 'm').exec(summary)?.[1] ?? 0);
  totals.passed += count('pass');
  totals.failed += count('fail') + count('cancelled');
  totals.skipped += count('skipped');
  if (result.status !== 0) status = result.status ?? 1;
}

if (nodeTests.length > 0) runNodeTests('node-tests', nodeTests, 2, 180000);

if (vscodeTests.length > 0) {
  const setup = spawnSync('bash', [join(root, 'test', 'vscode', 'setup.sh')], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  if (setup.status !== 0) {
    console.error('test/vscode/setup.sh failed: the VS Code tests cannot run');
    totals.failed += vscodeTests.length;
    status = 1;
  } else {
    runNodeTests('vscode-tests', vscodeTests, 1, 600000);
  }
}

// The checks' results again, next to the total: their output is far above by now.
if (checkLines.length > 0) console.log(`\n${checkLines.join('\n')}`);
console.log(`\nTotal: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(status);
