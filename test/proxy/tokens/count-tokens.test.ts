import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { declaredTools } from '../../../src/proxy/anthropic/deferred-tools';
import type { ContentBlock, CountTokensRequest, ToolReferenceBlock } from '../../../src/proxy/anthropic/schema';
import { countTokensRequest } from '../../../src/proxy/anthropic/schema';
import { countInputTokens, createInputTokenCounter } from '../../../src/proxy/tokens/count-tokens';
import { imageBlock, pngHeader } from './image-headers';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const fixturesDir = join(root, 'test/fixtures/claude-code');
const tokens = (text: string) => countTokens(text, { disallowedSpecial: new Set() });
const withMargin = (n: number) => Math.ceil(n * 1.01);
const request = (messages: CountTokensRequest['messages'], extra: Partial<CountTokensRequest> = {}): CountTokensRequest =>
  ({ model: 'claude-sonnet-5', messages, ...extra });

// --- exact counts --------------------------------------------------------------------------------

test('exact counts for small requests', async () => {
  assert.equal(await countInputTokens(request([{ role: 'user', content: 'Hello, world' }])),
    withMargin(3 + 4 + tokens('Hello, world')));

  const system = 'You are a helpful assistant that answers in French.';
  assert.equal(await countInputTokens(request([{ role: 'user', content: 'Bonjour' }], { system })),
    withMargin(3 + (4 + tokens(system) + 1) + (4 + tokens('Bonjour'))));
  assert.equal(await countInputTokens(request([{ role: 'user', content: 'Bonjour' }], { system: [{ type: 'text', text: 'A' }, { type: 'text', text: system }] })),
    withMargin(3 + (4 + tokens('A') + 1 + tokens(system) + 1) + (4 + tokens('Bonjour'))));

  const input = { command: 'ls -la /tmp', description: 'List files' };
  const conversation = request([
    { role: 'user', content: [{ type: 'text', text: 'List /tmp' }] },
    { role: 'assistant', content: [
      { type: 'thinking', thinking: 'The user wants a listing.', signature: 'c2ln' },
      { type: 'text', text: 'Listing.' },
      { type: 'tool_use', id: 'toolu_01', name: 'Bash', input },
    ] },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01', content: 'a.txt\nb.txt' }] },
  ]);
  assert.equal(await countInputTokens(conversation), withMargin(3
    + 4 + tokens('List /tmp') + 1
    + 4 + tokens('The user wants a listing.') + tokens('Listing.') + 1 + 8 + tokens('Bash') + tokens(JSON.stringify(input))
    + 4 + (4 + 6) + tokens('Bash') + tokens('a.txt\nb.txt')));

  const schema = { type: 'object', properties: { city: { type: 'string', description: 'City name' } }, required: ['city'] };
  const tools = [{ name: 'get_weather', description: 'Get the weather for a city.', input_schema: schema }];
  assert.equal(await countInputTokens(request([{ role: 'user', content: 'Weather in Paris?' }], { tools, tool_choice: { type: 'tool', name: 'get_weather' } })),
    withMargin(3 + 4 + tokens('Weather in Paris?')
      + 12 + 10 + tokens('get_weather') + tokens('Get the weather for a city.') + tokens(JSON.stringify(schema))
      + 8 + tokens('get_weather')));
});

test('special-token text is counted as plain text', async () => {
  const text = 'before <|endoftext|> <|im_start|> after';
  assert.equal(await countInputTokens(request([{ role: 'user', content: text }])), withMargin(3 + 4 + tokens(text)));
  assert.ok(tokens(text) > 5);
});

test('documents: text sources tokenized exactly, base64 text decoded', async () => {
  const body = 'Chapter one. It was a dark and stormy night.';
  const doc = (source: Record<string, string>, title?: string): CountTokensRequest =>
    request([{ role: 'user', content: [{ type: 'document', source, title } as ContentBlock] }]);
  assert.equal(await countInputTokens(doc({ type: 'text', media_type: 'text/plain', data: body }, 'Novel')),
    withMargin(3 + 4 + 10 + tokens('Novel') + tokens(body)));
  assert.equal(await countInputTokens(doc({ type: 'base64', media_type: 'text/plain', data: Buffer.from(body).toString('base64') })),
    withMargin(3 + 4 + 10 + tokens(body)));
});

