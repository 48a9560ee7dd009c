// The one place that makes the SDK clients that talk to a provider: the official `openai` SDK,
// loaded lazily (it is the heaviest module in the bundle and activation must stay cheap), with
// the SDK's own retries off because the proxy retries itself (see retry.ts). One UpstreamClient
// per provider: `OpenAI` for OpenAI and compatible servers, `AzureOpenAI` for Azure.
import { Agent as HttpAgent } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import type { AzureOpenAI } from 'openai';
import type OpenAI from 'openai';
import { isAzureV1Url, type ProviderKind } from '../routing/providers';
import { createNodeHttpFetch } from './node-http-fetch';

export interface UpstreamSettings {
  /** OpenAI or any OpenAI-compatible server, including the /v1 suffix where the server has one;
   *  for Azure the resource's endpoint (deployment URLs) or its …/openai/v1 URL. */
  baseURL: string;
  apiKey: string | undefined;
  /** Default 'openai'. */
  kind?: ProviderKind;
  /** Azure's api-version. */
  apiVersion?: string;
  /** Sent with every call (OpenRouter's HTTP-Referer, X-Title…). */
  headers?: Readonly<Record<string, string>>;
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

let sdkModule: Promise<typeof import('openai')> | undefined;

/** The SDK's module, loaded once. Its error classes and AzureOpenAI must come from this same
 *  copy: the package ships CommonJS and ESM builds, and `instanceof` fails across them. */
function loadSdkModule(): Promise<typeof import('openai')> {
  sdkModule ??= import('openai');
  return sdkModule;
}

let sdk: Promise<typeof OpenAI> | undefined;

export function loadOpenAISdk(): Promise<typeof OpenAI> {
  sdk ??= loadSdkModule().then((module) => module.default);
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

/** Whether two settings make the same client (then its pool is kept across a reconfigure). */
export function sameUpstream(a: UpstreamSettings, b: UpstreamSettings): boolean {
  return a.baseURL === b.baseURL && a.apiKey === b.apiKey && (a.kind ?? 'openai') === (b.kind ?? 'openai') && a.apiVersion === b.apiVersion
    && a.timeoutMs === b.timeoutMs && a.transport === b.transport && sameHeaders(a.headers ?? {}, b.headers ?? {});
}

function sameHeaders(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const names = Object.keys(a);
  return names.length === Object.keys(b).length && names.every((name) => b[name] === a[name]);
}

interface Made {
  openai: OpenAI;
  pool: Pool | undefined;
  /** Azure deployment URLs: one client per deployment (AzureOpenAI's `deployment`), sharing the pool. */
  deployments: Map<string, OpenAI>;
}

export class UpstreamClient {
  private client: Promise<Made> | undefined;

  constructor(readonly settings: UpstreamSettings) {}

  /** The SDK client for a call to `model` (on Azure's deployment URLs, the deployment's name). */
  async get(model?: string): Promise<OpenAI> {
    this.client ??= this.make();
    const made = await this.client;
    if (model === undefined || !this.usesDeploymentUrls()) return made.openai;
    let deployment = made.deployments.get(model);
    if (!deployment) {
      // The proxy posts bodies as bytes (endpoint.ts), so AzureOpenAI cannot read the model from
      // them to build the deployment URL: each deployment gets its own client, same connections.
      deployment = (made.openai as AzureOpenAI).withOptions({ deployment: model });
      made.deployments.set(model, deployment);
    }
    return deployment;
  }

  private usesDeploymentUrls(): boolean {
    return this.settings.kind === 'azure' && !isAzureV1Url(this.settings.baseURL);
  }

  private async make(): Promise<Made> {
    const OpenAIClass = await loadOpenAISdk();
    const { settings } = this;
    const pool = createPool(settings.transport ?? defaultTransport(settings.baseURL));
    const common = {
      timeout: settings.timeoutMs,
      maxRetries: 0,
      defaultHeaders: { ...settings.headers },
      ...(pool ? { fetch: pool.fetch } : {}),
      // The SDK reads OpenAI's organization, project and admin key from the environment when not
      // given: they are OpenAI's, and go to no other provider.
      ...(settings.kind === 'azure' || settings.kind === 'compatible' ? { organization: null, project: null, adminAPIKey: null } : {}),
    };
    // The SDK refuses to start without a key. A call to a provider that needs one is refused
    // before this client is used (messages.ts); a server that needs none ignores this one.
    const apiKey = settings.apiKey || 'no-key';
    let openai: OpenAI;
    if (settings.kind === 'azure' && (settings.apiVersion !== undefined || !isAzureV1Url(settings.baseURL))) {
      // AzureOpenAI: the key in the api-key header, the api-version query parameter, and on the
      // deployment URLs the deployment in the path. A bare resource URL gets Azure's /openai, as
      // AzureOpenAI's `endpoint` would; not given as `endpoint`, which the SDK refuses beside an
      // OPENAI_BASE_URL in the environment.
      const url = new URL(settings.baseURL);
      const baseURL = url.pathname.replace(/\/+$/, '') === '' ? `${url.origin}/openai` : settings.baseURL;
      openai = new (await loadSdkModule()).AzureOpenAI({ ...common, apiKey, apiVersion: settings.apiVersion, baseURL });
    } else if (settings.kind === 'azure') {
      // Azure's v1 API without an api-version, which AzureOpenAI insists on: the plain client,
      // its key sent as Azure's api-key header instead of a bearer token.
      openai = new OpenAIClass({ ...common, apiKey, baseURL: settings.baseURL, defaultHeaders: { ...common.defaultHeaders, 'api-key': apiKey, authorization: null } });
    } else {
      openai = new OpenAIClass({ ...common, apiKey, baseURL: settings.baseURL });
    }
    return { openai, pool, deployments: new Map() };
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
