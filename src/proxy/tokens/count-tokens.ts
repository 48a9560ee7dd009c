// Local answer to POST /v1/messages/count_tokens: an upper-leaning count of the input tokens
// OpenAI would bill for the translated request, using the o200k_base tokenizer (GPT-4o, GPT-4.1,
// GPT-5, o-series). Text is tokenized exactly; the chat framing OpenAI adds around messages, tool
// definitions and tool calls is not visible to us, so it is estimated with per-item overheads at or
// above OpenAI's published figures. The total gets a 1% margin for what we cannot see exactly
// (pieces tokenized apart can merge differently once joined, schema rendering, framing changes).
// Erring high is deliberate: an undercount makes Claude Code believe a conversation fits the
// model's context window when it does not.
import { declaredTools, toolReferenceText } from '../anthropic/deferred-tools';
import type { ContentBlock, CountTokensRequest, ImageBlock, DocumentBlock } from '../anthropic/schema';
import type { UpstreamUsage } from '../openai/usage';
import { readImageSize, type ImageSize } from './image-size';

type Tokenizer = typeof import('gpt-tokenizer/encoding/o200k_base');

// The tokenizer's rank table is a few MB of JavaScript (~200 ms to load), so it is imported on
// first use, not when the proxy or the extension starts.
let tokenizer: Tokenizer | undefined;
let loading: Promise<Tokenizer> | undefined;

function loadTokenizer(): Promise<Tokenizer> {
  loading ??= import('gpt-tokenizer/encoding/o200k_base').then(
    (module) => (tokenizer = module),
    (error: unknown) => { loading = undefined; throw error; },
  );
  return loading;
}

export async function preloadTokenizer(): Promise<void> {
  await loadTokenizer();
}

export function isTokenizerLoaded(): boolean {
  return tokenizer !== undefined;
}

// Chat framing, after OpenAI's token-counting guide and the harmony format: each message costs
// <|start|>role<|message|>...<|end|> (3 + 1 for the role), and the reply is primed with 3 more.
const PER_MESSAGE = 4;
const REPLY_PRIMING = 3;
// Tools are rendered into the prompt as a TypeScript-like `namespace functions { ... }` block; we
// count the JSON of each input_schema, which is usually longer than that rendering.
const TOOLS_BLOCK = 12;
const PER_TOOL = 10;
// A tool call: " to=functions.NAME <|channel|>commentary <|constrain|>json<|message|>ARGS<|call|>".
const PER_TOOL_CALL = 8;
// A tool result: "<|start|>functions.NAME to=assistant<|channel|>commentary<|message|>...<|end|>".
const PER_TOOL_RESULT = PER_MESSAGE + 6;
const PER_DOCUMENT = 10;
const SAFETY_MARGIN = 1.01;

// Images, high detail: scale to fit 2048x2048, then so the shortest side is at most 768, then
// 85 tokens plus 170 per 512px tile. The largest result is 1445 (2048x768: 4x2 tiles), used
// when the size cannot be read (URL images, unknown formats).
const IMAGE_BASE = 85;
const IMAGE_TILE = 170;
export const IMAGE_MAX_TOKENS = IMAGE_BASE + IMAGE_TILE * 8;

export function imageTokens(size: ImageSize | undefined): number {
  if (!size) return IMAGE_MAX_TOKENS;
  const fit = Math.min(1, 2048 / Math.max(size.width, size.height));
  const shrink = Math.min(1, 768 / (Math.min(size.width, size.height) * fit));
  const tiles = (side: number) => Math.ceil(Math.ceil(side * fit * shrink - 1e-6) / 512);
  return IMAGE_BASE + IMAGE_TILE * tiles(size.width) * tiles(size.height);
}

// Claude Code's /context sends a burst of ~13 requests sharing the same system prompt and tool
// definitions, and every turn repeats the conversation so far: long strings are counted once.
// Least-recently-used eviction, bounded by total characters held (~16 MB of UTF-16).
const CACHE_MIN_LENGTH = 256;
const CACHE_MAX_CHARS = 8_000_000;
const cache = new Map<string, number>();
let cachedChars = 0;
// Text is user data: "<|endoftext|>" inside it is plain text for OpenAI, so no special tokens.
const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

/** A count that gives the thread back between pieces: each `yield` is a point where it may. */
type Counting = Generator<void, number, void>;

function* textTokens(text: string): Counting {
  if (text.length < CACHE_MIN_LENGTH) return text.length === 0 ? 0 : tokenizer!.countTokens(text, PLAIN_TEXT);
  let count = cache.get(text);
  if (count !== undefined) {
    cache.delete(text); // re-insert: the Map's order is the recency order
  } else {
    count = yield* pieceTokens(text);
    if (text.length > CACHE_MAX_CHARS / 4) return count;
    cachedChars += text.length;
    for (const oldest of cache.keys()) {
      if (cachedChars <= CACHE_MAX_CHARS) break;
      cachedChars -= oldest.length;
      cache.delete(oldest);
    }
  }
  cache.set(text, count);
  return count;
}

