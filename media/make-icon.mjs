// Draws media/icon.png (128x128): two overlapping discs (Claude orange, OpenAI green) joined by an
// arrow on a dark rounded square. Plain Node (zlib), no image library: `node media/make-icon.mjs`.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const size = 128;
const pixels = Buffer.alloc(size * size * 4);

const clamp = (value) => Math.max(0, Math.min(1, value));
const cover = (distance) => clamp(0.5 - distance); // anti-aliased coverage of a signed distance

function roundedSquare(x, y, half, radius) {
  const qx = Math.abs(x) - half + radius;
  const qy = Math.abs(y) - half + radius;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - radius;
}

function blend(index, [r, g, b], alpha) {
  const a0 = pixels[index + 3] / 255;
  const a = alpha + a0 * (1 - alpha);
  if (a === 0) return;
  for (const [offset, value] of [[0, r], [1, g], [2, b]]) {
    pixels[index + offset] = Math.round((value * alpha + pixels[index + offset] * a0 * (1 - alpha)) / a);
  }
  pixels[index + 3] = Math.round(a * 255);
}

for (let py = 0; py < size; py++) {
  for (let px = 0; px < size; px++) {
    const x = px + 0.5 - size / 2;
    const y = py + 0.5 - size / 2;
    const index = (py * size + px) * 4;
    blend(index, [32, 33, 36], cover(roundedSquare(x, y, 62, 22)));
    blend(index, [217, 119, 87], 0.95 * cover(Math.hypot(x + 18, y) - 30)); // Claude orange
    blend(index, [16, 163, 127], 0.85 * cover(Math.hypot(x - 18, y) - 30)); // OpenAI green
    // the arrow: a bar and a head, pointing right
    const bar = Math.max(Math.abs(y) - 4.5, Math.abs(x + 6) - 22);
    const head = Math.max(x - 28, Math.abs(y) - (28 - x) * 0.8, 12 - x);
    blend(index, [255, 255, 255], cover(Math.min(bar, head)));
  }
}

function chunk(type, data) {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function crc32(buffer) {
  let crc = ~0;
  for (const byte of buffer) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

const header = Buffer.alloc(13);
header.writeUInt32BE(size, 0);
header.writeUInt32BE(size, 4);
header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
const rows = Buffer.alloc(size * (size * 4 + 1));
for (let row = 0; row < size; row++) pixels.copy(rows, row * (size * 4 + 1) + 1, row * size * 4, (row + 1) * size * 4);
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(rows, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
writeFileSync(new URL('./icon.png', import.meta.url), png);
console.log(`media/icon.png: ${png.length} bytes`);
