// Deferred tools (Anthropic's tool search): a tool with `defer_loading: true` is not in the
// model's prompt until a tool_reference block in a tool_result loads it. Claude Code 2.1.332
// declares most of its tools this way, names them in a system message, and loads one when the
// model calls its ToolSearch tool.
import type { AnthropicTool, CountTokensRequest } from './schema';

/** What the model reads in place of a tool_reference block. */
export function toolReferenceText(upstreamName: string): string {
  return `Tool ${upstreamName} is now loaded and can be called.`;
}

/** The tool names that tool_reference blocks load, in the order the conversation first loads them. */
export function loadedToolNames(request: Pick<CountTokensRequest, 'messages'>): string[] {
  const names = new Set<string>();
  for (const message of request.messages) {
    if (typeof message.content === 'string') continue;
    for (const block of message.content) {
      if (block.type !== 'tool_result' || typeof block.content === 'string') continue;
      for (const inner of block.content ?? []) if (inner.type === 'tool_reference') names.add(inner.tool_name);
    }
  }
  return [...names];
}

/** The tools the model is given: those not deferred in the client's order, then the deferred ones
 *  the conversation has loaded, in the order it loaded them. OpenAI's prompt cache is a prefix
 *  cache and the tools are part of the prefix, so a newly loaded tool goes last: the tools before
 *  it keep their place and their cached prefix. A deferred tool never loaded (Claude Code's
 *  DeferredToolPlaceholder) is not sent. */
export function declaredTools(request: Pick<CountTokensRequest, 'messages' | 'tools'>): AnthropicTool[] {
  const tools = request.tools ?? [];
  const always = tools.filter((tool) => tool.defer_loading !== true);
  const deferred = new Map(tools.filter((tool) => tool.defer_loading === true).map((tool) => [tool.name, tool]));
  const loaded = loadedToolNames(request).flatMap((name) => deferred.get(name) ?? []);
  return [...always, ...loaded];
}
