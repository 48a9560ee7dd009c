// Anthropic's web search tool -> OpenAI's hosted web_search tool on the Responses API: the tool
// with its filters and location, the sources asked for, max_uses as max_tool_calls, and the
// tool choice and reasoning effort the tool needs. blocked_domains has no upstream equivalent:
// the answer's translation drops what it blocks (web-search-answer.ts).
import type { ResponseIncludable, ToolChoiceAllowed, WebSearchTool } from 'openai/resources/responses/responses';
import type { MessagesRequest } from '../../anthropic/schema';
import type { WebSearchSettings } from '../../anthropic/web-search';
import type { ReasoningEffort } from '../../routing/table';

/** Without it a web_search_call carries its query but not the pages it found. */
export const SOURCES_INCLUDE: ResponseIncludable = 'web_search_call.action.sources';

export function webSearchTool(settings: WebSearchSettings): WebSearchTool {
  const tool: WebSearchTool = { type: 'web_search' };
  if (settings.allowedDomains) {
    // OpenAI takes bare domains; Anthropic's may carry a scheme.
    tool.filters = { allowed_domains: settings.allowedDomains.map((domain) => domain.replace(/^https?:\/\//i, '')) };
  }
  // Without a location OpenAI assumes the United States; Anthropic assumes none.
  tool.user_location = { type: 'approximate', ...settings.userLocation };
  return tool;
}

/** OpenAI's max_tool_calls counts every hosted tool call of a response, and web search is the
 *  only hosted tool the proxy sends: it is max_uses exactly. */
export function maxToolCalls(settings: WebSearchSettings): { max_tool_calls?: number } {
  return settings.maxUses === undefined ? {} : { max_tool_calls: settings.maxUses };
}

/** A tool_choice that names the search tool, or asks for any tool when it is the only one: OpenAI
 *  names hosted tools in an allowed_tools choice. Undefined leaves the function tools' choice. */
export function searchToolChoice(request: MessagesRequest, settings: WebSearchSettings, hasFunctions: boolean): ToolChoiceAllowed | 'required' | undefined {
  const choice = request.tool_choice;
  if (choice?.type === 'tool' && choice.name === settings.name) return { type: 'allowed_tools', mode: 'required', tools: [{ type: 'web_search' }] };
  if (choice?.type === 'any' && !hasFunctions) return 'required';
  return undefined;
}

/** OpenAI refuses web search at reasoning effort "minimal"; "low" is the nearest it takes. */
export function searchEffort(effort: ReasoningEffort | undefined): ReasoningEffort | undefined {
  return effort === 'minimal' ? 'low' : effort;
}
