import { randomBytes } from 'node:crypto';
import type { Usage } from './types';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function alnum(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += ALNUM[b % ALNUM.length];
  return out;
}

export const hex = (bytes: number) => randomBytes(bytes).toString('hex');

export const ids = {
  chatCompletion: () => `chatcmpl-${alnum(29)}`,
  toolCall: () => `call_${alnum(24)}`,
  response: () => `resp_${hex(24)}`,
  message: () => `msg_${hex(24)}`,
  reasoning: () => `rs_${hex(24)}`,
  functionCall: () => `fc_${hex(24)}`,
  webSearch: () => `ws_${hex(24)}`,
  request: () => `req_${hex(16)}`,
  fingerprint: () => `fp_${hex(5)}`,
  /** looks like OpenAI's Fernet tokens */
  encrypted: () => `gAAAAAB${randomBytes(96).toString('base64url')}`,
};

export const nowSeconds = () => Math.floor(Date.now() / 1000);

export const estimateTokens = (text: string) => Math.max(1, Math.ceil(text.length / 4));

export const isObject = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface TokenCounts {
  input: number;
  cached: number;
  output: number;
  reasoning: number;
}

/** Fills in what the script did not give: input from the request size, output from the produced text. */
export function resolveUsage(usage: Usage | undefined, requestText: string, visibleText: string, reasoningText: string): TokenCounts {
  const reasoning = usage?.reasoning ?? (reasoningText ? estimateTokens(reasoningText) + 16 : 0);
  const input = usage?.input ?? estimateTokens(requestText);
  return {
    input,
    cached: Math.min(usage?.cached ?? 0, input),
    reasoning,
    output: usage?.output ?? (visibleText ? estimateTokens(visibleText) : 0) + reasoning,
  };
}
