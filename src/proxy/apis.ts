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

const chat: OpenAIApi = {
  buildRequest: toChatRequest,
  openStream: (client, body, signal) => client.chat.completions.create({ ...(body as AnyBody), stream: true } as never, { signal }) as never,
  translateStream: (stream, translation) => translateChatStream(stream as never, translation),
  complete: (client, body, signal) => {
    const { stream_options: _onlyForStreams, ...rest } = body as AnyBody;
    return client.chat.completions.create({ ...rest, stream: false } as never, { signal });
  },
  translateWhole: (answer, translation) => translateChatCompletion(answer as never, translation),
};

const responses: OpenAIApi = {
  buildRequest: toResponsesRequest,
  openStream: (client, body, signal) => client.responses.create({ ...(body as AnyBody), stream: true } as never, { signal }) as never,
  translateStream: (stream, translation) => translateResponsesStream(stream as never, translation),
  complete: (client, body, signal) => client.responses.create({ ...(body as AnyBody), stream: false } as never, { signal }),
  translateWhole: (answer, translation) => translateResponse(answer as never, translation),
};

export const openAIApis: Record<ResolvedRoute['api'], OpenAIApi> = { chat, responses };
