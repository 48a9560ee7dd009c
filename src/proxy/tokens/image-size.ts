// Reads an image's pixel size from the first bytes of its base64 data (PNG, JPEG, GIF, WebP),
// without decoding the whole image. Returns undefined when the format is unknown or the header
// is damaged; callers then assume the most expensive size.

export interface ImageSize {
  width: number;
  height: number;
}

// Base64 characters decoded to look for a JPEG frame header (multiples of 4). The frame header is
// usually within the first few KiB; EXIF/ICC segments before it can be large, so a second, longer
// look (768 KiB of bytes) covers real camera files.
const JPEG_SCAN_CHARS = [1 << 14, 1 << 20];

export function readImageSize(base64: string): ImageSize | undefined {
  const comma = base64.startsWith('data:') ? base64.indexOf(',') : -1;
  const data = comma >= 0 ? base64.slice(comma + 1) : base64;
  const head = decode(data, 64);
  if (isPng(head)) return positive(head.readUInt32BE(16), head.readUInt32BE(20));
  if (isGif(head)) return positive(head.readUInt16LE(6), head.readUInt16LE(8));
  if (isWebp(head)) return webpSize(head);
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) {
    for (const chars of JPEG_SCAN_CHARS) {
      const size = jpegSize(decode(data, chars));
      if (size !== 'truncated') return size;
      if (chars >= data.length) break;
    }
  }
  return undefined;
}

function decode(base64: string, chars: number): Buffer {
  return Buffer.from(base64.length > chars ? base64.slice(0, chars) : base64, 'base64');
}

function positive(width: number, height: number): ImageSize | undefined {
  return width > 0 && height > 0 ? { width, height } : undefined;
}

function isPng(b: Buffer): boolean {
  // 8-byte signature, then the IHDR chunk: length (4), "IHDR" (4), width (4), height (4).
  return b.length >= 24 && b.readUInt32BE(0) === 0x89504e47 && b.toString('latin1', 12, 16) === 'IHDR';
}

function isGif(b: Buffer): boolean {
  return b.length >= 10 && b.toString('latin1', 0, 3) === 'GIF';
}

function isWebp(b: Buffer): boolean {
  return b.length >= 30 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP';
}

function webpSize(b: Buffer): ImageSize | undefined {
  switch (b.toString('latin1', 12, 16)) {
    case 'VP8 ': // lossy: 14-bit sizes after the 3-byte start code 9d 01 2a
      return positive(b.readUInt16LE(26) & 0x3fff, b.readUInt16LE(28) & 0x3fff);
    case 'VP8L': { // lossless: signature 0x2f, then (width-1) and (height-1) as 14-bit fields
      const bits = b.readUInt32LE(21);
      return positive((bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
    }
    case 'VP8X': // extended: (width-1) and (height-1) as 24-bit little-endian
      return positive(b.readUIntLE(24, 3) + 1, b.readUIntLE(27, 3) + 1);
    default:
      return undefined;
  }
}

function jpegSize(b: Buffer): ImageSize | undefined | 'truncated' {
  let offset = 2;
  while (offset + 4 <= b.length) {
    if (b[offset] !== 0xff) return undefined;
    const marker = b[offset + 1];
    if (marker === 0xff) { offset++; continue; } // fill byte
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) { offset += 2; continue; }
    const length = b.readUInt16BE(offset + 2);
    // Start-of-frame markers C0-CF, except DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (offset + 9 > b.length) return 'truncated';
      return positive(b.readUInt16BE(offset + 7), b.readUInt16BE(offset + 5));
    }
    if (marker === 0xd9 || marker === 0xda || length < 2) return undefined; // end or scan data before any frame
    offset += 2 + length;
  }
  return 'truncated';
}
