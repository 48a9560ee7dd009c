// POST /v1/messages: validate -> route -> build the OpenAI request -> call the route's provider
// (retries, then fallback routes, perhaps on other providers, all before the first byte to the
// client) -> translate the answer,
// streamed or whole. The call ends early when the client leaves, the proxy stops, or the
// upstream goes silent.
import type { ServerResponse } from 'node:http';
import type OpenAI from 'openai';
import { ResponseAssembler } from '../anthropic/assembler';
import { AnthropicError, invalidRequest } from '../anthropic/errors';
import type { EventSink } from '../anthropic/events';
import { randomMessageId } from '../anthropic/ids';
import { MessageCollector } from '../anthropic/message-collector';
import { callerIdentity, thinkingDisplay, type ThinkingDisplay } from '../anthropic/normalize';
import { messagesRequest, type MessagesRequest } from '../anthropic/schema';
import { SseWriter } from '../anthropic/sse-writer';
import { webSearchSettings, type WebSearchSettings } from '../anthropic/web-search';
import type { StreamedAnswer, Translation, UpstreamCall, WholeAnswer } from '../openai/api';
import { prepareCall } from '../openai/apis';
import { missingKeyError, toAnthropicError, type ErrorContext } from '../openai/errors';
import type { KeepReasoning, RecallReasoning } from '../openai/reasoning-memory';
import { ToolNameMap } from '../openai/tools';
import { noUsage } from '../openai/usage';
import type { ResolvedRoute } from '../routing/match';
import { countInputTokens, estimateUsage } from '../tokens/count-tokens';
import { loadOpenAISdk } from '../transport/client';
import { isRetryable, withRetries } from '../transport/retry';
import type { CallControl } from './call-control';
import type { ProxyContext, RequestRecord } from './context';
import { parseJson, sendJson } from './http-io';
import { captureCollector, observedSink } from './observed-sink';
import { describeProvider } from './upstreams';
import { parseOrThrow } from './validation';

/** The answer OpenAI accepted, waiting to be translated: a stream or a whole answer. */
type AcceptedAnswer = { stream: true; translate: StreamedAnswer } | { stream: false; translate: WholeAnswer };

/** One route's attempt: the request built for its API, and what came back. */
interface Attempt {
  route: ResolvedRoute;
  call: UpstreamCall;
  answer: AcceptedAnswer;
}

/** What answering needs from the request once OpenAI accepted the call: a few small values. A
 *  stream lasts seconds to minutes, and holding the parsed 100 KB request for that long only
 *  to count its tokens in the rare case that needs it would keep it in memory (and move it to
 *  V8's old generation, which grows the heap under load); those counts read the bytes again. */
interface Accepted {
  route: ResolvedRoute;
  answer: AcceptedAnswer;
  model: string;
  stopSequences: string[] | undefined;
  thinking: ThinkingDisplay;
  /** Set when the proxy keeps the answer's encrypted reasoning (reasoning-memory.ts). */
  keepReasoning: KeepReasoning | undefined;
  names: ToolNameMap;
  /** The request's web search tool, whose settings also shape the answer (max_uses, blocked_domains). */
  webSearch: WebSearchSettings | undefined;
}

export async function handleMessages(raw: Buffer, response: ServerResponse, context: ProxyContext, record: RequestRecord, call: CallControl): Promise<void> {
  const capture = captureCollector(context.captureBodies);
  const accepted = await openUpstream(raw, context, record, call, capture !== undefined);
  const reread = () => parseOrThrow(messagesRequest, parseJson(raw));
  const errorContext = errorContextFor(context, accepted.route, reread);
  const translation = (sink: EventSink): Translation => ({
    assembler: new ResponseAssembler(sink, {
      messageId: randomMessageId(), model: accepted.model, stopSequences: accepted.stopSequences, thinking: accepted.thinking,
    }),
    signer: context.signer.forProvider(accepted.route.provider),
    keepReasoning: accepted.keepReasoning,
    clientToolName: (name) => accepted.names.client(name),
    webSearch: accepted.webSearch,
    estimateUsage: (outputChars) => estimateUsage(reread(), outputChars),
  });
  const { answer } = accepted;
  if (!answer.stream) {
    const collector = new MessageCollector();
    try {
      record.usage = answer.translate(translation(observedSink(collector, record, undefined)));
    } catch (error) {
      throw await failure(error, call, errorContext);
    }
    record.status = 200;
    const message = collector.result();
    if (record.exchange) record.exchange.response = message;
    sendJson(response, 200, message);
    return;
  }

  const writer = new SseWriter(response, { pingIntervalMs: context.pingIntervalMs });
  record.status = 200;
  try {
    // Inside the try: whatever fails once the SSE headers are out ends as an error event, and the
    // writer (and its ping timer) is always ended.
    const streamed = translation(observedSink(writer, record, capture));
    // message_start goes out as soon as OpenAI accepted the call, before its first token.
    streamed.assembler.start();
    record.usage = await answer.translate(streamed, (events) => call.watched(events));
    if (streamed.assembler.stoppedBySequence) call.abort('stop sequence'); // ends the upstream call
  } catch (error) {
    record.usage = noUsage;
    if (call.reason === 'client closed') {
      record.outcome = 'client closed';
    } else {
      const mapped = await failure(error, call, errorContext);
      record.outcome = `stream error: ${mapped.type}`;
      writer.error(mapped.type, context.redact(mapped.message)); // after the stream started, errors are SSE events
    }
  } finally {
    call.stopWatching();
    writer.end();
    if (record.exchange && capture) record.exchange.response = capture.partialResult();
  }
}

