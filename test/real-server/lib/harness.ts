// The headless proxy (dist/cli.js) in front of a real llama-server running the tiny model: one
// route per API, both to the same server.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHeadlessProxy, type HeadlessProxy } from '../../helpers/processes';
import { tinyModelPath } from '../model/tiny-model';
import { installLlamaServer, startLlamaServer, type LlamaServer } from './llama-server';

export const PROXY_TOKEN = 'real-server-proxy-token-0123456789';
export const ROUTES = { chat: 'claude-llama-chat', responses: 'claude-llama-responses' } as const;
export type Api = keyof typeof ROUTES;
/** llama-server ignores the model name; the proxy's log shows it. */
const MODEL = 'tiny-llama';

export interface RealServer {
  llama: LlamaServer;
  proxy: HeadlessProxy;
  close: () => Promise<void>;
}

export async function startRealServer(contextSize: number): Promise<RealServer | { unavailable: string }> {
  const installed = await installLlamaServer();
  if (installed.unavailable !== undefined) return { unavailable: installed.unavailable };
  const llama = await startLlamaServer(installed.home, { model: tinyModelPath(), contextSize, apiKey: `llama-key-${process.pid}` });
  const route = (name: string, api: Api) => ({ name, model: MODEL, api, contextWindow: contextSize, maxOutputTokens: 256, reasoning: false });
  const config = join(mkdtempSync(join(tmpdir(), 'real-server-routes-')), 'routes.json');
  writeFileSync(config, JSON.stringify({ routes: [route(ROUTES.chat, 'chat'), route(ROUTES.responses, 'responses')], defaultRoute: ROUTES.chat }));
  let proxy: HeadlessProxy;
  try {
    proxy = await startHeadlessProxy({ OPENAI_API_KEY: llama.apiKey, OPENAI_BASE_URL: llama.baseUrl, CLAUDE_PROXY_TOKEN: PROXY_TOKEN, CLAUDE_PROXY_CONFIG: config });
  } catch (error) {
    await llama.stop();
    throw error;
  }
  return { llama, proxy, close: async () => { await proxy.stop(); await llama.stop(); } };
}

/** The status of every request line in the proxy's log. */
export function loggedStatuses(log: string): { line: string; status: number }[] {
  return [...log.matchAll(/^\S+ INFO ((?:GET|POST|HEAD|PUT|DELETE) \S+.*? (\d{3}) \d+ms.*)$/gm)]
    .map((match) => ({ line: match[1], status: Number(match[2]) }));
}