// The tokenizer's BPE is quadratic in the length of one pre-token: a long run of letters, CJK
// text without punctuation, a line of '=' or of spaces. 40 000 such characters took seconds, and
// a count_tokens request could block the event loop for minutes. So text goes to the tokenizer in
// pieces of at most MAX_PIECE characters, cut before a space that sits between two non-spaces (a
// pre-token boundary anyway: the count stays exact), or, inside a longer run, at the limit (a
// token or so more per cut: errs high, as this module prefers).
const MAX_PIECE = 1000;

function* pieceTokens(text: string): Counting {
  if (text.length <= MAX_PIECE) return tokenizer!.countTokens(text, PLAIN_TEXT);
  let total = 0;
  for (let start = 0; start < text.length;) {
    let end = Math.min(text.length, start + MAX_PIECE);
    if (end < text.length) {
      const boundary = wordBoundary(text, start + MAX_PIECE / 2, end);
      if (boundary > 0) end = boundary;
      else if (isHighSurrogate(text.charCodeAt(end - 1))) end--; // never split a surrogate pair
    }
    total += tokenizer!.countTokens(text.slice(start, end), PLAIN_TEXT);
    start = end;
    yield;
  }
  return total;
}

/** The last index in (from, to) of a space between two non-whitespace characters, or -1. */
function wordBoundary(text: string, from: number, to: number): number {
  for (let i = text.lastIndexOf(' ', to - 1); i > from; i = text.lastIndexOf(' ', i - 1)) {
    if (!isSpace(text.charCodeAt(i - 1)) && !isSpace(text.charCodeAt(i + 1))) return i;
  }
  return -1;
}

const isSpace = (code: number) => code === 32 || (code >= 9 && code <= 13) || code === 0xa0 || code === 0x3000 || Number.isNaN(code);
const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;

/** Forgets cached counts (tests, or to release memory). */
export function clearTokenCache(): void {
  cache.clear();
  cachedChars = 0;
}

// Counting is CPU work on the thread the proxy shares, inside VS Code, with every other extension.
// One count takes a few ms, but Claude Code's /context sends 13 at once, and counted back to back
// they held the thread for about 50 ms. So counts take turns, one at a time, and the one counting
// gives the thread back (setImmediate: timers and I/O run first) once it has held it SLICE_MS.
const SLICE_MS = 2;
let turn: Promise<unknown> = Promise.resolve();
let sliceStartedAt = 0;
let lastStepAt = 0;

export function countInputTokens(request: CountTokensRequest): Promise<number> {
  const counted = turn.then(() => runInSlices(inputTokens(request)));
  turn = counted.catch(() => undefined);
  return counted;
}

async function runInSlices(counting: Counting): Promise<number> {
  if (!tokenizer) await loadTokenizer();
  for (;;) {
    const step = counting.next();
    if (step.done) return step.value;
    const at = performance.now();
    // After a pause the thread was free: a new slice. Otherwise (the count before this one just
    // ended in this same task) the slice goes on.
    if (at - lastStepAt > SLICE_MS) sliceStartedAt = at;
    lastStepAt = at;
    if (at - sliceStartedAt >= SLICE_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      sliceStartedAt = lastStepAt = performance.now();
    }
  }
}

function* inputTokens(request: CountTokensRequest): Counting {
  let total = REPLY_PRIMING;

  if (request.system !== undefined) {
    const blocks = typeof request.system === 'string' ? [request.system] : request.system.map((b) => b.text);
    total += PER_MESSAGE;
    for (const text of blocks) total += (yield* textTokens(text)) + 1;
  }

  const toolNames = new Map<string, string>();
  for (const message of request.messages) {
    total += PER_MESSAGE;
    if (typeof message.content === 'string') total += yield* textTokens(message.content);
    else for (const block of message.content) total += yield* blockTokens(block, toolNames);
  }

  const tools = declaredTools(request);
  if (tools.length > 0) {
    total += TOOLS_BLOCK;
    for (const tool of tools) {
      total += PER_TOOL + (yield* textTokens(tool.name)) + (yield* textTokens(tool.description ?? ''));
      if (tool.input_schema) total += yield* textTokens(JSON.stringify(tool.input_schema));
    }
  }
  if (request.tool_choice?.type === 'tool') total += PER_TOOL_CALL + (yield* textTokens(request.tool_choice.name));

  return Math.ceil(total * SAFETY_MARGIN);
}