test('adding a message, a tool, an image or a tool result increases the count', async () => {
  const schema = { type: 'object', properties: { path: { type: 'string' } } };
  const base = request([{ role: 'user', content: 'Read the file.' }], {
    system: 'Be brief.',
    tools: [{ name: 'Read', description: 'Read a file', input_schema: schema }],
  });
  const n = await countInputTokens(base);
  const more = [
    { ...base, messages: [...base.messages, { role: 'assistant' as const, content: 'OK' }] },
    { ...base, tools: [...base.tools!, { name: 'Write', input_schema: schema }] },
    { ...base, tools: [...base.tools!, { name: 'Noop' }] },
    { ...base, messages: [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'Read the file.' }, imageBlock(pngHeader(10, 10))] }] },
    { ...base, messages: [...base.messages, { role: 'user' as const, content: [{ type: 'tool_result' as const, tool_use_id: 'x1' }] }] },
    { ...base, messages: [...base.messages, { role: 'assistant' as const, content: [{ type: 'tool_use' as const, id: 'x1', name: 'Read', input: {} }] }] },
    { ...base, messages: [...base.messages, { role: 'assistant' as const, content: [{ type: 'redacted_thinking' as const, data: 'ZW5jcnlwdGVk' }] }] },
  ];
  for (const [i, bigger] of more.entries()) assert.ok(await countInputTokens(bigger) > n, `variant ${i}`);
});

// --- real Claude Code requests -------------------------------------------------------------------

function rawText(req: CountTokensRequest): string[] {
  const parts: string[] = [];
  const block = (b: ContentBlock | ToolReferenceBlock): void => {
    if (b.type === 'text') parts.push(b.text);
    else if (b.type === 'tool_reference') parts.push(b.tool_name);
    else if (b.type === 'thinking') parts.push(b.thinking);
    else if (b.type === 'tool_use') parts.push(b.name, JSON.stringify(b.input));
    else if (b.type === 'tool_result') {
      if (typeof b.content === 'string') parts.push(b.content);
      else b.content?.forEach(block);
    }
  };
  if (typeof req.system === 'string') parts.push(req.system);
  else req.system?.forEach((b) => parts.push(b.text));
  for (const m of req.messages) {
    if (typeof m.content === 'string') parts.push(m.content);
    else m.content.forEach(block);
  }
  for (const t of declaredTools(req)) parts.push(t.name, t.description ?? '', JSON.stringify(t.input_schema ?? {}));
  return parts;
}

const fixtures = readdirSync(fixturesDir).filter((name) => name.endsWith('.json')).sort().map((name) => ({
  name,
  body: countTokensRequest.parse(JSON.parse(readFileSync(join(fixturesDir, name), 'utf8')).body),
}));

// What each capture counted to before the counter was split into modules (4 Dec 2026). A change
// here is a change to the counting rules or the tokenizer: deliberate, or a bug.
const COUNTED_BEFORE: Record<string, number> = {
  '01-p-hello-default-opus-stream.json': 17258,
  '02-p-bash-tool-followup-tool_result.json': 17409,
  '03-p-model-haiku-thinking-budget.json': 25429,
  '05-count-tokens-with-tools.json': 8588,
  '06-count-tokens-404-fallback-max_tokens-1.json': 8588,
  '07-subagent-explore-haiku.json': 11883,
  '11-p-hello-opus-5-5-deferred-tools.json': 10847,
  '12-toolsearch-tool_reference-followup.json': 11171,
  '13-p-model-sonnet-5-5.json': 10789,
  '14-websearch-server-tool.json': 129,
};

