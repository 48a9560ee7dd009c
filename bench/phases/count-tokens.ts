// count_tokens: capture 05 (38 KB, 9 tools): 50 sequential identical requests (warm: the counter
// caches long strings), 15 with every long string made unique (cold), and bursts of 13
// concurrent requests, sharing system and tools or all distinct (the worst case).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { json, now, post, summarize } from '../lib';
import type { Bench } from '../processes';
import { FIXTURES, log } from '../settings';
import { eventLoopDuring } from './thread';

const COUNT_PATH = '/v1/messages/count_tokens?beta=true';

type Block = { type: string; text?: string };
/** The parts of a count_tokens request that uncached() changes. */
interface CountBody {
  system?: string | Block[];
  tools?: { description?: string; input_schema?: Record<string, unknown> }[];
  messages: { role: string; content: string | Block[] }[];
}

/** Changes every long string the token counter caches, so the request is counted from scratch. */
function uncached(body: CountBody, nonce: string, question?: string): CountBody {
  const copy = structuredClone(body);
  if (Array.isArray(copy.system)) copy.system = copy.system.map((block) => ({ ...block, text: `${nonce} ${block.text}` }));
  copy.tools = copy.tools?.map((tool) => ({ ...tool, description: `${nonce} ${tool.description ?? ''}`, input_schema: { ...tool.input_schema, 'x-bench': nonce } }));
  copy.messages = copy.messages.map((message) => ({
    ...message,
    content: typeof message.content === 'string'
      ? `${nonce} ${message.content}`
      : message.content.map((block) => (block.type === 'text' ? { ...block, text: `${nonce} ${block.text}` } : block)),
  }));
  if (question) copy.messages.push({ role: 'assistant', content: 'ok' }, { role: 'user', content: question });
  return copy;
}

export async function measureCountTokens(bench: Bench) {
  log('count_tokens: fixture 05 (38 KB, 9 tools)');
  const countBody = (JSON.parse(readFileSync(join(FIXTURES, '05-count-tokens-with-tools.json'), 'utf8')) as { body: CountBody }).body;
  let errors = 0;
  let tokens = 0;
  const count = async (body: Buffer) => {
    const reply = await post(bench.proxied, COUNT_PATH, body);
    if (reply.status !== 200) errors++;
    return reply;
  };
  const warm = json(countBody);
  const warmTimes: number[] = [];
  for (let i = 0; i < 50; i++) {
    const reply = await count(warm);
    if (reply.status === 200) tokens = (JSON.parse(reply.text) as { input_tokens: number }).input_tokens;
    warmTimes.push(reply.ms);
  }
  const coldTimes: number[] = [];
  for (let i = 0; i < 15; i++) coldTimes.push((await count(json(uncached(countBody, `cold${i}-${Date.now()}`)))).ms);
  /** Five bursts of 13 concurrent requests; the time each burst took. */
  const burst = async (distinct: boolean) => {
    const times: number[] = [];
    for (let round = 0; round < 5; round++) {
      const nonce = `burst${round}-${distinct}-${Date.now()}`;
      const bodies = Array.from({ length: 13 }, (_, i) => json(uncached(countBody, distinct ? `${nonce}-${i}` : nonce, `question ${i}`)));
      const started = now();
      await Promise.all(bodies.map(count));
      times.push(now() - started);
    }
    return summarize(times);
  };
  const shared = await burst(false);
  // The distinct bursts are the worst case for the thread too: the probe watches them.
  const distinct = await eventLoopDuring(bench, () => burst(true));
  const countTokens = {
    inputTokens: tokens,
    warmMs: summarize(warmTimes),
    coldMs: summarize(coldTimes),
    burst13SharedPrefixMs: shared,
    burst13AllDistinctMs: distinct.result,
    errors,
  };
  return { countTokens, held: distinct.held };
}
