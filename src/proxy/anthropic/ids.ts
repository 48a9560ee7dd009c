// Random ids for messages and tool calls: 96 random bits, base64url. One randomBytes() call
// fills a pool for 256 ids: a call per id cost ~2 µs (up to 2% of the proxy's busy time in a
// `npm run bench` profile), an id from the pool ~0.1 µs.
import { randomBytes } from 'node:crypto';

const ID_BYTES = 12;
const POOL_BYTES = ID_BYTES * 256;
let pool = Buffer.alloc(0);
let offset = 0;

function randomPart(): string {
  if (offset + ID_BYTES > pool.length) {
    pool = randomBytes(POOL_BYTES);
    offset = 0;
  }
  const part = pool.toString('base64url', offset, offset + ID_BYTES);
  offset += ID_BYTES;
  return part;
}

export function randomMessageId(): string {
  return `msg_${randomPart()}`;
}

/** For servers that stream a tool call without an id. */
export function randomToolId(): string {
  return `toolu_${randomPart()}`;
}

/** Ids of the server tool calls (web searches) the proxy reports, as Anthropic names them. */
export function randomServerToolId(): string {
  return `srvtoolu_${randomPart()}`;
}
