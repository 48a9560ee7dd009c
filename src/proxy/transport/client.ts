// The one place that talks to OpenAI: the official `openai` SDK, loaded lazily (it is the
// heaviest module in the bundle and activation must stay cheap), with the SDK's own retries off
// because the proxy retries itself (see retry.ts).
import { Agent as HttpAgent } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import type OpenAI from 'openai';
import { createNodeHttpFetch } from './node-http-fetch';

export interface UpstreamSettings {
  /** OpenAI or any OpenAI-compatible server, including the /v1 suffix where the server has one. */
  baseURL: string;
  apiKey: string | undefined;
  /** Whole-request timeout for one upstream call. */
  timeoutMs: number;
  /** How calls go out: 'node-http', the proxy's own fetch over keep-alive agents; or 'fetch',
   *  the runtime's fetch. Default: defaultTransport(). */
  transport?: UpstreamTransport;
}

export type UpstreamTransport = 'node-http' | 'fetch';

/**
 * The proxy's own connections cost about half the CPU per call of the runtime's fetch. Inside VS
 * Code (Electron) they are used only for a server on this machine: for any other host, the
 * editor's proxy support replaces a request's agent with its own (so connections are not
 * reused), while its fetch applies the proxy settings and keeps connections alive. Loopback
 * hosts are always direct there, and keep the agent they were given.
 */
export function defaultTransport(baseURL: string, inElectron = Boolean(process.versions.electron)): UpstreamTransport {
  if (!inElectron) return 'node-http';
  let host: string;
  try {
    host = new URL(baseURL).hostname;
  } catch {
    return 'fetch';
  }
  return host === 'localhost' || host === '127.0.0.1' ? 'node-http' : 'fetch';
}

export const OPENAI_BASE_URL = 'https://api.openai.com/v1';

let sdk: Promise<typeof OpenAI> | undefined;

/** The SDK's module, loaded once. Its error classes must come from this same copy: the package
 *  ships CommonJS and ESM builds, and `instanceof` fails across them. */
export function loadOpenAISdk(): Promise<typeof OpenAI> {
  sdk ??= import('openai').then((module) => module.default);
  return sdk;
}

/**
 * The connections of one UpstreamClient: keep-alive agents for node:http and node:https, used by a
 * `fetch` over them (node-http-fetch.ts) that costs the proxy less CPU per call than Node's own
 * (undici) fetch, and closed when the proxy stops. Inside VS Code it is used only for a loopback
 * server (see defaultTransport); otherwise the SDK uses the global fetch (transport 'fetch').
 */
interface Pool {
  fetch: typeof fetch;
  agents: { http: HttpAgent; https: HttpsAgent };
}

/** Idle keep-alive sockets are closed after this long, before a server closes them (Node's
 *  server waits 5 s): a request sent on a socket the server is closing fails. Server hints
 *  (`Keep-Alive: timeout=N`) shorten it further. */
const IDLE_SOCKET_MS = 4000;

function createPool(transport: UpstreamTransport): Pool | undefined {
  if (transport === 'fetch') return undefined;
  const agents = {
    http: new HttpAgent({ keepAlive: true, timeout: IDLE_SOCKET_MS }),
    // node:https (with TLS) costs about 5 MB of RSS: loaded with the first upstream call, not at start.
    https: new (process.getBuiltinModule('node:https').Agent)({ keepAlive: true, timeout: IDLE_SOCKET_MS }),
  };
  return { fetch: createNodeHttpFetch(agents), agents };
}

/** Resolves once every socket of the agents is closed. */
function closedSockets(agents: Pool['agents']): Promise<void> {
  const sockets = [agents.http, agents.https].flatMap((agent) => [...Object.values(agent.sockets), ...Object.values(agent.freeSockets)].flat())
    .filter((socket) => socket !== undefined && !socket.destroyed);
  return Promise.all(sockets.map((socket) => new Promise<void>((resolve) => socket!.once('close', () => resolve())))).then(() => undefined);
}

export class UpstreamClient {
  private client: Promise<{ openai: OpenAI; pool: Pool | undefined }> | undefined;

  constructor(readonly settings: UpstreamSettings) {}

  get(): Promise<OpenAI> {
    this.client ??= (async () => {
      const OpenAIClass = await loadOpenAISdk();
      const pool = createPool(this.settings.transport ?? defaultTransport(this.settings.baseURL));
      const openai = new OpenAIClass({
        // The SDK refuses to start without a key; a missing key must instead reach OpenAI's 401 so
        // that the client gets an authentication_error explaining what to set.
        apiKey: this.settings.apiKey || 'missing-openai-api-key',
        baseURL: this.settings.baseURL,
        timeout: this.settings.timeoutMs,
        maxRetries: 0,
        ...(pool ? { fetch: pool.fetch } : {}),
      });
      return { openai, pool };
    })();
    return this.client.then((client) => client.openai);
  }

  /** Closes this client's connections: gracefully (calls in flight finish first, idle sockets go
   *  at once), or at once (the proxy is stopping and has ended its calls). A later get() opens
   *  new ones. */
  async close(mode: 'graceful' | 'now' = 'graceful'): Promise<void> {
    const client = this.client;
    this.client = undefined;
    const pool = (await client?.catch(() => undefined))?.pool;
    if (!pool) return;
    const { agents } = pool;
    if (mode === 'now') {
      const closed = closedSockets(agents);
      agents.http.destroy();
      agents.https.destroy();
      await closed;
      return;
    }
    // Graceful: no socket goes back to the pool any more; idle ones close now, busy ones when
    // their answer is complete.
    for (const agent of [agents.http, agents.https]) {
      agent.keepSocketAlive = () => false;
      for (const socket of Object.values(agent.freeSockets).flat()) socket?.destroy();
    }
    await closedSockets(agents);
  }
}
