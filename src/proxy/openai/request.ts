// What the two request builders (chat/request.ts, responses/request.ts) share: the client's tools
// as functions and its tool choice, sampling, the JSON output format and the caller's identity.
// Each returns only the fields to set, for the builder to spread into its body in its own shape.
import { declaredTools } from '../anthropic/deferred-tools';
import { callerIdentity } from '../anthropic/normalize';
import type { MessagesRequest } from '../anthropic/schema';
import type { ResolvedRoute } from '../routing/match';
import { functionParameters, isClientTool, type ToolNameMap } from './tools';

/** A client tool as an OpenAI function. */
export interface FunctionSpec {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

/** How one API spells a function tool and a choice of one named function. */
export interface ToolShapes<Tool, NamedChoice> {
  tool(spec: FunctionSpec): Tool;
  named(name: string): NamedChoice;
}

export interface ToolFields<Tool, NamedChoice> {
  tools?: Tool[];
  tool_choice?: 'auto' | 'required' | 'none' | NamedChoice;
  parallel_tool_calls?: boolean;
}

/** The client tools (server tools dropped: an OpenAI model cannot run them) and the tool choice. */
export function toolFields<Tool, NamedChoice>(request: MessagesRequest, names: ToolNameMap, shapes: ToolShapes<Tool, NamedChoice>): ToolFields<Tool, NamedChoice> {
  const tools = declaredTools(request).filter(isClientTool);
  if (tools.length === 0) return {};
  const fields: ToolFields<Tool, NamedChoice> = {
    tools: tools.map((tool) => shapes.tool({ name: names.upstream(tool.name), description: tool.description ?? '', parameters: functionParameters(tool.input_schema) })),
  };
  const choice = request.tool_choice;
  if (!choice) return fields;
  switch (choice.type) {
    case 'auto': fields.tool_choice = 'auto'; break;
    case 'any': fields.tool_choice = 'required'; break;
    case 'none': fields.tool_choice = 'none'; break;
    case 'tool': fields.tool_choice = shapes.named(names.upstream(choice.name)); break;
  }
  if (choice.type !== 'none' && choice.disable_parallel_tool_use) fields.parallel_tool_calls = false;
  return fields;
}

/** temperature and top_p, which reasoning models reject. */
export function samplingFields(request: MessagesRequest, route: ResolvedRoute): { temperature?: number; top_p?: number } {
  if (route.reasoning) return {};
  return {
    ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
    ...(request.top_p !== undefined ? { top_p: request.top_p } : {}),
  };
}

/** output_config.format (structured output) as an OpenAI JSON schema format, non-strict. */
export function jsonSchemaFormat(request: MessagesRequest): { name: string; schema: Record<string, unknown>; strict: false } | undefined {
  const format = request.output_config?.format;
  return format ? { name: format.name ?? 'output', schema: format.schema, strict: false } : undefined;
}

/** prompt_cache_key and safety_identifier from metadata.user_id (callerIdentity). */
export function identityFields(request: MessagesRequest): { prompt_cache_key?: string; safety_identifier?: string } {
  const identity = callerIdentity(request.metadata?.user_id);
  return {
    ...(identity.promptCacheKey ? { prompt_cache_key: identity.promptCacheKey } : {}),
    ...(identity.safetyIdentifier ? { safety_identifier: identity.safetyIdentifier } : {}),
  };
}
