// The proxy's HTTP server: authentication, endpoint dispatch, the request log, graceful close.
// Plain Node: the headless CLI and the VS Code extension both run exactly this.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { AnthropicError } from '../errors';
import { redact, redactingLogger, silentLogger, type Logger } from '../logger';
import { countTokensRequest } from '../request/schema';
import { RouteTable } from '../route/match';
import { parseRouteTable, type RouteTableInput } from '../route/table';
import { ReasoningSigner } from '../response/reasoning-signature';
import { countInputTokens } from '../tokens/count-tokens';
import { OPENAI_BASE_URL, UpstreamClient, type UpstreamSettings } from '../upstream/client';
import { defaultRetryPolicy, type RetryPolicy } from '../upstream/retry';
import { CallControl } from '../upstream/call-control';
import { TokenCheck } from './auth';
import type { ProxyContext, RequestRecord } from './context';
import { readJsonBody, sendError, sendJson } from './http-io';
import { handleMessages } from './messages';
import { RequestGuard } from './request-guard';
import { parseOrThrow } from './validation';

export interface ProxyOptions {
  /** The token clients must present (x-api-key or Authorization: Bearer). */
  token: string;
  openaiApiKey: string | undefined;
  openaiBaseUrl?: string;
  routes: RouteTableInput;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  logger?: Logger;
  maxBodyBytes?: number;
  pingIntervalMs?: number;
  /** Whole-call limit for one upstream request (default 10 minutes). */
  upstreamTimeoutMs?: number;
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

const DEFAULT_MAX_BODY = 32 * 1024 * 1024; // Anthropic's own request limit

export class ProxyServer {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private context: ProxyContext;
  private tokenCheck: TokenCheck;
  private nextRequestId = 1;
  private inFlight = 0;
  private readonly calls = new Set<CallControl>();
  private guard: RequestGuard;

  constructor(private options: ProxyOptions) {
    this.tokenCheck = new TokenCheck(options.token);
    this.guard = new RequestGuard(options.host ?? '127.0.0.1', options.allowedHosts);
    this.context = this.buildContext(options);
  }

  get port(): number | undefined {
    const address = this.server?.address();
    return address && typeof address === 'object' ? (address as AddressInfo).port : undefined;
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
    const readTimeout = this.options.requestReadTimeoutMs ?? 30_000;
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
  }

  /** Applies new settings without restarting the listener (routes, upstream, token, log). */
  reconfigure(changes: Partial<Omit<ProxyOptions, 'host' | 'port'>>): void {
    this.options = { ...this.options, ...changes };
    if (changes.token !== undefined) this.tokenCheck = new TokenCheck(changes.token);
    if (changes.allowedHosts !== undefined) this.guard = new RequestGuard(this.host, changes.allowedHosts);
    this.context = this.buildContext(this.options);
  }

  private buildContext(options: ProxyOptions): ProxyContext {
    const settings: UpstreamSettings = {
      baseURL: options.openaiBaseUrl || OPENAI_BASE_URL,
      apiKey: options.openaiApiKey,
      timeoutMs: options.upstreamTimeoutMs ?? 10 * 60 * 1000,
    };
    const reasoningKey = options.reasoningKey ?? createHash('sha256').update(`reasoning:${options.token}`).digest();
    return {
      routes: new RouteTable(parseRouteTable(options.routes)),
      upstream: new UpstreamClient(settings),
      signer: new ReasoningSigner(reasoningKey),
      logger: redactingLogger(options.logger ?? silentLogger, () => [this.options.openaiApiKey, this.options.token]),
      redact: (text) => redact(text, [this.options.openaiApiKey, this.options.token]),
      retryPolicy: options.retryPolicy ?? defaultRetryPolicy,
      pingIntervalMs: options.pingIntervalMs ?? 5000,
      idleTimeoutMs: options.idleTimeoutMs ?? 5 * 60 * 1000,
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
      if (!response.headersSent) sendError(response, failure);
      else if (!response.writableEnded) {
        // A stream already under way ends with an error event, never silently.
        if (String(response.getHeader('content-type')).startsWith('text/event-stream')) response.write(`event: error\ndata: ${JSON.stringify(failure.toBody())}\n\n`);
        response.end();
      }
    } finally {
      call.stopWatching();
      response.off('close', onClose);
      this.calls.delete(call);
      this.inFlight--;
      record.durationMs = Date.now() - record.startedAt;
      record.status ??= response.statusCode;
      this.logRequest(context, record);
      this.options.onRequestEnd?.(record);
    }
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
    const maxBody = this.options.maxBodyBytes ?? DEFAULT_MAX_BODY;
    if (path === '/v1/messages' && method === 'POST') {
      await handleMessages(await readJsonBody(request, maxBody), response, context, record, call);
    } else if (path === '/v1/messages/count_tokens' && method === 'POST') {
      const body = parseOrThrow(countTokensRequest, await readJsonBody(request, maxBody));
      record.claudeModel = body.model;
      sendJson(response, 200, { input_tokens: await countInputTokens(body) });
    } else if (path === '/v1/models' && method === 'GET') {
      sendJson(response, 200, this.modelList(context));
    } else {
      request.resume();
      throw new AnthropicError('not_found_error', `Not found: ${method} ${path}`);
    }
  }

  private health(context: ProxyContext): unknown {
    return {
      status: 'ok',
      upstream: context.upstream.settings.baseURL,
      openaiKeyConfigured: Boolean(this.options.openaiApiKey),
      routes: context.routes.routes().map((route) => ({
        name: route.name, aliases: route.aliases, patterns: route.patterns, model: route.model, api: route.api, maxOutputTokens: route.maxOutputTokens,
      })),
      defaultRoute: context.routes.config.defaultRoute ?? null,
    };
  }

  private modelList(context: ProxyContext): unknown {
    const created = new Date(0).toISOString();
    const data = context.routes.servedNames().map((id) => ({ type: 'model', id, display_name: id, created_at: created }));
    return { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null };
  }

  private logRequest(context: ProxyContext, record: RequestRecord): void {
    if (record.path === '/' || record.path === '/health') return;
    const route = record.openaiModel ? ` ${record.claudeModel} -> ${record.openaiModel} (${record.api}${record.stream ? ', stream' : ''})` : '';
    const usage = record.usage ? ` in=${record.usage.input} cached=${record.usage.cached} out=${record.usage.output}` : '';
    const outcome = record.outcome ? ` [${record.outcome}]` : '';
    context.logger.info(`${record.method} ${record.path}${route} ${record.status} ${record.durationMs}ms${usage}${outcome}`);
  }
}

export function randomToken(): string {
  return `cop-${randomBytes(24).toString('base64url')}`;
}
