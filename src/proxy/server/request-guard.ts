// Who may talk to the proxy. It listens on loopback and holds an OpenAI key that costs money, so
// web pages the user visits must not reach it: a DNS-rebinding page arrives with a foreign Host
// header, and any browser request carries an Origin header (Claude Code, a Node client, never does).
import type { IncomingMessage } from 'node:http';
import { AnthropicError } from '../anthropic/errors';

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export class RequestGuard {
  private readonly allowedHosts: Set<string>;

  /** @param bindHost the address the server listens on; when it is not loopback it is allowed too. */
  constructor(bindHost: string, extraHosts: readonly string[] = []) {
    this.allowedHosts = new Set([...LOOPBACK_NAMES, bindHost.toLowerCase(), ...extraHosts.map((host) => host.toLowerCase())]);
  }

  /** Throws the error to answer with, or returns when the request may go on. */
  check(request: IncomingMessage): void {
    const host = hostName(request.headers.host);
    if (host === undefined || (!this.allowedHosts.has(host) && !/^127(\.\d{1,3}){3}$/.test(host))) {
      throw new AnthropicError('permission_error', `Host "${request.headers.host ?? ''}" is not allowed: the proxy answers only loopback names`);
    }
    if (request.method === 'OPTIONS') {
      throw new AnthropicError('permission_error', 'Cross-origin requests are not allowed', { status: 405 });
    }
    if (request.headers.origin !== undefined) {
      throw new AnthropicError('permission_error', 'Requests from web pages (with an Origin header) are not allowed');
    }
  }
}

/** The name part of a Host header: "localhost:4000" -> "localhost", "[::1]:4000" -> "[::1]". */
function hostName(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const value = header.trim().toLowerCase();
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    return end === -1 ? undefined : value.slice(0, end + 1);
  }
  const colon = value.indexOf(':');
  return colon === -1 ? value : value.slice(0, colon);
}
