// Anthropic Messages request -> OpenAI Responses API request (stateless: store false, the
// model's encrypted reasoning carried by the client in thinking-block signatures, or kept by
// the proxy when the client shows no thinking).
import type {
  ResponseCreateParamsStreaming,
  ResponseFunctionCallOutputItemList,
  ResponseInputItem,
  ResponseIncludable,
  ResponseInputMessageContentList,
  FunctionTool,
  ToolChoiceFunction,
} from 'openai/resources/responses/responses';
import { outputTokenLimit, reasoningEffort, systemText, thinkingDisplay } from '../../anthropic/normalize';
import type { MessagesRequest } from '../../anthropic/schema';
import { webSearchSettings, type WebSearchSettings } from '../../anthropic/web-search';
import type { ResolvedRoute } from '../../routing/match';
import { conversationItems, type UserPart } from '../conversation';
import type { RecallReasoning } from '../reasoning-memory';
import type { ReasoningSigner } from '../reasoning-signature';
import { identityFields, jsonSchemaFormat, samplingFields, toolFields, type ToolShapes } from '../request';
import type { ToolNameMap } from '../tools';
import { maxToolCalls, searchEffort, searchToolChoice, SOURCES_INCLUDE, webSearchTool } from './web-search';

export type ResponsesRequest = Omit<ResponseCreateParamsStreaming, 'stream'>;

/** The Responses API rejects max_output_tokens below 16 (Claude Code's token-count probe sends 1). */
export const MIN_OUTPUT_TOKENS = 16;

export function toResponsesRequest(request: MessagesRequest, route: ResolvedRoute, names: ToolNameMap, signer: ReasoningSigner, recall?: RecallReasoning): ResponsesRequest {
  const input: ResponseInputItem[] = [];
  for (const item of conversationItems(request, names, signer, route, recall)) {
    switch (item.type) {
      // `type: 'message'` on every message: OpenAI infers it from `role`, but llama.cpp's
      // server rejects a message without it (400 "Cannot determine type of 'item'").
      case 'system':
        input.push({ type: 'message', role: 'system', content: item.text });
        break;
      case 'user':
        input.push({ type: 'message', role: 'user', content: inputContent(item.parts) });
        break;
      case 'assistant_text':
        input.push({ type: 'message', role: 'assistant', content: item.text });
        break;
      case 'reasoning':
        if (!route.reasoning || item.payload.encrypted === undefined) break;
        // Stateless (store: false): no item id, the encrypted content carries the reasoning.
        input.push({
          type: 'reasoning',
          summary: item.payload.summary.map((text) => ({ type: 'summary_text', text })),
          encrypted_content: item.payload.encrypted,
        } as ResponseInputItem);
        break;
      case 'tool_call':
        input.push({ type: 'function_call', call_id: item.callId, name: item.name, arguments: item.arguments });
        break;
      case 'tool_result':
        input.push({ type: 'function_call_output', call_id: item.callId, output: functionOutput(item.parts) });
        break;
    }
  }

  const system = systemText(request.system);
  const format = jsonSchemaFormat(request);
  const search = webSearchSettings(request);
  return {
    model: route.model,
    input,
    store: false,
    max_output_tokens: Math.max(MIN_OUTPUT_TOKENS, outputTokenLimit(request, route)),
    ...(system ? { instructions: system } : {}),
    ...(search ? searchingToolFields(request, names, search) : toolFields(request, names, RESPONSES_TOOLS)),
    ...reasoningFields(request, route, search !== undefined),
    ...includeFields(route, search !== undefined),
    ...samplingFields(request, route),
    ...(format ? { text: { format: { type: 'json_schema' as const, ...format } } } : {}),
    ...identityFields(request),
  };
}

const RESPONSES_TOOLS: ToolShapes<FunctionTool, ToolChoiceFunction> = {
  tool: (spec) => ({ type: 'function', ...spec, strict: false }),
  named: (name) => ({ type: 'function', name }),
};

/** The client's functions with OpenAI's hosted web search beside them, and the search's limits. */
function searchingToolFields(request: MessagesRequest, names: ToolNameMap, search: WebSearchSettings): Pick<ResponsesRequest, 'tools' | 'tool_choice' | 'parallel_tool_calls' | 'max_tool_calls'> {
  const functions = toolFields(request, names, RESPONSES_TOOLS);
  const choice = searchToolChoice(request, search, functions.tools !== undefined);
  return {
    ...functions,
    tools: [...(functions.tools ?? []), webSearchTool(search)],
    ...(choice ? { tool_choice: choice } : {}),
    ...maxToolCalls(search),
  };
}

/** For a reasoning model: a summary only when the client will show it (it costs output tokens
 *  and time). A search never runs at an effort OpenAI refuses it at. */
function reasoningFields(request: MessagesRequest, route: ResolvedRoute, searches: boolean): Pick<ResponsesRequest, 'reasoning'> {
  if (!route.reasoning) return {};
  const asked = reasoningEffort(request, route);
  const effort = searches ? searchEffort(asked) : asked;
  const summary = thinkingDisplay(request) === 'summarized';
  return summary || effort ? { reasoning: { ...(summary ? { summary: 'auto' as const } : {}), ...(effort ? { effort } : {}) } } : {};
}

/** A reasoning model's encrypted reasoning always (a thinking block's signature or the proxy's
 *  reasoning memory carries it into the next turn); a search's sources. */
function includeFields(route: ResolvedRoute, searches: boolean): Pick<ResponsesRequest, 'include'> {
  const include: ResponseIncludable[] = [...(route.reasoning ? ['reasoning.encrypted_content' as const] : []), ...(searches ? [SOURCES_INCLUDE] : [])];
  return include.length > 0 ? { include } : {};
}

function inputContent(parts: UserPart[]): ResponseInputMessageContentList {
  return parts.map((part) => {
    switch (part.type) {
      case 'text': return { type: 'input_text', text: part.text };
      case 'image': return { type: 'input_image', image_url: part.url, detail: 'auto' };
      case 'file': return part.dataUrl
        ? { type: 'input_file', filename: part.filename, file_data: part.dataUrl }
        : { type: 'input_file', file_url: part.url };
    }
  });
}

function functionOutput(parts: UserPart[]): string | ResponseFunctionCallOutputItemList {
  if (parts.every((part) => part.type === 'text')) return parts.map((part) => part.text).join('\n');
  return inputContent(parts);
}
