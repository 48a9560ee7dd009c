// Redaction of the request and response bodies the dashboard shows. The OpenAI key and the proxy
// token must never reach the webview: every string in the bodies loses the known secrets (whole
// and masked, as the proxy's log does), anything shaped like an OpenAI/Anthropic key or a proxy
// token, bearer credentials, and the value of any field named like a credential. Very long strings
// (base64 images, encrypted reasoning) are shortened for display. No `vscode` import: unit-tested.
import { redact } from '../../proxy';

export const REDACTED = '[redacted]';

/** Strings longer than this are cut (after redaction) with a note saying how much is left out. */
export const MAX_STRING_CHARS = 64 * 1024;

/** Field names whose string values are credentials, whatever they hold (a tool schema's
 *  `password` property, an object, stays). */
const CREDENTIAL_FIELD = /^(authorization|proxy-authorization|x-api-key|api[-_]?key|openai[-_]?api[-_]?key|anthropic[-_]?(api[-_]?key|auth[-_]?token)|auth[-_]?token|access[-_]?token|refresh[-_]?token|client[-_]?secret|secret|password|passwd)$/i;

/** Credential-shaped text: OpenAI (sk-, sk-proj-) and Anthropic (sk-ant-) keys, this proxy's
 *  tokens (cop-), and bearer credentials. */
const CREDENTIAL_PATTERNS: RegExp[] = [
  /\bsk-[A-Za-z0-9_-]{16,}/g,
  /\bcop-[A-Za-z0-9_-]{16,}/g,
  /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{12,}/g,
];

/** Redacts one piece of text: the given secrets, then credential-shaped text. */
export function redactText(text: string, secrets: readonly (string | undefined)[]): string {
  let result = redact(text, [...secrets]);
  for (const pattern of CREDENTIAL_PATTERNS) {
    result = result.replace(pattern, (_match, scheme?: string) => (typeof scheme === 'string' && /^(Bearer|Basic)$/.test(scheme) ? `${scheme} ${REDACTED}` : REDACTED));
  }
  return result;
}

/** A deep copy of a JSON-like value with every string redacted and shortened, and credential
 *  fields blanked. Cycles and non-JSON values (functions, symbols) are dropped. */
export function redactValue(value: unknown, secrets: readonly (string | undefined)[], maxString = MAX_STRING_CHARS): unknown {
  const seen = new WeakSet<object>();
  const visit = (node: unknown, key: string | undefined): unknown => {
    if (key !== undefined && typeof node === 'string' && node !== '' && CREDENTIAL_FIELD.test(key)) return REDACTED;
    if (typeof node === 'string') return shorten(redactText(node, secrets), maxString);
    if (node === null || typeof node === 'number' || typeof node === 'boolean') return node;
    if (typeof node === 'bigint') return node.toString();
    if (typeof node !== 'object') return undefined;
    if (seen.has(node)) return '[circular]';
    seen.add(node);
    try {
      if (Array.isArray(node)) return node.map((item) => visit(item, undefined) ?? null);
      const copy: Record<string, unknown> = {};
      for (const [name, item] of Object.entries(node as Record<string, unknown>)) {
        const cleaned = visit(item, name);
        if (cleaned !== undefined) copy[redactText(name, secrets)] = cleaned;
      }
      return copy;
    } finally {
      seen.delete(node);
    }
  };
  return visit(value, undefined);
}

function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}… [${text.length - max} more characters not shown]`;
}

export interface RedactedExchange {
  /** What Claude Code sent (Anthropic Messages API), pretty JSON. */
  request: string;
  /** What the proxy sent to OpenAI, pretty JSON. */
  upstreamRequest: string;
  /** The answer as Claude Code got it (an Anthropic message), pretty JSON. */
  response: string;
}

/** The three bodies of a request record, redacted, as pretty-printed JSON texts. The final texts
 *  are redacted once more, so a secret split across JSON escapes cannot slip through. */
export function redactExchange(exchange: { request: unknown; upstreamRequest: unknown; response: unknown }, secrets: readonly (string | undefined)[]): RedactedExchange {
  const text = (value: unknown) => (value === undefined ? 'null' : redactText(JSON.stringify(redactValue(value, secrets), null, 2) ?? 'null', secrets));
  return { request: text(exchange.request), upstreamRequest: text(exchange.upstreamRequest), response: text(exchange.response) };
}
