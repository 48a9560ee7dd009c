// What one upstream call costs the proxy's process, by transport: the openai SDK as the proxy
// uses it (global fetch = undici), the SDK with a node:http fetch, and a bare node:http
// request. CPU time per call in this process, against the fake in its own process, at
// concurrency 16, streamed and not. Usage: node --import tsx bench/transport.ts
import { Agent, request } from 'node:http';
import { Readable } from 'node:stream';
import OpenAI from 'openai';
import { forkTs, Rpc } from './lib';
import { join } from 'node:path';

const body = { model: 'gpt-5-mini', messages: [{ role: 'user', content: 'Say hello.' }], max_completion_tokens: 256 };
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

/** A WHATWG fetch over node:http with a keep-alive agent: enough for the SDK's needs. */
const nodeFetch: typeof fetch = (input, init) => new Promise((resolve, reject) => {
  const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
  const headers: Record<string, string> = {};
  new Headers(init?.headers).forEach((value, key) => { headers[key] = value; });
  const req = request(url, { method: init?.method ?? 'GET', headers, agent, signal: init?.signal ?? undefined }, (res) => {
    const responseHeaders = new Headers();
    for (const [key, value] of Object.entries(res.headers)) if (value !== undefined) responseHeaders.set(key, Array.isArray(value) ? value.join(', ') : value);
    resolve(new Response(Readable.toWeb(res) as ReadableStream, { status: res.statusCode, headers: responseHeaders }));
  });
  req.on('error', reject);
  req.end(init?.body as string | undefined);
});

async function main(): Promise<void> {
  const rpc = new Rpc(forkTs(join(__dirname, 'fake-process.ts'), join(__dirname, '..')));
  const fake = await rpc.ready as { url: string; apiKey: string };
  const sdk = new OpenAI({ apiKey: fake.apiKey, baseURL: fake.url, maxRetries: 0 });
  const sdkNodeFetch = new OpenAI({ apiKey: fake.apiKey, baseURL: fake.url, maxRetries: 0, fetch: nodeFetch });
  const raw = (stream: boolean) => new Promise<void>((resolve, reject) => {
    const text = JSON.stringify({ ...body, stream });
    const req = request(`${fake.url}/chat/completions`, { method: 'POST', agent, headers: { authorization: `Bearer ${fake.apiKey}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) } }, (res) => {
      let all = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => { all += chunk; });
      res.on('end', () => {
        if (!stream) JSON.parse(all);
        else for (const line of all.split('\n')) if (line.startsWith('data: {')) JSON.parse(line.slice(6));
        resolve();
      });
    });
    req.on('error', reject);
    req.end(text);
  });
  const viaSdk = (client: OpenAI) => async (stream: boolean) => {
    if (!stream) {
      await client.chat.completions.create({ ...body, stream: false } as never);
      return;
    }
    const chunks = await client.chat.completions.create({ ...body, stream: true, stream_options: { include_usage: true } } as never) as unknown as AsyncIterable<unknown>;
    for await (const _chunk of chunks) { /* consume */ }
  };
  const cases: [string, (stream: boolean) => Promise<void>][] = [
    ['openai SDK, global fetch (undici)', viaSdk(sdk)],
    ['openai SDK, node:http fetch', viaSdk(sdkNodeFetch)],
    ['node:http request + JSON.parse', raw],
  ];
  for (const stream of [false, true]) {
    for (const [name, call] of cases) {
      for (let i = 0; i < 200; i++) await call(stream); // warm-up
      const calls = 3000;
      let next = 0;
      const cpu = process.cpuUsage();
      const started = performance.now();
      await Promise.all(Array.from({ length: 16 }, async () => { while (next++ < calls) await call(stream); }));
      const used = process.cpuUsage(cpu);
      const wall = performance.now() - started;
      process.stdout.write(`${stream ? 'stream' : 'whole '}  ${name.padEnd(36)} ${((used.user + used.system) / 1000 / calls).toFixed(3)} ms CPU per call, ${(calls / wall * 1000).toFixed(0)} calls/s\n`);
    }
  }
  await rpc.call('close');
}

void main();
