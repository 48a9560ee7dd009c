// Clients present the proxy's own token: Claude Code sends `Authorization: Bearer` for
// ANTHROPIC_AUTH_TOKEN and `x-api-key` for ANTHROPIC_API_KEY (both when both are set).
import * as crypto from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export class TokenCheck {
  private readonly expected: Buffer;

  constructor(token: string) {
    this.expected = digest(token);
  }

  accepts(headers: IncomingHttpHeaders): boolean {
    const apiKey = headers['x-api-key'];
    const authorization = headers.authorization;
    const bearer = typeof authorization === 'string' && /^bearer\s+/i.test(authorization) ? authorization.replace(/^bearer\s+/i, '') : undefined;
    return this.matches(typeof apiKey === 'string' ? apiKey : undefined) || this.matches(bearer);
  }

  // Comparing fixed-length digests keeps the comparison constant-time whatever the input length.
  private matches(candidate: string | undefined): boolean {
    return candidate !== undefined && crypto.timingSafeEqual(digest(candidate), this.expected);
  }
}

// The one-shot `crypto.hash` (Node 20.12+) makes no Hash object per request; older runtimes
// (an editor on an older Electron) take the classic route.
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'buffer') => Buffer }).hash;

function digest(value: string): Buffer {
  return oneShot ? oneShot('sha256', value, 'buffer') : crypto.createHash('sha256').update(value).digest();
}
