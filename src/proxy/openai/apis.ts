// One entry per OpenAI API: how to build its request, call it, and translate its answer back.
// The messages endpoint picks the entry the route names and stays the same for both.
import type OpenAI from 'openai';
import type { MessagesRequest } from '../anthropic/schema';
import type { ResolvedRoute } from '../routing/match';
import type { KeepReasoning, RecallReasoning } from './reasoning-memory';
import type { ReasoningSigner } from './reasoning-signature';
import type { ResponseAssembler } from '../anthropic/assembler';
import type { UpstreamUsage, UsageEstimator } from './usage';
import { translateChatCompletion, translateChatStream } from './chat/translate';
import { translateResponse, translateResponsesStream } from './responses/translate';
import { toChatRequest } from './chat/request';
import { toResponsesRequest } from './responses/request';
import { UpstreamAnswerError } from '../transport/answer-error';
import { loadOpenAISdk } from '../transport/client';
import { jsonBytes, RepeatedBytesCache } from '../transport/json-body';
import { bodyChunks } from '../transport/node-http-response';
import { sseEvents } from '../transport/sse-events';
import type { ToolNameMap } from './tools';

export interface Translation {
  assembler: ResponseAssembler;
  signer: ReasoningSigner;
  clientToolName: (upstreamName: string) => string;
  estimateUsage?: UsageEstimator;
  /** Set when no thinking block will carry the encrypted reasoning (Responses API only). */
  keepReasoning?: KeepReasoning;
}

export interface OpenAIApi {
  /** `recall` gives the reasoning the proxy kept for a tool call; Chat Completions cannot send it. */
  buildRequest(request: MessagesRequest, route: ResolvedRoute, names: ToolNameMap, signer: ReasoningSigner, recall?: RecallReasoning): object;
  /** Resolves once OpenAI accepted the call (status 200, headers in); the body streams after. */
  openStream(client: OpenAI, body: object, signal: AbortSignal): Promise<AsyncIterable<unknown>>;
  translateStream(stream: AsyncIterable<unknown>, translation: Translation): Promise<UpstreamUsage>;
  complete(client: OpenAI, body: object, signal: AbortSignal): Promise<unknown>;
  translateWhole(answer: unknown, translation: Translation): UpstreamUsage;
}

type AnyBody = Record<string, unknown>;

/** Calls an endpoint through the SDK's generic `post` with the body as bytes (json-body.ts):
 *  the same request, headers and errors as `create()`, without the SDK building the JSON text
 *  as one (often two-byte) string. */
function post(client: OpenAI, path: string, body: AnyBody, signal: AbortSignal) {
  return client.post(path, { body: jsonBytes(body, repeatedBytes[path]), headers: JSON_CONTENT, stream: body.stream === true, signal });
}

/** One cache per endpoint: the two APIs shape tools and messages differently. */
const repeatedBytes: Record<string, RepeatedBytesCache> = { '/chat/completions': new RepeatedBytesCache(), '/responses': new RepeatedBytesCache() };

const JSON_CONTENT = { 'content-type': 'application/json' };

/** Opens a stream through the SDK and reads its events with sse-events.ts. */
async function openEvents(client: OpenAI, path: string, body: AnyBody, signal: AbortSignal, skip?: ReadonlySet<string>): Promise<AsyncIterable<unknown>> {
  const response = await post(client, path, { ...body, stream: true }, signal).asResponse();
  const chunks = bodyChunks(response);
  if (!chunks) throw new UpstreamAnswerError('The upstream answered without a body', undefined);
  const { APIError } = await loadOpenAISdk();
  return sseEvents(chunks, { skip, errorEvent: (error) => new APIError(undefined, error as object, undefined, response.headers) });
}

/** Responses events the translation does not use; their data is never parsed. `created` and
 *  `in_progress` each repeat the whole request; the `.done` ones repeat the deltas. */
const UNUSED_RESPONSES_EVENTS: ReadonlySet<string> = new Set([
  'response.created', 'response.in_progress', 'response.queued',
  'response.content_part.added', 'response.content_part.done', 'response.output_text.done',
  'response.function_call_arguments.done', 'response.reasoning_summary_part.done', 'response.reasoning_summary_text.done',
]);

const chat: OpenAIApi = {
  buildRequest: toChatRequest,
  openStream: (client, body, signal) => openEvents(client, '/chat/completions', body as AnyBody, signal),
  translateStream: (stream, translation) => translateChatStream(stream as never, translation),
  complete: (client, body, signal) => {
    const { stream_options: _onlyForStreams, ...rest } = body as AnyBody;
    return post(client, '/chat/completions', { ...rest, stream: false }, signal);
  },
  translateWhole: (answer, translation) => translateChatCompletion(answer as never, translation),
};

const responses: OpenAIApi = {
  buildRequest: toResponsesRequest,
  openStream: (client, body, signal) => openEvents(client, '/responses', body as AnyBody, signal, UNUSED_RESPONSES_EVENTS),
  translateStream: (stream, translation) => translateResponsesStream(stream as never, translation),
  complete: (client, body, signal) => post(client, '/responses', { ...(body as AnyBody), stream: false }, signal),
  translateWhole: (answer, translation) => translateResponse(answer as never, translation),
};

export const openAIApis: Record<ResolvedRoute['api'], OpenAIApi> = { chat, responses };