test('every captured Claude Code request counts to at least its raw text, and to what it counted before', async () => {
  assert.ok(fixtures.length >= 6);
  assert.deepEqual(fixtures.map((f) => f.name), Object.keys(COUNTED_BEFORE), 'a capture was added or removed: pin its count');
  for (const { name, body } of fixtures) {
    const countInputTokens = createInputTokenCounter(); // an empty cache
    const n = await countInputTokens(body);
    assert.equal(n, COUNTED_BEFORE[name], `${name}: the count changed`);
    const raw = tokens(rawText(body).join('\n'));
    const json = tokens(JSON.stringify(body));
    console.log(`  ${name}: ${n} tokens (raw text ${raw}, whole JSON body ${json})`);
    assert.ok(n >= raw, `${name}: ${n} < raw ${raw}`);
    // Plausible: framing adds a little, not a lot, and never more than tokenizing the whole body.
    assert.ok(n <= raw * 1.1 + 200, `${name}: ${n} is far above raw ${raw}`);
    assert.ok(n < json, `${name}: ${n} >= whole JSON ${json}`);
    assert.equal(await countInputTokens(body), n, `${name}: the cache changes the count`);
  }
});

test('a body given as a parse function is parsed on its turn, after the counts before it, and its parse error reaches the caller', async () => {
  const body = fixtures.find((f) => f.name.startsWith('05-'))!.body;
  const count = createInputTokenCounter();
  await count(request([{ role: 'user', content: 'hi' }])); // loads its tokenizer
  const events: string[] = [];
  const first = count(body).then((n) => { events.push('first counted'); return n; });
  const second = count(() => { events.push('second parsed'); return body; });
  const invalid = count(() => { throw new Error('messages: expected array'); });
  assert.deepEqual(events, [], 'nothing parsed on arrival');
  assert.equal(await second, await first);
  assert.deepEqual(events, ['first counted', 'second parsed']);
  await assert.rejects(invalid, /messages: expected array/);
});

test('timing: one 38 KB count_tokens request and a burst of 13 (printed, not asserted)', async () => {
  const body = fixtures.find((f) => f.name.startsWith('05-'))!.body;
  await countInputTokens(body); // loads the tokenizer
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[xs.length >> 1];
  const time = async (fn: () => Promise<unknown>) => { const t = performance.now(); await fn(); return performance.now() - t; };

  // The instance count-tokens.ts loaded (a dynamic import resolves to the ESM build), whose BPE
  // merge cache we clear to time text the tokenizer has never seen.
  const tokenizer = await import('gpt-tokenizer/encoding/o200k_base');
  const cold: number[] = [];
  const uncached: number[] = [];
  const cached: number[] = [];
  for (let i = 0; i < 30; i++) {
    tokenizer.clearMergeCache();
    const first = createInputTokenCounter();
    cold.push(await time(() => first(body)));
    const second = createInputTokenCounter();
    uncached.push(await time(() => second(body)));
    cached.push(await time(() => second(body)));
  }
  // The /context burst: 13 concurrent requests sharing tools and system, differing in messages.
  const burst = Array.from({ length: 13 }, (_, i) => ({ ...body, messages: [{ role: 'user' as const, content: `item ${i}` }] }));
  const count = createInputTokenCounter();
  await count(request([{ role: 'user', content: 'hi' }])); // loads its tokenizer, caches nothing
  const burstCold = await time(() => Promise.all(burst.map(count)));
  const burstWarm = await time(() => Promise.all(burst.map(count)));
  console.log(`  38 KB request (${JSON.stringify(body).length} chars), p50 of 30: never-seen text ${median(cold).toFixed(2)} ms, `
    + `count cache cleared ${median(uncached).toFixed(2)} ms, cached ${median(cached).toFixed(2)} ms`);
  console.log(`  burst of 13: ${burstCold.toFixed(1)} ms from an empty cache, ${burstWarm.toFixed(1)} ms warm `
    + `(without a cache it would be about 13 x ${median(uncached).toFixed(2)} ms)`);
});

// --- lazy loading --------------------------------------------------------------------------------

// Runs `target` in a fresh Node process with a module resolution hook that records every
// gpt-tokenizer module, whether reached by import or require.
function probe(target: string, code: string): { before: string[]; after: string[]; loaded?: boolean[]; ms: number } {
  const script = `
    import { registerHooks } from 'node:module';
    const seen = [];
    registerHooks({ resolve(specifier, context, next) {
      const result = next(specifier, context);
      if (result.url.includes('gpt-tokenizer')) seen.push(result.url);
      return result;
    } });
    const m = await import(${JSON.stringify(target)});
    const before = [...seen];
    const t = performance.now();
    ${code}
    console.log(JSON.stringify({ before, after: seen, loaded, ms: performance.now() - t }));
  `;
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
  assert.equal(child.status, 0, child.stderr);
  return JSON.parse(child.stdout.trim().split('\n').pop()!);
}

