// docs/reliability.md cites the tests that keep each line true, as `file` › "name", "name"…:
// every cited file must exist and hold a test of exactly that name, so the page cannot go stale.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const root = join(__dirname, '..', '..');

test('every test cited in docs/reliability.md exists under that name', () => {
  const doc = readFileSync(join(root, 'docs', 'reliability.md'), 'utf8');
  const citations = [...doc.matchAll(/`(test\/[\w/.-]+\.test\.ts)` › ((?:"[^"]+"(?:, )?)+)/g)];
  assert.ok(citations.length >= 40, `only ${citations.length} citations found`);
  const missing: string[] = [];
  let names = 0;
  for (const [, file, list] of citations) {
    const path = join(root, file);
    if (!existsSync(path)) {
      missing.push(`${file}: no such file`);
      continue;
    }
    const source = readFileSync(path, 'utf8');
    for (const [, name] of list.matchAll(/"([^"]+)"/g)) {
      names++;
      const declared = [`'${name.replace(/'/g, "\\'")}'`, `"${name}"`, `\`${name}\``].some((quoted) => source.includes(`test(${quoted}`));
      if (!declared) missing.push(`${file}: no test named "${name}"`);
    }
  }
  assert.deepEqual(missing, []);
  assert.ok(names >= citations.length);
});

test('every test in test/reliability/ is cited in docs/reliability.md', () => {
  const doc = readFileSync(join(root, 'docs', 'reliability.md'), 'utf8');
  const uncited: string[] = [];
  let found = 0;
  for (const file of ['access', 'cancellation', 'faults', 'fuzz', 'secrets', 'soak']) {
    const source = readFileSync(join(root, 'test', 'reliability', `${file}.test.ts`), 'utf8');
    for (const [, , name] of source.matchAll(/^test\((['"])(.+?)\1, (?:async )?\(/gm)) {
      found++;
      if (!doc.includes(`"${name}"`)) uncited.push(`${file}: ${name}`);
    }
  }
  assert.ok(found >= 20, `only ${found} tests found`);
  assert.deepEqual(uncited, []);
});
