// Anthropic Messages request -> OpenAI Chat Completions request.
import type {
  ChatCompletionContentPart,
  ChatCompletionCreateParamsStreaming,
  ChatCompletionFunctionTool,
  ChatCompletionMessageParam,
  ChatCompletionMessageToolCall,
  ChatCompletionNamedToolChoice,
} from 'openai/resources/chat/completions';
import { invalidRequest } from '../../anthropic/errors';
import { outputTokenLimit, reasoningEffort, systemText } from '../../anthropic/normalize';
import type { MessagesRequest } from '../../anthropic/schema';
import type { ResolvedRoute } from '../../routing/match';
import { conversationItems, type UserPart } from '../conversation';
import type { ReasoningSigner } from '../reasoning-signature';
import { identityFields, jsonSchemaFormat, samplingFields, toolFields, type ToolShapes } from '../request';
import type { ToolNameMap } from '../tools';

/** The streaming form; the non-streaming call sends the same body with stream false. */
export type ChatRequest = Omit<ChatCompletionCreateParamsStreaming, 'stream'>;

export function toChatRequest(request: MessagesRequest, route: ResolvedRoute, names: ToolNameMap, signer: ReasoningSigner): ChatRequest {
  const messages: ChatCompletionMessageParam[] = [];
  const system = systemText(request.system);
  if (system) messages.push({ role: 'system', content: system });

  let assistant: { text: string; calls: ChatCompletionMessageToolCall[] } | undefined;
  let toolImages: ChatCompletionContentPart[] = [];
  const flushAssistant = (): void => {
    if (!assistant) return;
    messages.push({
      role: 'assistant',
      content: assistant.text || null,
      ...(assistant.calls.length > 0 ? { tool_calls: assistant.calls } : {}),
    });
    assistant = undefined;
  };
  // Tool messages cannot hold images: they follow the tool messages in a user message of their own.
  const flushToolImages = (): void => {
    if (toolImages.length === 0) return;
    messages.push({ role: 'user', content: [{ type: 'text', text: 'Images returned by the tool calls above:' }, ...toolImages] });
    toolImages = [];
  };

  for (const item of conversationItems(request, names, signer, route)) {
    if (item.type === 'assistant_text' || item.type === 'tool_call') {
      flushToolImages();
      assistant ??= { text: '', calls: [] };
      if (item.type === 'assistant_text') assistant.text += item.text;
      else assistant.calls.push({ id: item.callId, type: 'function', function: { name: item.name, arguments: item.arguments } });
      continue;
    }
    if (item.type === 'reasoning') continue; // Chat Completions has no way to send reasoning back.
    flushAssistant();
    if (item.type === 'tool_result') {
      const text = item.parts.filter((part) => part.type === 'text').map((part) => part.text).join('\n');
      const images = item.parts.filter((part) => part.type !== 'text');
      messages.push({ role: 'tool', tool_call_id: item.callId, content: text || (images.length > 0 ? '(see the images below)' : '') });
      toolImages.push(...images.map((part) => chatPart(part, 'tool_result')));
      continue;
    }
    flushToolImages();
    if (item.type === 'system') messages.push({ role: 'system', content: item.text });
    else messages.push({ role: 'user', content: userContent(item.parts) });
  }
  flushAssistant();
  flushToolImages();

  const format = jsonSchemaFormat(request);
  const effort = reasoningEffort(request, route);
  return {
    model: route.model,
    messages,
    max_completion_tokens: outputTokenLimit(request, route),
    stream_options: { include_usage: true },
    ...toolFields(request, names, CHAT_TOOLS),
    ...(effort ? { reasoning_effort: effort } : {}),
    ...samplingFields(request, route),
    ...(format ? { response_format: { type: 'json_schema' as const, json_schema: format } } : {}),
    ...identityFields(request),
  };
}

const CHAT_TOOLS: ToolShapes<ChatCompletionFunctionTool, ChatCompletionNamedToolChoice> = {
  tool: (spec) => ({ type: 'function', function: spec }),
  named: (name) => ({ type: 'function', function: { name } }),
};

function userContent(parts: UserPart[]): string | ChatCompletionContentPart[] {
  if (parts.length === 1 && parts[0].type === 'text') return parts[0].text;
  return parts.map((part) => chatPart(part, 'user'));
}

function chatPart(part: UserPart, where: string): ChatCompletionContentPart {
  switch (part.type) {
    case 'text': return { type: 'text', text: part.text };
    case 'image': return { type: 'image_url', image_url: { url: part.url } };
    case 'file':
      if (!part.dataUrl) {
        throw invalidRequest(`${where}: a document given by URL cannot be sent on a Chat Completions route; send the PDF as base64, or route this model to the Responses API`);
      }
      return { type: 'file', file: { filename: part.filename, file_data: part.dataUrl } };
  }
}
