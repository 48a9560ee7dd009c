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

/** A numeric constant of a test file: `const NAME = 12 * 1024 * 1024;`, or the default in
 *  `Number(process.env.X ?? 3000)`. */
function constant(file: string, name: string): number {
  const source = readFileSync(join(root, file), 'utf8');
  const expression = new RegExp(`^const ${name}(?:: \\w+)? = (.+);`, 'm').exec(source)?.[1];
  assert.ok(expression, `${file}: no constant ${name}`);
  const value = /\?\? ([\d_]+)\)$/.exec(expression)?.[1] ?? expression;
  assert.match(value, /^[\d_]+(?: \* [\d_]+)*$/, `${file}: ${name} = ${expression} is not a plain number`);
  return value.split(' * ').reduce((product, factor) => product * Number(factor.replace(/_/g, '')), 1);
}

/** A number as the page writes it: thousands separated by a space (3 000). */
const spaced = (n: number) => String(n).replace(/\B(?=(\d{3})+$)/g, ' ');

test('the numbers docs/reliability.md states are the ones its tests use', () => {
  const doc = readFileSync(join(root, 'docs', 'reliability.md'), 'utf8');
  const soak = 'test/reliability/soak.test.ts';
  const soakSource = readFileSync(join(root, soak), 'utf8');
  const total = constant(soak, 'TOTAL');
  const warmup = constant(soak, 'WARMUP');
  const concurrency = constant(soak, 'CONCURRENCY');
  const MB = 1024 * 1024;
  const kinds = /^const MIX[^=]*= \[([\s\S]*?)\n\];/m.exec(soakSource)?.[1].match(/\['\w+', \d+\]/g)?.length;
  const bound = (what: string) => {
    const found = [...soakSource.matchAll(new RegExp(`${what} <= (\\d+) \\* CONCURRENCY`, 'g'))].map((match) => Number(match[1]));
    assert.equal(found.length, 1, `one bound on ${what} in ${soak}`);
    return found[0];
  };
  const timers = bound('liveTimers');
  assert.equal(bound('liveSockets'), timers, 'one bound for timers and sockets, as the page says');
  const cancellation = 'test/reliability/cancellation.test.ts';
  const words = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];
  const claims = [
    `${spaced(total)} mixed requests (+${warmup} warm-up) at concurrency ${concurrency}`,
    `the JS heap within ${constant(soak, 'HEAP_TOLERANCE_BYTES') / MB} MB`,
    `within ${constant(soak, 'EXTERNAL_TOLERANCE_BYTES') / MB} MB each`,
    `(≤ ${timers} × concurrency:`,
    `upstream connections ≤ ${bound('fake\\.openConnections\\(\\)')} × concurrency`,
    `in the soak (${spaced(total + warmup)} requests of ${kinds} kinds)`,
    `| ${spaced(constant('test/reliability/fuzz.test.ts', 'CASES'))} generated and mutated bodies`,
    `${words[constant(cancellation, 'ROUNDS')]} rounds each, typically 1–2 ms, not asserted`,
  ];
  assert.deepEqual(claims.filter((claim) => !doc.includes(claim)), [], 'the page states other numbers than the tests use');
});
