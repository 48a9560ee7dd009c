// Anthropic Messages request -> OpenAI Responses API request (stateless: store false, the
// model's encrypted reasoning carried by the client in thinking-block signatures, or kept by
// the proxy when the client shows no thinking).
import type {
  ResponseCreateParamsStreaming,
  ResponseFunctionCallOutputItemList,
  ResponseInputItem,
  ResponseInputMessageContentList,
  ToolChoiceOptions,
  ToolChoiceFunction,
} from 'openai/resources/responses/responses';
import { declaredTools } from '../../anthropic/deferred-tools';
import { callerIdentity, outputTokenLimit, reasoningEffort, systemText, thinkingDisplay } from '../../anthropic/normalize';
import type { MessagesRequest } from '../../anthropic/schema';
import type { ResolvedRoute } from '../../routing/match';
import type { RecallReasoning } from '../reasoning-memory';
import type { ReasoningSigner } from '../reasoning-signature';
import { conversationItems, type UserPart } from '../conversation';
import { functionParameters, isClientTool, type ToolNameMap } from '../tools';

export type ResponsesRequest = Omit<ResponseCreateParamsStreaming, 'stream'>;

/** The Responses API rejects max_output_tokens below 16 (Claude Code's token-count probe sends 1). */
export const MIN_OUTPUT_TOKENS = 16;

export function toResponsesRequest(request: MessagesRequest, route: ResolvedRoute, names: ToolNameMap, signer: ReasoningSigner, recall?: RecallReasoning): ResponsesRequest {
  const input: ResponseInputItem[] = [];
  for (const item of conversationItems(request, names, signer, route, recall)) {
    switch (item.type) {
      case 'system':
        input.push({ role: 'system', content: item.text });
        break;
      case 'user':
        input.push({ role: 'user', content: inputContent(item.parts) });
        break;
      case 'assistant_text':
        input.push({ role: 'assistant', content: item.text });
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

  const body: ResponsesRequest = {
    model: route.model,
    input,
    store: false,
    max_output_tokens: Math.max(MIN_OUTPUT_TOKENS, outputTokenLimit(request, route)),
  };
  const system = systemText(request.system);
  if (system) body.instructions = system;
  addTools(body, request, names);
  if (route.reasoning) {
    const effort = reasoningEffort(request, route);
    // A summary only when the client will show it (it costs output tokens and time); the
    // encrypted reasoning always: a thinking block's signature or the proxy's reasoning memory
    // carries it into the next turn.
    const summary = thinkingDisplay(request) === 'summarized';
    if (summary || effort) body.reasoning = { ...(summary ? { summary: 'auto' as const } : {}), ...(effort ? { effort } : {}) };
    body.include = ['reasoning.encrypted_content'];
  } else {
    if (request.temperature !== undefined) body.temperature = request.temperature;
    if (request.top_p !== undefined) body.top_p = request.top_p;
  }
  const format = request.output_config?.format;
  if (format) body.text = { format: { type: 'json_schema', name: format.name ?? 'output', schema: format.schema, strict: false } };
  const identity = callerIdentity(request.metadata?.user_id);
  if (identity.promptCacheKey) body.prompt_cache_key = identity.promptCacheKey;
  if (identity.safetyIdentifier) body.safety_identifier = identity.safetyIdentifier;
  return body;
}

function addTools(body: ResponsesRequest, request: MessagesRequest, names: ToolNameMap): void {
  const tools = declaredTools(request).filter(isClientTool);
  if (tools.length === 0) return;
  body.tools = tools.map((tool) => ({
    type: 'function',
    name: names.upstream(tool.name),
    description: tool.description ?? '',
    parameters: functionParameters(tool.input_schema),
    strict: false,
  }));
  const choice = request.tool_choice;
  if (!choice) return;
  body.tool_choice = toolChoice(choice, names);
  if (choice.type !== 'none' && choice.disable_parallel_tool_use) body.parallel_tool_calls = false;
}

function toolChoice(choice: NonNullable<MessagesRequest['tool_choice']>, names: ToolNameMap): ToolChoiceOptions | ToolChoiceFunction {
  switch (choice.type) {
    case 'auto': return 'auto';
    case 'any': return 'required';
    case 'none': return 'none';
    case 'tool': return { type: 'function', name: names.upstream(choice.name) };
  }
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
  return inputContent(parts) as ResponseFunctionCallOutputItemList;
}
