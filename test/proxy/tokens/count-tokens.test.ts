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
import {
  clearTokenCache, countInputTokens, IMAGE_MAX_TOKENS, imageTokens, pdfPageCount, preloadTokenizer,
} from '../../../src/proxy/tokens/count-tokens';
import { readImageSize } from '../../../src/proxy/tokens/image-size';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const fixturesDir = join(root, 'test/fixtures/claude-code');
const tokens = (text: string) => countTokens(text, { disallowedSpecial: new Set() });
const withMargin = (n: number) => Math.ceil(n * 1.01);
const request = (messages: CountTokensRequest['messages'], extra: Partial<CountTokensRequest> = {}): CountTokensRequest =>
  ({ model: 'claude-sonnet-5', messages, ...extra });

// --- image headers -------------------------------------------------------------------------------

function pngHeader(width: number, height: number): string {
  const b = Buffer.alloc(33);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(b, 0);
  b.writeUInt32BE(13, 8);
  b.write('IHDR', 12, 'latin1');
  b.writeUInt32BE(width, 16);
  b.writeUInt32BE(height, 20);
  b.set([8, 6, 0, 0, 0], 24); // 8-bit RGBA; the CRC (bytes 29-32) is left zero
  return b.toString('base64');
}

function jpegHeader(width: number, height: number, paddingSegments = 0): string {
  const app0 = Buffer.from([0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
  const padding = Array.from({ length: paddingSegments }, () => {
    const segment = Buffer.alloc(2 + 60_000, 0x41);
    segment.writeUInt16BE(0xffe1, 0); // APP1 (EXIF), 59998 bytes of payload
    segment.writeUInt16BE(60_000 - 2 + 2, 2);
    return segment;
  });
  const sof = Buffer.from([0xff, 0xc2, 0x00, 0x11, 8, 0, 0, 0, 0, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
  sof.writeUInt16BE(height, 5);
  sof.writeUInt16BE(width, 7);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, ...padding, sof, Buffer.alloc(64)]).toString('base64');
}

function gifHeader(width: number, height: number): string {
  const b = Buffer.alloc(16);
  b.write('GIF89a', 0, 'latin1');
  b.writeUInt16LE(width, 6);
  b.writeUInt16LE(height, 8);
  return b.toString('base64');
}

function webpHeader(kind: 'VP8 ' | 'VP8L' | 'VP8X', width: number, height: number): string {
  const b = Buffer.alloc(40);
  b.write('RIFF', 0, 'latin1');
  b.writeUInt32LE(32, 4);
  b.write('WEBP', 8, 'latin1');
  b.write(kind, 12, 'latin1');
  if (kind === 'VP8 ') {
    b.set([0x9d, 0x01, 0x2a], 23);
    b.writeUInt16LE(width, 26);
    b.writeUInt16LE(height, 28);
  } else if (kind === 'VP8L') {
    b[20] = 0x2f;
    b.writeUInt32LE(((width - 1) | ((height - 1) << 14)) >>> 0, 21);
  } else {
    b.writeUIntLE(width - 1, 24, 3);
    b.writeUIntLE(height - 1, 27, 3);
  }
  return b.toString('base64');
}

const imageBlock = (data: string, media_type = 'image/png'): ContentBlock =>
  ({ type: 'image', source: { type: 'base64', media_type, data } });

test('reads image sizes from PNG, JPEG, GIF and WebP headers', () => {
  assert.deepEqual(readImageSize(pngHeader(1024, 768)), { width: 1024, height: 768 });
  assert.deepEqual(readImageSize(jpegHeader(3000, 2000)), { width: 3000, height: 2000 });
  // Frame header after 120 KB of EXIF: beyond the first, short look.
  assert.deepEqual(readImageSize(jpegHeader(640, 480, 2)), { width: 640, height: 480 });
  assert.deepEqual(readImageSize(gifHeader(320, 200)), { width: 320, height: 200 });
  assert.deepEqual(readImageSize(webpHeader('VP8 ', 800, 600)), { width: 800, height: 600 });
  assert.deepEqual(readImageSize(webpHeader('VP8L', 16383, 1)), { width: 16383, height: 1 });
  assert.deepEqual(readImageSize(webpHeader('VP8X', 5000, 4000)), { width: 5000, height: 4000 });
  assert.deepEqual(readImageSize(`data:image/png;base64,${pngHeader(7, 9)}`), { width: 7, height: 9 });
  assert.equal(readImageSize(Buffer.from('not an image at all').toString('base64')), undefined);
  assert.equal(readImageSize(''), undefined);
  assert.equal(readImageSize(pngHeader(1024, 768).slice(0, 12)), undefined); // truncated
});

test('image tokens follow OpenAI high-detail formula', () => {
  // Examples from OpenAI's vision guide.
  assert.equal(imageTokens({ width: 1024, height: 1024 }), 765); // -> 768x768, 2x2 tiles
  assert.equal(imageTokens({ width: 2048, height: 4096 }), 1105); // -> 1024x2048 -> 768x1536, 2x3
  assert.equal(imageTokens({ width: 512, height: 512 }), 255); // 1 tile
  assert.equal(imageTokens({ width: 100, height: 100 }), 255); // small images are not enlarged
  assert.equal(imageTokens({ width: 3000, height: 1000 }), 85 + 170 * 4 * 2); // -> 2048x683
  assert.equal(imageTokens({ width: 2048, height: 768 }), IMAGE_MAX_TOKENS);
  assert.equal(IMAGE_MAX_TOKENS, 1445);
  assert.equal(imageTokens(undefined), IMAGE_MAX_TOKENS);
  // No size, however odd, costs more than the fallback used for unreadable images.
  for (const [w, h] of [[1, 1], [1, 16383], [2049, 769], [4096, 1537], [1537, 1025], [10000, 3750]]) {
    assert.ok(imageTokens({ width: w, height: h }) <= IMAGE_MAX_TOKENS, `${w}x${h}`);
  }
});

test('an image in a request costs the formula for its header size', async () => {
  const text = request([{ role: 'user', content: [{ type: 'text', text: 'What is this?' }] }]);
  const withImage = request([{ role: 'user', content: [{ type: 'text', text: 'What is this?' }, imageBlock(pngHeader(1024, 1024))] }]);
  const base = 3 + 4 + tokens('What is this?') + 1;
  assert.equal(await countInputTokens(text), withMargin(base));
  assert.equal(await countInputTokens(withImage), withMargin(base + 765));
  const jpeg = request([{ role: 'user', content: [imageBlock(jpegHeader(2048, 4096), 'image/jpeg')] }]);
  assert.equal(await countInputTokens(jpeg), withMargin(3 + 4 + 1105));
  const url = request([{ role: 'user', content: [{ type: 'image', source: { type: 'url', url: 'https://example.com/a.png' } }] }]);
  assert.equal(await countInputTokens(url), withMargin(3 + 4 + IMAGE_MAX_TOKENS));
});

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

/** A small uncompressed PDF with one line of text per page, as a PDF writer lays it out. */
function textPdf(pageTexts: string[]): Buffer {
  const objects: string[] = ['<< /Type /Catalog /Pages 2 0 R >>', ''];
  const kids: string[] = [];
  for (const text of pageTexts) {
    const content = `BT /F1 12 Tf 72 712 Td (${text}) Tj ET`;
    objects.push(`<< /Length ${content.length} >>\nstream\n${content}\nendstream`);
    objects.push(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents ${objects.length} 0 R >>`);
    kids.push(`${objects.length} 0 R`);
  }
  objects[1] = `<< /Type /Pages /Kids [${kids.join(' ')}] /Count ${pageTexts.length} >>`;
  const body = objects.map((object, i) => `${i + 1} 0 obj\n${object}\nendobj\n`).join('');
  return Buffer.from(`%PDF-1.4\n${body}trailer\n<< /Root 1 0 R >>\n%%EOF\n`, 'latin1');
}

// Floors from OpenAI's own rules, computed here independently of the counter's constants: a PDF
// puts its text and an image of each page into the context, and the smallest portrait page
// (US letter, 768x994 at high detail: 2x2 tiles) costs 85 + 4 x 170 tokens.
const PAGE_IMAGE_FLOOR = 85 + 4 * 170;

test('PDFs never count below their text plus a page image per page', async () => {
  const pageTexts = ['The quick brown fox jumps over the lazy dog.', 'Second page: totals and figures 1234.', 'Third page, the end.'];
  const pdf = textPdf(pageTexts);
  assert.equal(pdfPageCount(pdf), 3);
  const counted = await countInputTokens(request([{ role: 'user', content: [
    { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: pdf.toString('base64') } } as ContentBlock,
    { type: 'text', text: 'Summarise.' },
  ] }]));
  const floor = 3 + 4 + tokens('Summarise.') + pageTexts.reduce((sum, text) => sum + tokens(text), 0) + 3 * PAGE_IMAGE_FLOOR;
  assert.ok(counted >= floor, `${counted} >= ${floor}`);

  // Bytes in which no page can be read (compressed object streams): still pages by size.
  const opaque = Buffer.alloc(30_000, 7);
  assert.equal(pdfPageCount(opaque), undefined);
  const opaqueCount = await countInputTokens(request([{ role: 'user', content: [
    { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: opaque.toString('base64') } } as ContentBlock,
  ] }]));
  assert.ok(opaqueCount >= 30_000 / 3 + PAGE_IMAGE_FLOOR, `${opaqueCount}`);
});

test('a document or an image given by URL counts at least a page or the largest image, not its URL text', async () => {
  const url = 'https://example.com/big.pdf';
  const documentCount = await countInputTokens(request([{ role: 'user', content: [{ type: 'document', source: { type: 'url', url } } as ContentBlock] }]));
  // At least one page: its image and a page of text (a dense page holds several hundred tokens).
  assert.ok(documentCount >= PAGE_IMAGE_FLOOR + 500, `${documentCount}`);
  const imageCount = await countInputTokens(request([{ role: 'user', content: [{ type: 'image', source: { type: 'url', url: 'https://example.com/a.png' } }] }]));
  assert.ok(imageCount >= 85 + 170 * 8, `${imageCount}: the largest high-detail image is 2048x768, 4x2 tiles`);
  // Both inside a tool result count the same way.
  const inResult = await countInputTokens(request([
    { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'Fetch', input: {} }] },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: [{ type: 'document', source: { type: 'url', url } } as any] }] },
  ]));
  assert.ok(inResult >= PAGE_IMAGE_FLOOR + 500, `${inResult}`);
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

test('every captured Claude Code request counts to at least its raw text', async () => {
  assert.ok(fixtures.length >= 6);
  for (const { name, body } of fixtures) {
    clearTokenCache();
    const n = await countInputTokens(body);
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

test('timing: one 38 KB count_tokens request and a burst of 13 (printed, not asserted)', async () => {
  const body = fixtures.find((f) => f.name.startsWith('05-'))!.body;
  await preloadTokenizer();
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[xs.length >> 1];
  const time = async (fn: () => Promise<unknown>) => { const t = performance.now(); await fn(); return performance.now() - t; };

  // The instance count-tokens.ts loaded (a dynamic import resolves to the ESM build), whose BPE
  // merge cache we clear to time text the tokenizer has never seen.
  const tokenizer = await import('gpt-tokenizer/encoding/o200k_base');
  const cold: number[] = [];
  const uncached: number[] = [];
  const cached: number[] = [];
  for (let i = 0; i < 30; i++) {
    clearTokenCache();
    tokenizer.clearMergeCache();
    cold.push(await time(() => countInputTokens(body)));
    clearTokenCache();
    uncached.push(await time(() => countInputTokens(body)));
    cached.push(await time(() => countInputTokens(body)));
  }
  // The /context burst: 13 concurrent requests sharing tools and system, differing in messages.
  const burst = Array.from({ length: 13 }, (_, i) => ({ ...body, messages: [{ role: 'user' as const, content: `item ${i}` }] }));
  clearTokenCache();
  const burstCold = await time(() => Promise.all(burst.map(countInputTokens)));
  const burstWarm = await time(() => Promise.all(burst.map(countInputTokens)));
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

test('the tokenizer is loaded on first use, not on import', async () => {
  const target = pathToFileURL(join(root, 'src/proxy/tokens/count-tokens.ts')).href;
  const result = probe(target, `
    const loaded = [m.isTokenizerLoaded()];
    const req = { model: 'm', messages: [{ role: 'user', content: 'hi' }] };
    const counts = await Promise.all(Array.from({ length: 13 }, () => m.countInputTokens(req)));
    loaded.push(m.isTokenizerLoaded(), counts.every((n) => n === counts[0] && n > 0));
  `);
  assert.deepEqual(result.before, [], 'gpt-tokenizer resolved while importing count-tokens.ts');
  assert.ok(result.after.some((url) => url.includes('o200k_base')), 'first count did not load the tokenizer');
  assert.deepEqual(result.loaded, [false, true, true]);
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
  await preloadTokenizer();
  clearTokenCache();
  const long = request([{ role: 'user', content: prose(400_000, 7) }]);
  const short = request([{ role: 'user', content: prose(2_000, 11) }]);
  const alone = { long: await countInputTokens(long), short: await countInputTokens(short) };
  clearTokenCache();

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
