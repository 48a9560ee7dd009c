// Starts the strict fake OpenAI server and a proxy in front of it, for HTTP-level tests.
import Anthropic from '@anthropic-ai/sdk';
import type { RouteTableInput } from '../../src/proxy/routing/table';
import { defaultRouteTable } from '../../src/proxy/routing/table';
import type { RequestRecord } from '../../src/proxy/server/context';
import type { LogLevel } from '../../src/proxy/server/logger';
import { ProxyServer, type ProxyOptions } from '../../src/proxy/server/proxy-server';
import type { UpstreamTransport } from '../../src/proxy/transport/client';
import { startFakeOpenAI, type FakeOpenAI } from '../fake-openai';

export const PROXY_TOKEN = 'test-proxy-token-0123456789';

export interface Harness {
  fake: FakeOpenAI;
  proxy: ProxyServer;
  url: string;
  anthropic: Anthropic;
  logLines: string[];
  records: RequestRecord[];
  close(): Promise<void>;
}

/** Both default-table routes and one of each API on other models, for the tests. */
export const testRoutes: RouteTableInput = {
  routes: [
    ...defaultRouteTable.routes,
    { name: 'claude-chat-classic', model: 'gpt-4.1', api: 'chat', maxOutputTokens: 4096 },
    { name: 'claude-responses-mini', model: 'gpt-5-mini', api: 'responses', maxOutputTokens: 4096 },
  ],
  webSearchRoute: defaultRouteTable.webSearchRoute,
};

export async function startHarness(options: Partial<ProxyOptions> & { logLevel?: LogLevel } = {}): Promise<Harness> {
  const fake = await startFakeOpenAI();
  const logLines: string[] = [];
  const records: RequestRecord[] = [];
  const proxy = new ProxyServer({
    token: PROXY_TOKEN,
    openaiApiKey: fake.apiKey,
    openaiBaseUrl: fake.url,
    routes: testRoutes,
    port: 0,
    retryPolicy: { retries: 2, baseDelayMs: 10 },
    logger: {
      debug: (line) => logLines.push(line),
      info: (line) => logLines.push(line),
      warn: (line) => logLines.push(line),
      error: (line) => logLines.push(line),
    },
    onRequestEnd: (record) => records.push(record),
    // CLAUDE_PROXY_TEST_UPSTREAM_TRANSPORT=fetch runs the suite over the runtime's fetch, the way
    // the extension calls OpenAI inside VS Code.
    upstreamTransport: process.env.CLAUDE_PROXY_TEST_UPSTREAM_TRANSPORT as UpstreamTransport | undefined,
    ...options,
  });
  const url = await proxy.start();
  const anthropic = new Anthropic({ baseURL: url, authToken: PROXY_TOKEN, maxRetries: 0 });
  return {
    fake, proxy, url, anthropic, logLines, records,
    async close() {
      await proxy.stop();
      await fake.close();
    },
  };
}

export interface SseEvent { event: string; data: any }

/** The SSE frames of a text, parsed; throws on a frame whose data is not JSON (a malformed answer). */
export function parseSse(text: string): SseEvent[] {
  return text.split('\n\n').filter((frame) => frame.trim()).map((frame) => {
    const event = /^event: (.*)$/m.exec(frame)?.[1] ?? '';
    const data = /^data: (.*)$/m.exec(frame)?.[1];
    return { event, data: data === undefined ? undefined : JSON.parse(data) };
  });
}

/** Raw SSE events of a streamed proxy answer, parsed. */
export async function sseEvents(response: Response): Promise<SseEvent[]> {
  return parseSse(await response.text());
}

export function post(url: string, path: string, body: unknown, headers: Record<string, string> = { authorization: `Bearer ${PROXY_TOKEN}` }): Promise<Response> {
  return fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

/** Polls a condition every 10 ms, failing after timeoutMs. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
