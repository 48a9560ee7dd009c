// The Chat Completions API whole: request.ts builds the request, translate.ts reads the answer.
import type { ChatCompletion, ChatCompletionChunk } from 'openai/resources/chat/completions';
import { openEventStream, postJson } from '../../transport/endpoint';
import type { OpenAIApi } from '../api';
import { toChatRequest, type ChatRequest } from './request';
import { translateChatCompletion, translateChatStream } from './translate';

export const chatApi: OpenAIApi<ChatRequest, ChatCompletionChunk, ChatCompletion> = {
  buildRequest: toChatRequest,
  openStream: (client, body, signal) => openEventStream<ChatCompletionChunk>(client, '/chat/completions', body, signal),
  translateStream: translateChatStream,
  complete: (client, body, signal) => {
    const { stream_options: _onlyForStreams, ...rest } = body;
    return postJson<ChatCompletion>(client, '/chat/completions', { ...rest, stream: false }, signal);
  },
  translateWhole: translateChatCompletion,
};
