// The proxy's HTTP server: authentication, endpoint dispatch, the request log, graceful close.
// Plain Node: the headless CLI and the VS Code extension both run exactly this.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { AnthropicError } from '../anthropic/errors';
import { countTokensRequest } from '../anthropic/schema';
import { ReasoningMemory } from '../openai/reasoning-memory';
import { ReasoningSigner } from '../openai/reasoning-signature';
import { RouteTable } from '../routing/match';
import { DEFAULT_PROVIDER_NAME, type ProviderKind } from '../routing/providers';
import { parseRouteTable, type RouteTableInput } from '../routing/table';
import { countInputTokens } from '../tokens/count-tokens';
import type { UpstreamClient, UpstreamTransport } from '../transport/client';
import { defaultRetryPolicy, type RetryPolicy } from '../transport/retry';
import { TokenCheck } from './auth';
import { CallControl } from './call-control';
import type { ProxyContext, RequestRecord } from './context';
import { readBody, readJsonBody, sendError, sendJson } from './http-io';
import { redact, redactingLogger, silentLogger, type Logger } from './logger';
import { handleMessages } from './messages';
import { modelList } from './model-list';
import { RequestGuard } from './request-guard';
import { keyOf, Upstreams } from './upstreams';
import { parseOrThrow } from './validation';

export interface ProxyOptions {
  /** The token clients must present (x-api-key or Authorization: Bearer). */
  token: string;
  /** The key of the provider named "openai" (when providerKeys has none for it). */
  openaiApiKey: string | undefined;
  /** The base URL of a provider of kind openai that names none (default https://api.openai.com/v1). */
  openaiBaseUrl?: string;
  /** Each provider's key, by provider name; wins over openaiApiKey. */
  providerKeys?: Readonly<Record<string, string | undefined>>;
  routes: RouteTableInput;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  logger?: Logger;
  maxBodyBytes?: number;
  pingIntervalMs?: number;
  /** Whole-call limit for one upstream request (default 10 minutes). */
  upstreamTimeoutMs?: number;
  /** How upstream calls go out (client.ts); by default the proxy's own `node:http` fetch, and
   *  inside VS Code the editor's fetch unless the server is on this machine (defaultTransport). */
  upstreamTransport?: UpstreamTransport;
  /** A stream whose upstream sends nothing for this long ends with an error (default 5 minutes:
   *  reasoning models think silently for minutes). 0 turns it off. */
  idleTimeoutMs?: number;
  /** Time a client has to send its request headers and body (default 30 s). */
  requestReadTimeoutMs?: number;
  /** Keep request and response bodies on each request record (the dashboard shows them). */
  captureBodies?: boolean;
  /** Host names accepted besides loopback ones (the Host header is checked against DNS rebinding). */
  allowedHosts?: string[];
  retryPolicy?: RetryPolicy;
  /** Key for the reasoning signatures; by default derived from the token, so it survives restarts. */
  reasoningKey?: Buffer;
  /** Called when a request ends, with its log record (for the status bar and the dashboard). */
  onRequestEnd?: (record: RequestRecord) => void;
}

/** A provider as /health reports it. */
export interface ProviderStatus {
  name: string;
  kind: ProviderKind;
  baseURL: string;
  apis: ('chat' | 'responses')[];
  needsKey: boolean;
  keyConfigured: boolean;
}

/** The limits a user may change (the headless CLI's environment, the extension's settings). */
export const DEFAULT_LIMITS = {
  /** Anthropic's own request limit. */
  maxBodyBytes: 32 * 1024 * 1024,
  /** Reasoning models think silently for minutes. */
  idleTimeoutMs: 5 * 60 * 1000,
  requestReadTimeoutMs: 30_000,
} as const;

export class ProxyServer {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private context: ProxyContext;
  private tokenCheck: TokenCheck;
  private nextRequestId = 1;
  private inFlight = 0;
  private readonly calls = new Set<CallControl>();
  /** The response being prepared on each connection, so that a read timeout can answer it. */
  private readonly pending = new WeakMap<Duplex, { request: IncomingMessage; response: ServerResponse }>();
  /** Responses answered with a read timeout (their request record says so). */
  private readonly timedOut = new WeakSet<ServerResponse>();
  private guard: RequestGuard;
  /** Upstream clients replaced by reconfigure(), closed once no request can still use them. */
  private readonly retired: UpstreamClient[] = [];