/** Validates the request, routes it and opens the upstream call (retries and fallbacks
 *  included). The parsed request is local to this step. */
async function openUpstream(raw: Buffer, context: ProxyContext, record: RequestRecord, call: CallControl, captureBodies: boolean): Promise<Accepted> {
  const body = parseJson(raw);
  const request = parseOrThrow(messagesRequest, body);
  record.claudeModel = request.model;
  record.stream = request.stream === true;
  const asked = context.routes.find(request.model);
  if (!asked) {
    throw new AnthropicError('not_found_error',
      `model: ${request.model} is not served by this proxy. Served: ${context.routes.servedNames().join(', ')} (and the families their patterns match)`);
  }
  const webSearch = webSearchSettings(request);
  const primary = webSearch ? searchingRoute(context, asked, request.model) : asked;
  const names = new ToolNameMap(request);
  const sdk = await loadOpenAISdk();
  let attempt: Attempt;
  try {
    attempt = await openFirstAvailable(request, primary, names, sdk, context, record, call, webSearch !== undefined);
  } catch (error) {
    throw await failure(error, call, errorContextFor(context, attemptedRoute(context, record) ?? primary, () => request));
  }
  if (captureBodies) record.exchange = { request: body, upstreamRequest: attempt.call.body, response: undefined };
  const display = thinkingDisplay(request);
  return {
    route: attempt.route,
    answer: attempt.answer,
    model: request.model,
    stopSequences: request.stop_sequences,
    thinking: display,
    keepReasoning: keepsReasoning(attempt.route, display) ? keepReasoning(context, request, attempt.route.provider) : undefined,
    names,
    webSearch,
  };
}

/** The route that runs a request with the web search tool: the one asked for if it can search,
 *  else the table's webSearchRoute. */
function searchingRoute(context: ProxyContext, asked: ResolvedRoute, claudeModel: string): ResolvedRoute {
  const route = context.routes.forWebSearch(asked);
  if (!route) {
    const kind = context.routes.provider(asked.provider)?.kind;
    const where = asked.api !== 'responses' ? `${asked.model} is on Chat Completions, which has no hosted web search`
      : kind === 'compatible' ? `provider "${asked.provider}" is an OpenAI-compatible server, which has no hosted web search`
        : `${asked.model} has no hosted web search`;
    throw invalidRequest(`tools: the web_search tool cannot run on route "${asked.name}" (serving ${claudeModel}): ${where}. Set "webSearchRoute" in the route table (claudeProxy.webSearchRoute in VS Code) to a route with "api": "responses" on OpenAI or Azure whose model can search`);
  }
  if (route !== asked) context.logger.debug(`web search for ${claudeModel}: route ${route.name} (${route.model}) instead of ${asked.name}`);
  return route;
}

/** Whether the proxy keeps the answer's encrypted reasoning: only the Responses API (store:
 *  false) sends it, and only a client that shows no thinking gets no block to carry it. */
function keepsReasoning(route: ResolvedRoute, thinking: ThinkingDisplay): boolean {
  return route.api === 'responses' && route.reasoning && thinking === 'none';
}

/** The memory binds reasoning to the caller's hashed metadata.user_id (hashed only when used)
 *  and to the provider that made it. */
function keepReasoning(context: ProxyContext, request: MessagesRequest, provider: string): KeepReasoning {
  const caller = callerIdentity(request.metadata?.user_id).safetyIdentifier;
  return (callId, payloads) => context.reasoningMemory.remember(callId, caller, provider, payloads);
}

/** None while the memory is empty: then a request pays nothing for it. */
function recallReasoning(context: ProxyContext, request: MessagesRequest, provider: string): RecallReasoning | undefined {
  if (context.reasoningMemory.size === 0) return undefined;
  const caller = callerIdentity(request.metadata?.user_id).safetyIdentifier;
  return (callId) => context.reasoningMemory.recall(callId, caller, provider);
}

