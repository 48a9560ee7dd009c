// The one shape of an OpenAI API as the proxy uses it: build the request, call it (streamed or
// whole), translate the answer into the assembler. chat/ and responses/ each implement it with
// their own request, chunk and answer types; the messages endpoint holds an UpstreamCall, which
// closes over those types so it needs none of them.
import type OpenAI from 'openai';
import type { ResponseAssembler } from '../anthropic/assembler';
import type { MessagesRequest } from '../anthropic/schema';
import type { WebSearchSettings } from '../anthropic/web-search';
import type { ResolvedRoute } from '../routing/match';
import type { KeepReasoning, RecallReasoning } from './reasoning-memory';
import type { ReasoningSigner } from './reasoning-signature';
import type { ToolNameMap } from './tools';
import type { UpstreamUsage, UsageEstimator } from './usage';

/** What a translator writes to, and what it needs to name things back in Anthropic's terms. */
export interface Translation {
  assembler: ResponseAssembler;
  signer: ReasoningSigner;
  /** Maps a shortened upstream function name back to the client's tool name. */
  clientToolName: (upstreamName: string) => string;
  /** Estimates usage when the answer reports none (cut by a stop sequence, or a server without usage). */
  estimateUsage?: UsageEstimator;
  /** Set when no thinking block will carry the encrypted reasoning (Responses API only): the proxy keeps it. */
  keepReasoning?: KeepReasoning;
  /** The request's web search tool (Responses API only): its name, max_uses and blocked_domains shape the answer. */
  webSearch?: WebSearchSettings;
}

export interface OpenAIApi<Request extends object, Chunk, Answer> {
  /** `recall` gives the reasoning the proxy kept for a tool call; Chat Completions cannot send it. */
  buildRequest(request: MessagesRequest, route: ResolvedRoute, names: ToolNameMap, signer: ReasoningSigner, recall?: RecallReasoning): Request;
  /** Resolves once OpenAI accepted the call (status 200, headers in); the body streams after. */
  openStream(client: OpenAI, body: Request, signal: AbortSignal): Promise<AsyncIterable<Chunk>>;
  /** Returns the usage reported (or estimated), for the log. */
  translateStream(stream: AsyncIterable<Chunk>, translation: Translation): Promise<UpstreamUsage>;
  complete(client: OpenAI, body: Request, signal: AbortSignal): Promise<Answer>;
  translateWhole(answer: Answer, translation: Translation): UpstreamUsage;
}

/** Wraps a stream's events on their way to the translator (the idle watchdog). */
export type WatchEvents = <T>(events: AsyncIterable<T>) => AsyncIterable<T>;

/** An accepted stream, waiting to be translated. */
export type StreamedAnswer = (translation: Translation, watch: WatchEvents) => Promise<UpstreamUsage>;

/** An accepted whole answer, waiting to be translated. */
export type WholeAnswer = (translation: Translation) => UpstreamUsage;

/** One request built for one API, ready to be sent (again, on a retry). */
export interface UpstreamCall {
  /** The body as sent (kept on the request record when bodies are captured). */
  readonly body: object;
  openStream(client: OpenAI, signal: AbortSignal): Promise<StreamedAnswer>;
  complete(client: OpenAI, signal: AbortSignal): Promise<WholeAnswer>;
}

export function upstreamCall<Request extends object, Chunk, Answer>(api: OpenAIApi<Request, Chunk, Answer>, body: Request): UpstreamCall {
  return {
    body,
    openStream: async (client, signal) => streamedAnswer(api, await api.openStream(client, body, signal)),
    complete: async (client, signal) => wholeAnswer(api, await api.complete(client, body, signal)),
  };
}

// Built apart from upstreamCall: a closure made there would share its scope, and so keep the
// request body (and with it the client's request text) reachable for as long as a stream lasts.
function streamedAnswer<Chunk>(api: Pick<OpenAIApi<object, Chunk, unknown>, 'translateStream'>, events: AsyncIterable<Chunk>): StreamedAnswer {
  return (translation, watch) => api.translateStream(watch(events), translation);
}

function wholeAnswer<Answer>(api: Pick<OpenAIApi<object, unknown, Answer>, 'translateWhole'>, answer: Answer): WholeAnswer {
  return (translation) => api.translateWhole(answer, translation);
}