test('the tokenizer is loaded on first use, not on import', () => {
  const target = pathToFileURL(join(root, 'src/proxy/tokens/count-tokens.ts')).href;
  const result = probe(target, `
    const req = { model: 'm', messages: [{ role: 'user', content: 'hi' }] };
    const counts = await Promise.all(Array.from({ length: 13 }, () => m.countInputTokens(req)));
    const loaded = [counts.every((n) => n === counts[0] && n > 0)];
  `);
  assert.deepEqual(result.before, [], 'gpt-tokenizer resolved while importing count-tokens.ts');
  assert.ok(result.after.some((url) => url.includes('o200k_base')), 'first count did not load the tokenizer');
  assert.deepEqual(result.loaded, [true], 'the 13 counts differ');
  console.log(`  cold start: 13 concurrent counts incl. loading the tokenizer took ${result.ms.toFixed(0)} ms`);

  // Control: the same probe does see a module that imports the tokenizer eagerly.
  const dir = mkdtempSync(join(tmpdir(), 'count-tokens-'));
  try {
    const tokenizerUrl = pathToFileURL(createRequire(import.meta.url).resolve('gpt-tokenizer/encoding/o200k_base')).href;
    const eager = join(dir, 'eager.mjs');
    writeFileSync(eager, `import { countTokens } from ${JSON.stringify(tokenizerUrl)};\nexport { countTokens };\n`);
    const control = probe(pathToFileURL(eager).href, 'const loaded = [];');
    assert.ok(control.before.length > 0, 'the probe cannot see eager imports');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// --- sharing the thread ------------------------------------------------------------------------

/** Distinct prose of about `chars` characters (a seeded generator: the same text every run). */
function prose(chars: number, seed: number): string {
  const words = ['proxy', 'stream', 'token', 'editor', 'answer', 'model', 'request', 'schema', 'tool', 'thread', 'count', 'event'];
  let state = seed;
  const parts: string[] = [];
  for (let length = 0; length < chars;) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const word = `${words[state % words.length]}${state % 997}`;
    parts.push(word);
    length += word.length + 1;
  }
  return parts.join(' ');
}

test('counts take turns and give the thread back while they count: timers and I/O run between slices', async () => {
  const long = request([{ role: 'user', content: prose(400_000, 7) }]);
  const short = request([{ role: 'user', content: prose(2_000, 11) }]);
  const separately = createInputTokenCounter();
  const alone = { long: await separately(long), short: await separately(short) };
  const countInputTokens = createInputTokenCounter(); // an empty cache
  await countInputTokens(request([{ role: 'user', content: 'hi' }])); // its tokenizer loaded

  const finished: string[] = [];
  let turnsOfTheLoop = 0;
  let longDone = false;
  const spin = () => { if (!longDone) { turnsOfTheLoop++; setImmediate(spin); } };
  const counting = countInputTokens(long).then((count) => { longDone = true; finished.push('long'); return count; });
  const queued = countInputTokens(short).then((count) => { finished.push('short'); return count; });
  setImmediate(spin);
  assert.deepEqual({ long: await counting, short: await queued }, alone, 'slicing changes no count');
  assert.ok(turnsOfTheLoop > 1, `the event loop turned ${turnsOfTheLoop} times while 400 000 characters were counted`);
  // One count at a time: the short one, asked second, waits for its turn instead of cutting in.
  assert.deepEqual(finished, ['long', 'short']);
});

test('past web search blocks count as the text the model reads of them', async () => {
  const use = { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: { query: 'node 24' } };
  const result = { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_1', content: [{ type: 'web_search_result', url: 'https://nodejs.org/', title: 'Node.js', encrypted_content: 'x' }] };
  const counted = await countInputTokens(countTokensRequest.parse(request([{ role: 'user', content: 'hi' }, { role: 'assistant', content: [use, result] as any }])));
  const expected = withMargin(3 + 4 + tokens('hi') + 4 + tokens('(Searched the web for: node 24)') + tokens('Web search results:\n- Node.js: https://nodejs.org/'));
  assert.equal(counted, expected);
});