// Output the upstream never counted: about 3 characters per token, on the high side like the rest.
const OUTPUT_CHARS_PER_TOKEN = 3;

/** Usage for an answer the upstream reported none for: the input counted as count_tokens counts
 *  it, the output estimated from the characters received. */
export async function estimateUsage(request: CountTokensRequest, outputChars: number): Promise<UpstreamUsage> {
  return { input: await countInputTokens(request), cached: 0, cacheWrite: 0, output: Math.ceil(outputChars / OUTPUT_CHARS_PER_TOKEN), reasoning: 0 };
}

function* blockTokens(block: ContentBlock, toolNames: Map<string, string>): Counting {
  switch (block.type) {
    case 'text':
      return (yield* textTokens(block.text)) + 1; // +1: a separator if the translation joins text parts
    case 'image':
      return countImage(block);
    case 'document':
      return yield* documentTokens(block);
    case 'tool_use':
      toolNames.set(block.id, block.name);
      return PER_TOOL_CALL + (yield* textTokens(block.name)) + (yield* textTokens(JSON.stringify(block.input ?? {})));
    case 'tool_result': {
      let tokens = PER_TOOL_RESULT + (yield* textTokens(toolNames.get(block.tool_use_id) ?? block.tool_use_id));
      if (block.is_error) tokens += 3; // a prefix such as "Error: "
      if (typeof block.content === 'string') return tokens + (yield* textTokens(block.content));
      for (const part of block.content ?? []) {
        tokens += part.type === 'tool_reference' ? yield* textTokens(toolReferenceText(part.tool_name)) : yield* blockTokens(part, toolNames);
      }
      return tokens;
    }
    case 'thinking':
      return yield* textTokens(block.thinking);
    case 'redacted_thinking':
      // Opaque and usually dropped by the translation; if passed on, ~4 base64 chars per token.
      return Math.ceil(block.data.length / 4);
  }
}

function countImage(block: ImageBlock): number {
  return imageTokens(block.source.type === 'base64' ? readImageSize(block.source.data) : undefined);
}

// PDFs: OpenAI puts both the extracted text and an image of each page into the context. A page
// image costs what a portrait A4 page costs at high detail (768x1086 after scaling: 6 tiles, 1105
// tokens; a US letter page costs less); a dense page holds up to about 1000 tokens of text.
export const PDF_PAGE_IMAGE_TOKENS = imageTokens({ width: 1240, height: 1754 });
export const PDF_PAGE_TEXT_TOKENS = 1000;
// When no page count can be read (page objects inside compressed object streams): one page per
// 20 KB, more pages than most PDFs have for their size.
const PDF_BYTES_PER_UNKNOWN_PAGE = 20_000;

function* documentTokens(block: DocumentBlock): Counting {
  const { source } = block;
  let tokens = PER_DOCUMENT + (yield* textTokens(block.title ?? ''));
  if (source.type === 'text') tokens += yield* textTokens(source.data);
  else if (source.type === 'url') {
    // Its content is unknown until fetched, which count_tokens must not do: at least one full page.
    tokens += (yield* textTokens(source.url)) + PDF_PAGE_TEXT_TOKENS + PDF_PAGE_IMAGE_TOKENS;
  } else if (source.media_type.startsWith('text/')) tokens += yield* textTokens(Buffer.from(source.data, 'base64').toString('utf8'));
  else tokens += pdfTokens(Buffer.from(source.data, 'base64'));
  return tokens;
}

function pdfTokens(pdf: Buffer): number {
  const pages = pdfPageCount(pdf) ?? Math.max(1, Math.ceil(pdf.length / PDF_BYTES_PER_UNKNOWN_PAGE));
  // Extracted text rarely exceeds one token per 3 bytes of file; a page of text sets the floor.
  const text = Math.max(Math.ceil(pdf.length / 3), pages * PDF_PAGE_TEXT_TOKENS);
  return text + pages * PDF_PAGE_IMAGE_TOKENS;
}

/** Pages of a PDF as its uncompressed objects declare them (each /Type /Page, or the page tree's
 *  /Count), the larger of the two; undefined when neither can be read. */
export function pdfPageCount(pdf: Buffer): number | undefined {
  const text = pdf.toString('latin1');
  const pageObjects = text.match(/\/Type\s*\/Page(?![A-Za-z])/g)?.length ?? 0;
  let declared = 0;
  for (const match of text.matchAll(/\/Type\s*\/Pages\b[^>]*?\/Count\s+(\d+)|\/Count\s+(\d+)[^>]*?\/Type\s*\/Pages\b/g)) {
    declared = Math.max(declared, Number(match[1] ?? match[2]));
  }
  const pages = Math.max(pageObjects, declared);
  return pages > 0 ? pages : undefined;
}
