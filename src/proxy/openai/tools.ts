// Anthropic tool definitions -> OpenAI function definitions, in one place for both APIs.
import { createHash } from 'node:crypto';
import type { AnthropicTool, MessagesRequest } from '../anthropic/schema';

const VALID_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/** OpenAI requires function names of at most 64 characters from [a-zA-Z0-9_-]; MCP tool names
 *  are often longer. Such names are shortened with a hash suffix and mapped back in answers. */
export class ToolNameMap {
  private readonly toUpstream = new Map<string, string>();
  private readonly toClient = new Map<string, string>();

  constructor(request: Pick<MessagesRequest, 'tools' | 'messages'>) {
    for (const tool of request.tools ?? []) this.upstream(tool.name);
    for (const message of request.messages) {
      if (typeof message.content === 'string') continue;
      for (const block of message.content) if (block.type === 'tool_use') this.upstream(block.name);
    }
  }

  upstream(name: string): string {
    const known = this.toUpstream.get(name);
    if (known !== undefined) return known;
    const mapped = VALID_NAME.test(name) ? name : shortenName(name);
    this.toUpstream.set(name, mapped);
    this.toClient.set(mapped, name);
    return mapped;
  }

  client(upstreamName: string): string {
    return this.toClient.get(upstreamName) ?? upstreamName;
  }
}

function shortenName(name: string): string {
  const safe = name.replace(/[^a-zA-Z0-9_-]/g, '_');
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
  return `${safe.slice(0, 55)}_${hash}`;
}

/** Claude Code's schemas use JSON Schema 2020-12. Non-strict OpenAI function calling accepts
 *  most keywords; it insists on an object at the top and rejects combinators there. A schema the
 *  request parser reuses (server/repeated-parts.ts, frozen) gives the same parameters each time,
 *  so that the upstream body's bytes for it are found again at once (json-body.ts). */
export function functionParameters(schema: AnthropicTool['input_schema']): Record<string, unknown> {
  const known = schema && Object.isFrozen(schema) ? parametersOfReused.get(schema) : undefined;
  if (known) return known;
  const { $schema: _dialect, anyOf: _anyOf, oneOf: _oneOf, allOf: _allOf, not: _not, enum: _enum, ...rest } = schema ?? {};
  const parameters: Record<string, unknown> = { ...rest, type: 'object' };
  if (parameters.properties === undefined || parameters.properties === null) parameters.properties = {};
  if (schema && Object.isFrozen(schema)) parametersOfReused.set(schema, Object.freeze(parameters));
  return parameters;
}

const parametersOfReused = new WeakMap<object, Record<string, unknown>>();

/** Anthropic server tools (web_search_…, bash_…, text_editor_…) have a `type` and no schema; an
 *  OpenAI model cannot run them, so only client tools are sent. */
export function isClientTool(tool: AnthropicTool): boolean {
  return tool.type === undefined || tool.type === 'custom';
}