/** What an upstream error message names; the prompt's tokens are counted only if the error needs them. */
function errorContextFor(context: ProxyContext, route: ResolvedRoute, request: () => MessagesRequest): ErrorContext {
  const upstream = context.upstreams.get(route.provider);
  return {
    baseURL: upstream.client.settings.baseURL, openaiModel: route.model, ...describeProvider(upstream.provider),
    inputWindow: route.inputWindow, promptTokens: () => countInputTokens(request()),
  };
}

/** The route last tried (a fallback's, when the primary failed over). */
function attemptedRoute(context: ProxyContext, record: RequestRecord): ResolvedRoute | undefined {
  return record.routeName === undefined ? undefined : context.routes.byName(record.routeName);
}

/** Tries the route, then its fallbacks in order, each with its retries, until one accepts the call. */
async function openFirstAvailable(
  request: MessagesRequest,
  primary: ResolvedRoute,
  names: ToolNameMap,
  sdk: typeof OpenAI,
  context: ProxyContext,
  record: RequestRecord,
  call: CallControl,
  searches: boolean,
): Promise<Attempt> {
  const fallbacks = primary.fallbacks.map((name) => context.routes.byName(name)).filter((route) => route !== undefined);
  // A fallback that cannot search would answer from memory, which is what the tool is there to avoid.
  const candidates = [primary, ...(searches ? fallbacks.filter((route) => context.routes.canSearch(route)) : fallbacks)];
  for (let index = 0; ; index++) {
    const route = candidates[index];
    record.routeName = route.name;
    record.provider = route.provider;
    record.openaiModel = route.model;
    record.api = route.api;
    // Each route gets a fresh signal: the one before it may have been ended by the idle watchdog.
    if (index > 0) call.nextAttempt();
    const upstream = context.upstreams.get(route.provider);
    if (upstream.missingKey) throw missingKeyError(errorContextFor(context, route, () => request));
    const client = await upstream.client.get(route.model);
    // Reasoning goes back only to the provider that made it (reasoning-signature.ts).
    const upstreamCall = prepareCall(request, route, names, context.signer.forProvider(route.provider), recallReasoning(context, request, route.provider));
    const onRetry = (attemptNumber: number, error: unknown) =>
      context.logger.warn(`retrying ${route.model}${onProvider(context, route)} (attempt ${attemptNumber + 1}): ${(error as Error).message}`);
    if (request.stream === true) call.watchIdle(); // a stream's idle limit covers waiting for its headers too
    try {
      const open = async (): Promise<AcceptedAnswer> => request.stream === true
        ? { stream: true, translate: await upstreamCall.openStream(client, call.signal) }
        : { stream: false, translate: await upstreamCall.complete(client, call.signal) };
      const answer = await withRetries(open, sdk, context.retryPolicy, call.signal, onRetry, upstream.client.settings.timeoutMs);
      if (index > 0) context.logger.info(`request ${record.id}: served by fallback route ${route.name} (${route.model}${onProvider(context, route)})`);
      return { route, call: upstreamCall, answer };
    } catch (error) {
      const next = candidates[index + 1];
      if (!next || !canFallBack(error, sdk, call)) throw error;
      const why = call.reason === 'upstream idle' ? 'sent nothing for too long' : (error as Error).message;
      context.logger.warn(`request ${record.id}: ${route.name} (${route.model}${onProvider(context, route)}) failed (${why}); falling back to ${next.name} (${next.model}${onProvider(context, next)})`);
    }
  }
}

/** " on local", for log lines, when the table has providers to tell apart. */
function onProvider(context: ProxyContext, route: ResolvedRoute): string {
  return context.routes.namesProviders() ? ` on ${route.provider}` : '';
}

/** 429s, 5xx, timeouts and unreachable servers move on to a fallback; a 4xx would fail there too. */
function canFallBack(error: unknown, sdk: typeof OpenAI, call: CallControl): boolean {
  if (call.ended) return false; // the client left or the proxy is stopping
  if (call.reason === 'upstream idle') return true;
  if (call.aborted) return false;
  return isRetryable(error, sdk) || (error instanceof sdk.APIError && error.status === 429);
}

/** The Anthropic error for a failed call, naming why the proxy ended it where it did. */
async function failure(error: unknown, call: CallControl, context: ErrorContext): Promise<AnthropicError> {
  switch (call.reason) {
    case 'upstream idle':
      return new AnthropicError('api_error', `${context.provider ? `Provider "${context.provider}"` : 'OpenAI'} (${context.openaiModel} at ${context.baseURL}) sent nothing for too long; the call was ended`, { status: 504 });
    case 'proxy stopped':
      return new AnthropicError('api_error', 'The proxy was stopped while this request was in flight', { status: 503 });
    default:
      return toAnthropicError(error, context);
  }
}
