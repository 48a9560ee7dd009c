// What images and PDFs cost in OpenAI's context, from their bytes alone.
import type { ImageBlock } from '../anthropic/schema';
import { readImageSize, type ImageSize } from './image-size';

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

export function imageBlockTokens(block: ImageBlock): number {
  return imageTokens(block.source.type === 'base64' ? readImageSize(block.source.data) : undefined);
}

// PDFs: OpenAI puts both the extracted text and an image of each page into the context. A page
// image costs what a portrait A4 page costs at high detail (768x1086 after scaling: 6 tiles, 1105
// tokens; a US letter page costs less); a dense page holds up to about 1000 tokens of text.
const PDF_PAGE_IMAGE_TOKENS = imageTokens({ width: 1240, height: 1754 });
const PDF_PAGE_TEXT_TOKENS = 1000;
/** A document whose content is unknown (given by URL): at least one full page. */
export const UNSEEN_DOCUMENT_TOKENS = PDF_PAGE_TEXT_TOKENS + PDF_PAGE_IMAGE_TOKENS;
// When no page count can be read (page objects inside compressed object streams): one page per
// 20 KB, more pages than most PDFs have for their size.
const PDF_BYTES_PER_UNKNOWN_PAGE = 20_000;

export function pdfTokens(pdf: Buffer): number {
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
