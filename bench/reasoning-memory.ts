// What the reasoning memory (src/proxy/openai/reasoning-memory.ts) costs: heap per entry at a
// few encrypted_content sizes, and the CPU of the lookups one request makes (one per tool_use
// block in its history). Run: node --expose-gc --import tsx bench/reasoning-memory.ts
import { randomBytes } from 'node:crypto';
import { callerIdentity } from '../src/proxy/anthropic/normalize';
import { ReasoningMemory } from '../src/proxy/openai/reasoning-memory';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

function heapUsed(): number {
  gc!();
  gc!();
  return process.memoryUsage().heapUsed;
}

const ENTRIES = 2000;
const caller = callerIdentity('{"device_id":"d0123456789abcdef","session_id":"s-1"}').safetyIdentifier;

for (const size of [1024, 4096, 16384]) {
  // Built the way the proxy gets them: fresh strings out of JSON.parse.
  const encrypted = Array.from({ length: ENTRIES }, () => JSON.parse(JSON.stringify(`gAAAAAB${randomBytes(size * 0.75).toString('base64url')}`)) as string);
  const before = heapUsed();
  const memory = new ReasoningMemory({ maxEntries: ENTRIES, maxBytes: 1 << 30, ttlMs: 30 * 60 * 1000 });
  encrypted.forEach((value, i) => memory.remember(`call_${i.toString(36).padStart(24, '0')}`, caller, 'openai', [{ encrypted: value, summary: [] }]));
  const perEntry = (heapUsed() - before) / ENTRIES;
  // The strings were allocated before the first reading: what is measured is the memory's own overhead.
  console.log(`encrypted_content ${size} B: the string plus ${perEntry.toFixed(0)} B of heap per entry`);
}

// One request: 200 tool_use blocks in its history, lookups as messages.ts makes them. The ids are
// fresh strings from JSON.parse on every request, as in the proxy (their hash is computed on the
// first lookup); parsing them is timed apart and taken off.
const memory = new ReasoningMemory();
for (let i = 0; i < 2000; i++) memory.remember(`call_${i}`, caller, 'openai', [{ encrypted: 'x'.repeat(2048), summary: [] }]);
const idsJson = JSON.stringify(Array.from({ length: 200 }, (_, i) => `call_${i * 10}`));
const userId = '{"device_id":"d0123456789abcdef","session_id":"s-1"}';
const ROUNDS = 20000;

function timePerRound(round: (ids: string[]) => number): number {
  let sink = 0;
  for (let i = 0; i < 2000; i++) sink += round(JSON.parse(idsJson) as string[]);
  const start = process.hrtime.bigint();
  for (let i = 0; i < ROUNDS; i++) sink += round(JSON.parse(idsJson) as string[]);
  if (sink < 0) console.log(sink);
  return Number(process.hrtime.bigint() - start) / 1000 / ROUNDS;
}

const parseOnly = timePerRound((ids) => ids.length);
const withLookups = timePerRound((ids) => {
  const who = callerIdentity(userId).safetyIdentifier;
  let found = 0;
  for (const id of ids) if (memory.recall(id, who, 'openai')) found++;
  return found;
});
const lookupsUs = withLookups - parseOnly;
console.log(`a request with 200 tool calls in its history: ${lookupsUs.toFixed(1)} µs of lookups, all hits (${(lookupsUs * 1000 / 200).toFixed(0)} ns per call id, the caller hash included)`);
