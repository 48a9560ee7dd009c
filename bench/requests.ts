// The requests the bench sends, each with the equivalent OpenAI request: the one the proxy
// actually sent upstream for it, fetched back from the fake, so both sides ask the same thing.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { json, post, sleep } from './lib';
import type { Bench } from './processes';
import { FIXTURES } from './settings';

export type Upstream = { path: string; body: Buffer };
/** An Anthropic request for the proxy and the OpenAI request it becomes, for the direct side. */
export type PairedCase = { proxied: Buffer; direct: Upstream };
/** A captured Claude Code request body: sent as it is, apart from `stream`. */
export type AnthropicBody = Record<string, unknown>;
export type Fixture = { file: string; body: AnthropicBody };

export interface Requests {
  smallChat: PairedCase;
  smallResponses: PairedCase;
  /** Claude Code captures 01, 02, 03 (76-115 KB, 24 tools) */
  fixtures: Fixture[];
  /** the same sent without `stream` */
  largeCases: (PairedCase & { file: string })[];
}

export const small = (model: string) => ({ model, max_tokens: 256, messages: [{ role: 'user', content: 'Say hello.' }] });

/** Sends the Anthropic request through the proxy once and returns what the proxy sent upstream. */
export async function equivalent(bench: Bench, anthropic: Buffer, expect = 200): Promise<Upstream> {
  const reply = await post(bench.proxied, '/v1/messages', anthropic);
  if (reply.status !== expect) throw new Error(`proxied request failed: ${reply.status} ${reply.text.slice(0, 300)}`);
  await sleep(20);
  const last = await bench.fake.rpc.call<{ path: string; body: unknown }>('last');
  return { path: last.path, body: json(last.body) };
}

export async function prepareRequests(bench: Bench): Promise<Requests> {
  const smallChat = json(small('claude-haiku-4-5'));
  const smallResponses = json(small('claude-sonnet-4-5'));
  const requests: Requests = {
    smallChat: { proxied: smallChat, direct: await equivalent(bench, smallChat) },
    smallResponses: { proxied: smallResponses, direct: await equivalent(bench, smallResponses) },
    fixtures: ['01-p-hello-default-opus-stream.json', '02-p-bash-tool-followup-tool_result.json', '03-p-model-haiku-thinking-budget.json'].map((file) => {
      const { body } = JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as { body: AnthropicBody };
      return { file, body };
    }),
    largeCases: [],
  };
  for (const { file, body } of requests.fixtures) {
    const whole = { ...body };
    delete whole.stream;
    const proxiedBody = json(whole);
    requests.largeCases.push({ file, proxied: proxiedBody, direct: await equivalent(bench, proxiedBody) });
  }
  return requests;
}
