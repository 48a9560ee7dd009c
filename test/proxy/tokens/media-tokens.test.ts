import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import type { CountTokensRequest } from '../../../src/proxy/anthropic/schema';
import { countInputTokens } from '../../../src/proxy/tokens/count-tokens';
import { readImageSize } from '../../../src/proxy/tokens/image-size';
import { gifHeader, imageBlock, jpegHeader, pngHeader, webpHeader } from './image-headers';
import { IMAGE_MAX_TOKENS, imageTokens, pdfPageCount } from '../../../src/proxy/tokens/media-tokens';

const tokens = (text: string) => countTokens(text, { disallowedSpecial: new Set() });
const withMargin = (n: number) => Math.ceil(n * 1.01);
const request = (messages: CountTokensRequest['messages'], extra: Partial<CountTokensRequest> = {}): CountTokensRequest =>
  ({ model: 'claude-sonnet-5', messages, ...extra });


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
    { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: pdf.toString('base64') } },
    { type: 'text', text: 'Summarise.' },
  ] }]));
  const floor = 3 + 4 + tokens('Summarise.') + pageTexts.reduce((sum, text) => sum + tokens(text), 0) + 3 * PAGE_IMAGE_FLOOR;
  assert.ok(counted >= floor, `${counted} >= ${floor}`);

  // Bytes in which no page can be read (compressed object streams): still pages by size.
  const opaque = Buffer.alloc(30_000, 7);
  assert.equal(pdfPageCount(opaque), undefined);
  const opaqueCount = await countInputTokens(request([{ role: 'user', content: [
    { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: opaque.toString('base64') } },
  ] }]));
  assert.ok(opaqueCount >= 30_000 / 3 + PAGE_IMAGE_FLOOR, `${opaqueCount}`);
});

test('a document or an image given by URL counts at least a page or the largest image, not its URL text', async () => {
  const url = 'https://example.com/big.pdf';
  const documentCount = await countInputTokens(request([{ role: 'user', content: [{ type: 'document', source: { type: 'url', url } }] }]));
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
