// The fake OpenAI HTTP server: routing, auth, recording, the script queue.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { azureCall, checkAzureKey } from './azure';
import { ApiError, BAD_JSON_MESSAGE, contextLengthExceeded, defaultErrorBody, fail, missingKeyError, modelNotFound, wrongKeyError } from './errors';
import { ModelRegistry } from './models';
import { DEFAULT_ANSWER, planOf, type Plan, type StreamedAnswer } from './plan';
import { chatCompletion, streamChat } from './render-chat';
import { renderResponses } from './render-responses';
import { Responder } from './responder';
import type { FakeOpenAI, FakeOpenAIOptions, ModelSpec, RecordedRequest, ScriptedAnswer } from './types';
import { estimateTokens } from './util';
import { validateChat } from './validate-chat';
import { validateResponses, type ResponsesMemory } from './validate-responses';

export async function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const apiKey = options.apiKey ?? 'sk-fake-test-key';
  const models = new ModelRegistry(options.models);
  const requests: RecordedRequest[] = [];
  const queue: ScriptedAnswer[] = [];
  const memory: ResponsesMemory = { encrypted: new Set(), responses: new Set(), items: new Set() };
  const sockets = new Set<Socket>();
  const active = new Set<Responder>();
  let closing = false;

  const server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `fake-openai internal error: ${error?.stack ?? error}`, type: 'server_error', param: null, code: null } }));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    let path = url.pathname;
    const record: RecordedRequest = { method: req.method ?? 'GET', path, headers: req.headers, body: undefined, aborted: false };
    requests.push(record);
    const out = new Responder(res);
    active.add(out);
    res.on('close', () => {
      active.delete(out);
      if (!out.ended && !closing) record.aborted = true;
    });

    const raw = await readBody(req);
    let body: unknown;
    let badJson = false;
    if (raw !== '') {
      try {
        body = JSON.parse(raw);
      } catch {
        body = raw;
        badJson = true;
      }
    }
    record.body = body;

    try {
      if (options.azure) {
        checkAzureKey(req.headers['api-key'], apiKey);
        // Validated as the OpenAI call it maps to, on the deployment's model.
        const call = azureCall(record.method, url, body, options.azure);
        path = call.path;
        if (typeof body === 'object' && body !== null) body = { ...body, model: call.model };
      } else {
        checkAuth(req.headers.authorization);
      }
      const route = `${record.method} ${path}`;
      if (route === 'GET /v1/models') return out.json(200, { object: 'list', data: models.list().map(modelObject) });
      if (record.method === 'GET' && path.startsWith('/v1/models/')) {
        const id = decodeURIComponent(path.slice('/v1/models/'.length));
        return out.json(200, modelObject(models.find(id) ?? modelNotFound(id)));
      }
      if (route !== 'POST /v1/chat/completions' && route !== 'POST /v1/responses') fail(404, `Invalid URL (${route})`);
      if (badJson || body === undefined) fail(400, BAD_JSON_MESSAGE);
      if (path === '/v1/chat/completions') await chat(out, body, raw);
      else await responses(out, body, raw);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      record.rejection = { status: error.status, ...error.body };
      out.json(error.status, { error: error.body });
    }
  }

  function checkAuth(header: string | undefined): void {
    if (options.keyRequired === false) return;
    const match = /^Bearer\s+(.*)$/i.exec(header ?? '');
    if (!match || match[1].trim() === '') throw missingKeyError();
    if (match[1].trim() !== apiKey) throw wrongKeyError(match[1].trim());
  }

  /** Answers that are not a normal stream: HTTP errors, hangs; and non-stream stalls / stream errors. */
  async function special(out: Responder, plan: Plan, stream: boolean, model: string): Promise<StreamedAnswer | null> {
    const final = plan.final;
    if (final.kind === 'error') {
      const body = final.body ?? defaultErrorBody(final.status, model);
      if (typeof body === 'string') out.send(final.status, body, 'text/html; charset=utf-8', final.headers);
      else out.json(final.status, body, final.headers);
      return null;
    }
    if (final.kind === 'hang' || (!stream && final.kind === 'stall')) {
      await out.untilClosed();
      return null;
    }
    if (!stream && final.kind === 'stream_error') {
      out.json(500, { error: { message: final.message, type: 'server_error', param: null, code: final.code ?? null } });
      return null;
    }
    return final;
  }

  /** Refuses a prompt longer than the model's window (options.inputWindows), after validation as OpenAI does. */
  function checkWindow(api: 'chat' | 'responses', spec: ModelSpec, raw: string): void {
    const limit = options.inputWindows?.[spec.id];
    const used = estimateTokens(raw);
    if (limit !== undefined && used > limit) contextLengthExceeded(api, spec.reasoning, limit, used);
  }

  /** The hook's answer for this call, else the script queue's next one, else the default. */
  function nextAnswer(path: '/v1/chat/completions' | '/v1/responses', body: unknown, raw: string): ScriptedAnswer {
    return options.answerFor?.({ path, body, raw }) ?? queue.shift() ?? DEFAULT_ANSWER;
  }

  async function chat(out: Responder, body: unknown, raw: string): Promise<void> {
    const info = validateChat(body, models);
    checkWindow('chat', info.spec, raw);
    const plan = planOf(nextAnswer('/v1/chat/completions', body, raw));
    const final = await special(out, plan, info.stream, info.spec.id);
    if (!final) return;
    const ctx = { model: info.spec.snapshot, requestText: raw, includeUsage: info.includeUsage };
    if (info.stream) return streamChat(out, ctx, plan, final);
    out.json(200, chatCompletion(ctx, plan, final));
  }

  async function responses(out: Responder, body: unknown, raw: string): Promise<void> {
    const info = validateResponses(body, models, memory);
    checkWindow('responses', info.spec, raw);
    const plan = planOf(nextAnswer('/v1/responses', body, raw));
    const final = await special(out, plan, info.stream, info.spec.id);
    if (!final) return;
    const ctx = {
      model: info.spec.snapshot,
      body: body as Record<string, any>,
      requestText: raw,
      reasoningModel: info.spec.reasoning,
      includeEncrypted: info.includeEncrypted,
      summaryRequested: info.summaryRequested,
      webSearch: info.webSearch,
      includeSources: info.includeSources,
      maxToolCalls: info.maxToolCalls,
      issueEncrypted: (value: string) => memory.encrypted.add(value),
    };
    const response = await renderResponses(info.stream ? out : null, ctx, plan, final);
    if (response && info.store) {
      memory.responses.add(response.id);
      for (const item of response.output) memory.items.add(item.id);
    }
    if (!info.stream && response) out.json(200, response);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    apiKey,
    requests,
    script: (...answers) => void queue.push(...answers),
    openConnections: () => sockets.size,
    activeRequests: () => active.size,
    async close() {
      closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      const socketsGone = [...sockets].map((s) => new Promise<void>((resolve) => s.once('close', () => resolve())));
      for (const socket of sockets) socket.destroy();
      await Promise.all([closed, ...socketsGone]);
    },
  };
}

function modelObject(spec: ModelSpec) {
  return { id: spec.id, object: 'model', created: 1_700_000_000, owned_by: 'system' };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
