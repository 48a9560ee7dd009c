// Reasoning continuity across turns. On the Responses API (store: false) the model's reasoning
// comes back encrypted; the proxy hands it to the client inside the signature of a thinking block
// (or the data of a redacted_thinking block), and Claude Code echoes that block back next turn.
// The signature is HMAC-signed, so a block the proxy did not make (Anthropic's own, or forged)
// is recognised and never sent upstream. Encrypted reasoning is only valid where it was made:
// the signature names the provider, and it goes back to that provider only.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { DEFAULT_PROVIDER_NAME } from '../routing/providers';

const PREFIX = 'cop1.';

export interface ReasoningPayload {
  /** OpenAI's encrypted_content of the reasoning item, when there is one. */
  encrypted?: string;
  /** The reasoning summary parts, as shown to the user. */
  summary: string[];
}

export class ReasoningSigner {
  /** `provider`: the one whose reasoning this signer signs, and the only one it returns encrypted
   *  reasoning for. */
  constructor(private readonly key: Buffer, readonly provider: string = DEFAULT_PROVIDER_NAME) {}

  /** The same key, for the reasoning of another provider. */
  forProvider(provider: string): ReasoningSigner {
    return provider === this.provider ? this : new ReasoningSigner(this.key, provider);
  }

  sign(payload: ReasoningPayload): string {
    const body = Buffer.from(JSON.stringify({ e: payload.encrypted, s: payload.summary, p: this.provider })).toString('base64url');
    return `${PREFIX}${body}.${this.mac(body)}`;
  }

  /** The payload, or undefined when the signature is not one this proxy made with this key. Its
   *  encrypted reasoning is left out when another provider made it (signatures from before
   *  providers name none: they came from the one provider there was, "openai"). */
  verify(signature: string | undefined): ReasoningPayload | undefined {
    if (!signature?.startsWith(PREFIX)) return undefined;
    const dot = signature.lastIndexOf('.');
    if (dot <= PREFIX.length) return undefined;
    const body = signature.slice(PREFIX.length, dot);
    const given = Buffer.from(signature.slice(dot + 1));
    const expected = Buffer.from(this.mac(body));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    try {
      const decoded = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as { e?: unknown; s?: unknown; p?: unknown };
      const summary = Array.isArray(decoded.s) ? decoded.s.filter((part): part is string => typeof part === 'string') : [];
      const madeBy = typeof decoded.p === 'string' ? decoded.p : DEFAULT_PROVIDER_NAME;
      return { encrypted: typeof decoded.e === 'string' && madeBy === this.provider ? decoded.e : undefined, summary };
    } catch {
      return undefined;
    }
  }

  private mac(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}
