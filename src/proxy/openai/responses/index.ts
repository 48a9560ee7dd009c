// The Responses API whole: request.ts builds the request, translate.ts reads the answer (and
// names the stream events it never reads).
import type { Response, ResponseStreamEvent } from 'openai/resources/responses/responses';
import { openEventStream, postJson } from '../../transport/endpoint';
import type { OpenAIApi } from '../api';
import { toResponsesRequest, type ResponsesRequest } from './request';
import { REPEATED_IN_FINAL_EVENTS, translateResponse, translateResponsesStream, UNUSED_RESPONSES_EVENTS } from './translate';

export const responsesApi: OpenAIApi<ResponsesRequest, ResponseStreamEvent, Response> = {
  buildRequest: toResponsesRequest,
  openStream: (client, body, signal) => openEventStream<ResponseStreamEvent>(client, '/responses', body, signal, { skip: UNUSED_RESPONSES_EVENTS, omit: REPEATED_IN_FINAL_EVENTS }),
  translateStream: translateResponsesStream,
  complete: (client, body, signal) => postJson<Response>(client, '/responses', { ...body, stream: false }, signal),
  translateWhole: translateResponse,
};
