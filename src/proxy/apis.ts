// One entry per OpenAI API: how to build its request, call it, and translate its answer back.
// The messages endpoint picks the entry the route names and stays the same for both.
import type OpenAI from 'openai';
import type { MessagesRequest } from './request/schema';
import type { ResolvedRoute } from './route/match';
import type { ReasoningSigner } from './response/reasoning-signature';
import type { ResponseAssembler } from './response/assembler';
import type { UpstreamUsage, UsageEstimator } from './response/usage';
import { translateChatCompletion, translateChatStream } from './response/chat/translate';
import { translateResponse, translateResponsesStream } from './response/responses/translate';
import { toChatRequest } from './upstream/chat/request';
import { toResponsesRequest } from './upstream/responses/request';
import { jsonBytes } from './upstream/json-body';
import type { ToolNameMap } from './upstream/tools';

export interface Translation {
  assembler: ResponseAssembler;
  signer: ReasoningSigner;
  clientToolName: (upstreamName: string) => string;
  estimateUsage?: UsageEstimator;
}

export interface OpenAIApi {
  buildRequest(request: MessagesRequest, route: ResolvedRoute, names: ToolNameMap, signer: ReasoningSigner): object;
  /** Resolves once OpenAI accepted the call (status 200, headers in); the body streams after. */
  openStream(client: OpenAI, body: object, signal: AbortSignal): Promise<AsyncIterable<unknown>>;
  translateStream(stream: AsyncIterable<unknown>, translation: Translation): Promise<UpstreamUsage>;
  complete(client: OpenAI, body: object, signal: AbortSignal): Promise<unknown>;
  translateWhole(answer: unknown, translation: Translation): UpstreamUsage;
}

type AnyBody = Record<string, unknown>;

/** Calls an endpoint through the SDK's generic `post` with the body as bytes (json-body.ts):
 *  the same request, headers, errors and stream parsing as `create()`, without the SDK building
 *  the JSON text as one (often two-byte) string. */
function post(client: OpenAI, path: string, body: AnyBody, signal: AbortSignal): Promise<unknown> {
  return client.post(path, { body: jsonBytes(body), headers: JSON_CONTENT, stream: body.stream === true, signal }) as Promise<unknown>;
}

const JSON_CONTENT = { 'content-type': 'application/json' };

const chat: OpenAIApi = {
  buildRequest: toChatRequest,
  openStream: (client, body, signal) => post(client, '/chat/completions', { ...(body as AnyBody), stream: true }, signal) as never,
  translateStream: (stream, translation) => translateChatStream(stream as never, translation),
  complete: (client, body, signal) => {
    const { stream_options: _onlyForStreams, ...rest } = body as AnyBody;
    return post(client, '/chat/completions', { ...rest, stream: false }, signal);
  },
  translateWhole: (answer, translation) => translateChatCompletion(answer as never, translation),
};

const responses: OpenAIApi = {
  buildRequest: toResponsesRequest,
  openStream: (client, body, signal) => post(client, '/responses', { ...(body as AnyBody), stream: true }, signal) as never,
  translateStream: (stream, translation) => translateResponsesStream(stream as never, translation),
  complete: (client, body, signal) => post(client, '/responses', { ...(body as AnyBody), stream: false }, signal),
  translateWhole: (answer, translation) => translateResponse(answer as never, translation),
};

export const openAIApis: Record<ResolvedRoute['api'], OpenAIApi> = { chat, responses };
