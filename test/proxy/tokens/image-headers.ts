// Headers of PNG, JPEG, GIF and WebP images of a given size: enough for the size reader.
import type { ContentBlock } from '../../../src/proxy/anthropic/schema';

export function pngHeader(width: number, height: number): string {
  const b = Buffer.alloc(33);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(b, 0);
  b.writeUInt32BE(13, 8);
  b.write('IHDR', 12, 'latin1');
  b.writeUInt32BE(width, 16);
  b.writeUInt32BE(height, 20);
  b.set([8, 6, 0, 0, 0], 24); // 8-bit RGBA; the CRC (bytes 29-32) is left zero
  return b.toString('base64');
}

export function jpegHeader(width: number, height: number, paddingSegments = 0): string {
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

export function gifHeader(width: number, height: number): string {
  const b = Buffer.alloc(16);
  b.write('GIF89a', 0, 'latin1');
  b.writeUInt16LE(width, 6);
  b.writeUInt16LE(height, 8);
  return b.toString('base64');
}

export function webpHeader(kind: 'VP8 ' | 'VP8L' | 'VP8X', width: number, height: number): string {
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

export const imageBlock = (data: string, media_type = 'image/png'): ContentBlock =>
  ({ type: 'image', source: { type: 'base64', media_type, data } });
