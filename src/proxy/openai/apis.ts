// The two OpenAI APIs by the name a route gives (route.api), and the one call the messages
// endpoint makes of them: build the request for the route's API.
import type { MessagesRequest } from '../anthropic/schema';
import type { ResolvedRoute } from '../routing/match';
import { upstreamCall, type UpstreamCall } from './api';
import { chatApi } from './chat';
import type { RecallReasoning } from './reasoning-memory';
import type { ReasoningSigner } from './reasoning-signature';
import { responsesApi } from './responses';
import type { ToolNameMap } from './tools';

export const openAIApis = { chat: chatApi, responses: responsesApi } satisfies Record<ResolvedRoute['api'], unknown>;

/** The request for the route's API, ready to be sent (and sent again on a retry). */
export function prepareCall(request: MessagesRequest, route: ResolvedRoute, names: ToolNameMap, signer: ReasoningSigner, recall?: RecallReasoning): UpstreamCall {
  switch (route.api) {
    case 'chat': return upstreamCall(chatApi, chatApi.buildRequest(request, route, names, signer, recall));
    case 'responses': return upstreamCall(responsesApi, responsesApi.buildRequest(request, route, names, signer, recall));
  }
}