  constructor(private options: ProxyOptions) {
    this.tokenCheck = new TokenCheck(options.token);
    this.guard = new RequestGuard(options.host ?? '127.0.0.1', options.allowedHosts);
    this.context = this.buildContext(options);
  }

  get port(): number | undefined {
    return this.address?.port;
  }

  /** The listening socket's actual address (what the OS bound, not what was asked for). */
  get address(): AddressInfo | undefined {
    const address = this.server?.address();
    return address && typeof address === 'object' ? address : undefined;
  }

  get url(): string | undefined {
    return this.port === undefined ? undefined : `http://${this.host}:${this.port}`;
  }

  get activeRequests(): number {
    return this.inFlight;
  }

  get routes(): RouteTable {
    return this.context.routes;
  }

  private get host(): string {
    return this.options.host ?? '127.0.0.1';
  }

  async start(): Promise<string> {
    if (this.server) return this.url!;
    // Slow or trickling clients cannot hold a connection open (slowloris): headers and body must
    // arrive within the read timeout, checked often enough for that limit to mean something.
    const readTimeout = this.options.requestReadTimeoutMs ?? DEFAULT_LIMITS.requestReadTimeoutMs;
    const server = createServer({
      noDelay: true,
      keepAlive: true,
      headersTimeout: readTimeout,
      requestTimeout: readTimeout,
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(readTimeout / 3))),
    }, (request, response) => {
      void this.handle(request, response);
    });
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => this.onClientError(error, socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? 4000, this.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    return this.url!;
  }

  /** Stops listening. Requests in flight end cleanly: a stream gets an SSE error event, a
   *  waiting request an error answer; whatever is still open after a short grace is cut. */
  async stop(graceMs = 2000): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    for (const call of this.calls) call.abort('proxy stopped');
    const deadline = Date.now() + graceMs;
    while (this.inFlight > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await closed;
    // Its calls are over: the upstream connections it kept alive go too (a restart opens new ones).
    await Promise.all([...this.context.upstreams.all().map((upstream) => upstream.client), ...this.retired.splice(0)].map((client) => client.close('now')));
  }

  /** Applies new settings without restarting the listener (routes, upstream, token, log). */
  reconfigure(changes: Partial<Omit<ProxyOptions, 'host' | 'port'>>): void {
    this.options = { ...this.options, ...changes };
    if (changes.token !== undefined) this.tokenCheck = new TokenCheck(changes.token);
    if (changes.allowedHosts !== undefined) this.guard = new RequestGuard(this.host, changes.allowedHosts);
    this.context = this.buildContext(this.options, this.context);
    if (this.retired.length > 0) this.closeRetired();
  }

  /** Closes the upstream pools of earlier settings once no request is in flight: a request keeps
   *  the context it started with, and its retries and fallbacks still use that pool. */
  private closeRetired(): void {
    if (this.inFlight > 0) return;
    for (const upstream of this.retired.splice(0)) void upstream.close('graceful');
  }

  /** The context for new requests; the clients of `previous` it no longer uses go to `retired`. */
  private buildContext(options: ProxyOptions, previous?: ProxyContext): ProxyContext {
    const routes = new RouteTable(parseRouteTable(options.routes));
    // Each client whose settings did not change is kept, with its pool.
    const { upstreams, retired } = Upstreams.build(routes.config.providers, {
      openaiApiKey: options.openaiApiKey,
      openaiBaseUrl: options.openaiBaseUrl,
      providerKeys: options.providerKeys,
      timeoutMs: options.upstreamTimeoutMs ?? 10 * 60 * 1000,
      transport: options.upstreamTransport,
    }, previous?.upstreams);
    this.retired.push(...retired);
    const reasoningKey = options.reasoningKey ?? createHash('sha256').update(`reasoning:${options.token}`).digest();
    const reasoningMemory = previous?.reasoningMemory ?? new ReasoningMemory();
    // A provider's encrypted reasoning is only valid for the same server and key.
    for (const { provider } of previous?.upstreams.all() ?? []) {
      if (!upstreams.unchangedIn(previous!.upstreams, provider.name)) reasoningMemory.forgetProvider(provider.name);
    }
    const secrets = () => [...Object.values(this.options.providerKeys ?? {}), this.options.openaiApiKey, this.options.token];
    return {
      routes,
      upstreams,
      signer: new ReasoningSigner(reasoningKey),
      reasoningMemory,
      logger: redactingLogger(options.logger ?? silentLogger, secrets),
      redact: (text) => redact(text, secrets()),
      retryPolicy: options.retryPolicy ?? defaultRetryPolicy,
      pingIntervalMs: options.pingIntervalMs ?? 5000,
      idleTimeoutMs: options.idleTimeoutMs ?? DEFAULT_LIMITS.idleTimeoutMs,
      captureBodies: options.captureBodies ?? false,
    };
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '/').split('?')[0];
    const record: RequestRecord = { id: this.nextRequestId++, method: request.method ?? 'GET', path, startedAt: Date.now() };
    const context = this.context;
    const call = new CallControl(context.idleTimeoutMs);
    const onClose = (): void => {
      if (!response.writableFinished) call.abort('client closed');
    };
    response.once('close', onClose);
    this.pending.set(request.socket, { request, response });
    this.calls.add(call);
    this.inFlight++;
    try {
      await this.dispatch(request, response, path, context, record, call);
    } catch (error) {
      const known = error instanceof AnthropicError ? error : new AnthropicError('api_error', 'Internal proxy error');
      const failure = new AnthropicError(known.type, context.redact(known.message), { status: known.status, headers: known.headers });
      if (!(error instanceof AnthropicError)) context.logger.error(`request ${record.id} failed: ${(error as Error)?.stack ?? String(error)}`);
      record.status = failure.status;
      record.outcome = call.reason === 'client closed' ? 'client closed' : failure.type;
      if (this.timedOut.has(response)) {
        record.status = 408;
        record.outcome = 'timeout_error';
      }
      if (!response.headersSent) sendError(response, failure);
      else if (!response.writableEnded) {
        // A stream already under way ends with an error event, never silently.
        if (String(response.getHeader('content-type')).startsWith('text/event-stream')) response.write(`event: error\ndata: ${JSON.stringify(failure.toBody())}\n\n`);
        response.end();
      }
    } finally {
      call.stopWatching();
      if (this.pending.get(request.socket)?.response === response) this.pending.delete(request.socket);
      response.off('close', onClose);
      this.calls.delete(call);
      this.inFlight--;
      if (this.retired.length > 0) this.closeRetired();
      record.durationMs = Date.now() - record.startedAt;
      record.status ??= response.statusCode;
      this.logRequest(context, record);
      this.options.onRequestEnd?.(record);
    }
  }

  /**
   * Node answers a request that is malformed or too slow (headers or body not in within the read
   * timeout) with a bare status line. Here it gets an Anthropic error body instead, like every
   * other answer, and the connection is closed.
   */
  private onClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
    const timeout = error.code === 'ERR_HTTP_REQUEST_TIMEOUT';
    const failure = timeout
      ? new AnthropicError('timeout_error', 'The request was not received in time: its headers and body must arrive within the read timeout', { status: 408 })
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? new AnthropicError('request_too_large', 'The request headers are too large', { status: 431 })
        : new AnthropicError('invalid_request_error', 'Malformed HTTP request');
    if (timeout) this.context.logger.warn(`a client did not send its request within the read timeout; answered 408 and closed`);
    const { request, response } = this.pending.get(socket) ?? {};
    if (request && response && !response.headersSent && !response.writableEnded) {
      // The request handler is waiting for the body: answer through its response, so that the
      // request log records the timeout; then end the body read, which Node leaves pending
      // once the response is finished.
      if (timeout) this.timedOut.add(response);
      response.once('close', () => { // after the answer is out, or the connection is gone
        request.destroy();
        socket.destroy();
      });
      sendError(response, new AnthropicError(failure.type, failure.message, { status: failure.status, headers: { connection: 'close' } }));
      return;
    }
    if (response || !socket.writable || error.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    const body = JSON.stringify(failure.toBody());
    const reason = STATUS_CODES[failure.status] ?? 'Error';
    socket.end(`HTTP/1.1 ${failure.status} ${reason}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`, () => socket.destroy());
  }

  private async dispatch(request: IncomingMessage, response: ServerResponse, path: string, context: ProxyContext, record: RequestRecord, call: CallControl): Promise<void> {
    const method = request.method ?? 'GET';
    try {
      this.guard.check(request);
    } catch (error) {
      request.resume();
      throw error;
    }
    if (path === '/' && (method === 'HEAD' || method === 'GET')) {
      response.writeHead(200, { 'content-type': 'text/plain' }).end(method === 'HEAD' ? undefined : 'Claude OpenAI Proxy\n');
      return;
    }
    if (path === '/health' && method === 'GET') {
      sendJson(response, 200, this.health(context));
      return;
    }
    if (!this.tokenCheck.accepts(request.headers)) {
      request.resume();
      throw new AnthropicError('authentication_error', 'Invalid or missing proxy token: send it as x-api-key or Authorization: Bearer');
    }
    const maxBody = this.options.maxBodyBytes ?? DEFAULT_LIMITS.maxBodyBytes;
    if (path === '/v1/messages' && method === 'POST') {
      await handleMessages(await readBody(request, maxBody), response, context, record, call);
    } else if (path === '/v1/messages/count_tokens' && method === 'POST') {
      const body = parseOrThrow(countTokensRequest, await readJsonBody(request, maxBody));
      record.claudeModel = body.model;
      sendJson(response, 200, { input_tokens: await countInputTokens(body) });
    } else if (path === '/v1/models' && method === 'GET') {
      sendJson(response, 200, modelList(context.routes));
    } else {
      request.resume();
      throw new AnthropicError('not_found_error', `Not found: ${method} ${path}`);
    }
  }

  /** Each provider's state, as /health shows it (never a key). */
  providers(context = this.context): ProviderStatus[] {
    return context.upstreams.all().map(({ provider, client, needsKey }) => ({
      name: provider.name, kind: provider.kind, baseURL: client.settings.baseURL, apis: provider.apis, needsKey, keyConfigured: Boolean(client.settings.apiKey),
    }));
  }

  private health(context: ProxyContext): unknown {
    const upstreams = context.upstreams.all();
    return {
      status: 'ok',
      // The first provider's base URL and the "openai" provider's key, as before providers.
      upstream: upstreams[0].client.settings.baseURL,
      openaiKeyConfigured: Boolean(keyOf({ name: DEFAULT_PROVIDER_NAME }, this.options)),
      providers: this.providers(context),
      routes: context.routes.routes().map((route) => ({
        name: route.name, aliases: route.aliases, patterns: route.patterns, provider: route.provider, model: route.model, api: route.api, maxOutputTokens: route.maxOutputTokens,
        inputWindow: route.inputWindow ?? null,
      })),
      defaultRoute: context.routes.config.defaultRoute ?? null,
      webSearchRoute: context.routes.config.webSearchRoute ?? null,
    };
  }

  private logRequest(context: ProxyContext, record: RequestRecord): void {
    if (record.path === '/' || record.path === '/health') return;
    const route = record.openaiModel ? ` ${record.claudeModel} -> ${record.openaiModel}${record.provider !== undefined && context.routes.namesProviders() ? ` on ${record.provider}` : ''} (${record.api}${record.stream ? ', stream' : ''})` : '';
    const searches = record.usage?.webSearches ? ` searches=${record.usage.webSearches}` : '';
    const usage = record.usage ? ` in=${record.usage.input} cached=${record.usage.cached} out=${record.usage.output}${searches}` : '';
    const outcome = record.outcome ? ` [${record.outcome}]` : '';
    context.logger.info(`${record.method} ${record.path}${route} ${record.status} ${record.durationMs}ms${usage}${outcome}`);
  }
}

export function randomToken(): string {
  return `cop-${randomBytes(24).toString('base64url')}`;
}
