// Runs the whole test suite with node:test. Test files are TypeScript, loaded through tsx.
// Usage: npm test [-- <folder or file filters>]   e.g. npm test -- unit
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2);

function findTests(dir) {
  const found = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    // test/vscode/suite holds mocha suites that run inside a VS Code extension host, not here.
    if (statSync(path).isDirectory()) {
      if (relative(root, path) !== join('test', 'vscode', 'suite')) found.push(...findTests(path));
    }
    else if (name.endsWith('.test.ts')) found.push(relative(root, path));
  }
  return found;
}

const files = findTests(join(root, 'test'))
  .filter((file) => filters.length === 0 || filters.some((filter) => file.includes(filter)))
  .sort();
if (files.length === 0) {
  console.error(`No test files match ${filters.join(' ')}`);
  process.exit(1);
}
// The end-to-end tests run the bundled headless proxy: build it first (well under a second).
const build = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=120000', ...files], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
