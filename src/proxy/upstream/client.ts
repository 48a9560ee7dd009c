// The one place that talks to OpenAI: the official `openai` SDK, loaded lazily (it is the
// heaviest module in the bundle and activation must stay cheap), with the SDK's own retries off
// because the proxy retries itself (see retry.ts).
import type OpenAI from 'openai';

export interface UpstreamSettings {
  /** OpenAI or any OpenAI-compatible server, including the /v1 suffix where the server has one. */
  baseURL: string;
  apiKey: string | undefined;
  /** Whole-request timeout for one upstream call. */
  timeoutMs: number;
}

export const OPENAI_BASE_URL = 'https://api.openai.com/v1';

let sdk: Promise<typeof OpenAI> | undefined;

/** The SDK's module, loaded once. Its error classes must come from this same copy: the package
 *  ships CommonJS and ESM builds, and `instanceof` fails across them. */
export function loadOpenAISdk(): Promise<typeof OpenAI> {
  sdk ??= import('openai').then((module) => module.default);
  return sdk;
}

/** The part of an undici dispatcher (connection pool) the proxy uses. */
interface Pool {
  close(): Promise<void>;
  destroy(): Promise<void>;
}

type PoolClass = new (options?: object) => Pool;

let poolClass: Promise<PoolClass | undefined> | undefined;

/**
 * The class of the connection pool Node's own fetch uses (undici's Agent, bundled in Node and not
 * importable), so that each proxy can own a pool and close it when it stops. Found through the
 * global dispatcher, which Node's fetch creates on first use. Not used inside VS Code (Electron):
 * its fetch patch supplies its own dispatcher per request, and an explicit one would switch off
 * its proxy resolution under `http.proxySupport: on`. Undefined when unavailable (the SDK then
 * uses the shared global pool, as before).
 */
function nodePoolClass(): Promise<PoolClass | undefined> {
  poolClass ??= (async () => {
    if (process.versions.electron) return undefined;
    const key = Symbol.for('undici.globalDispatcher.1');
    const global = globalThis as unknown as Record<symbol, unknown>;
    if (!global[key]) await fetch('data:,').then((response) => response.arrayBuffer()).catch(() => undefined);
    const dispatcher = global[key] as { constructor?: unknown; close?: unknown; destroy?: unknown } | undefined;
    const found = dispatcher?.constructor;
    // Only a plain Agent: a dispatcher someone installed (a proxy agent) is theirs to configure.
    if (typeof found !== 'function' || found.name !== 'Agent' || typeof dispatcher?.close !== 'function' || typeof dispatcher.destroy !== 'function') return undefined;
    return found as PoolClass;
  })();
  return poolClass;
}

export class UpstreamClient {
  private client: Promise<{ openai: OpenAI; pool: Pool | undefined }> | undefined;

  constructor(readonly settings: UpstreamSettings) {}

  get(): Promise<OpenAI> {
    this.client ??= (async () => {
      const [OpenAIClass, Pool] = await Promise.all([loadOpenAISdk(), nodePoolClass()]);
      const pool = Pool ? new Pool() : undefined;
      const openai = new OpenAIClass({
        // The SDK refuses to start without a key; a missing key must instead reach OpenAI's 401 so
        // that the client gets an authentication_error explaining what to set.
        apiKey: this.settings.apiKey || 'missing-openai-api-key',
        baseURL: this.settings.baseURL,
        timeout: this.settings.timeoutMs,
        maxRetries: 0,
        // Typed as undici's full Dispatcher; Node's own Agent is one.
        ...(pool ? { fetchOptions: { dispatcher: pool } as unknown as OpenAI['fetchOptions'] } : {}),
      });
      return { openai, pool };
    })();
    return this.client.then((client) => client.openai);
  }

  /** Closes this client's connection pool: gracefully (calls in flight finish first), or at once
   *  (the proxy is stopping and has ended its calls). A later get() opens a new one. */
  async close(mode: 'graceful' | 'now' = 'graceful'): Promise<void> {
    const client = this.client;
    this.client = undefined;
    const pool = (await client?.catch(() => undefined))?.pool;
    if (!pool) return;
    await (mode === 'now' ? pool.destroy() : pool.close()).catch(() => undefined);
  }
}
