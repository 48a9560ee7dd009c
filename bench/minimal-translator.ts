// Reference for the throughput figures: the least a translating hop can do. It reads an Anthropic
// request, turns its plain-text messages into an OpenAI Chat request, calls the fake and answers
// in Anthropic's shape: no validation, routing, tools, streaming, errors or logging. Run by
// processes.ts in its own process, twice:
// - UPSTREAM_CLIENT=node-http: the call goes out with node:http, as bytes;
// - UPSTREAM_CLIENT=openai-sdk: the same call through the openai SDK, made as the proxy makes it
//   (over the proxy's own node:http fetch, the body as bytes).
// The gap between the two is what the SDK costs per call, which no proxy built on it can avoid.
import { Agent, createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { createNodeHttpFetch } from '../src/proxy/transport/node-http-fetch';

const upstream = new URL(process.env.UPSTREAM ?? ''); // the fake's base URL, with /v1
const apiKey = process.env.OPENAI_API_KEY ?? '';
const useSdk = process.env.UPSTREAM_CLIENT === 'openai-sdk';
const agent = new Agent({ keepAlive: true, maxSockets: 256 });
const sdk = new OpenAI({ apiKey, baseURL: upstream.href, maxRetries: 0, fetch: createNodeHttpFetch({ http: agent, https: undefined as never }) });
const JSON_CONTENT = { 'content-type': 'application/json' };

interface AnthropicRequest { max_tokens: number; messages: { role: 'user' | 'assistant'; content: string }[] }
interface ChatAnswer { id: string; choices: { message: { content: string | null } }[]; usage: { prompt_tokens: number; completion_tokens: number } }

function readAll(stream: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    stream.on('error', reject);
  });
}

function callWithNodeHttp(chat: object): Promise<ChatAnswer> {
  const body = Buffer.from(JSON.stringify(chat));
  return new Promise((resolve, reject) => {
    const out = request({
      host: upstream.hostname, port: upstream.port, method: 'POST', path: `${upstream.pathname}/chat/completions`, agent,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}`, 'content-length': body.length },
    }, (answer) => {
      readAll(answer).then((text) => resolve(JSON.parse(text) as ChatAnswer), reject);
    });
    out.on('error', reject);
    out.end(body);
  });
}

/** Answers one request; never rejects (a failed call becomes a 502). */
async function translate(req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const anthropic = JSON.parse(await readAll(req)) as AnthropicRequest;
    const chat = { model: 'gpt-5-mini', max_completion_tokens: anthropic.max_tokens, messages: anthropic.messages.map(({ role, content }) => ({ role, content })) };
    const answer = useSdk
      ? await sdk.post<ChatAnswer>('/chat/completions', { body: Buffer.from(JSON.stringify(chat)), headers: JSON_CONTENT })
      : await callWithNodeHttp(chat);
    const text = JSON.stringify({
      id: `msg_${answer.id}`, type: 'message', role: 'assistant', model: 'claude-haiku-4-5',
      content: [{ type: 'text', text: answer.choices[0].message.content ?? '' }], stop_reason: 'end_turn', stop_sequence: null,
      usage: { input_tokens: answer.usage.prompt_tokens, output_tokens: answer.usage.completion_tokens },
    });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  } catch (error) {
    res.writeHead(502, { 'content-type': 'text/plain' });
    res.end(String(error));
  }
}

const server = createServer({ keepAlive: true, noDelay: true }, (req, res) => void translate(req, res));
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`Claude proxy listening on http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => process.exit(0));
