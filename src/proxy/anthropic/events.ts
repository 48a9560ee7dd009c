// The Anthropic Messages API's response shapes: the streamed events and the final message.
export type StopReason = 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'refusal' | 'pause_turn';

export interface AnthropicUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens?: number;
  cache_read_input_tokens?: number;
  /** Set when the answer ran server tools (web searches). */
  server_tool_use?: { web_search_requests: number };
}

/** One page a web search found. encrypted_content is the proxy's own (web-search.ts). */
export interface WebSearchResult {
  type: 'web_search_result';
  url: string;
  title: string;
  page_age: string | null;
  encrypted_content: string;
}

/** Anthropic's web search error codes. */
export type WebSearchErrorCode = 'too_many_requests' | 'invalid_input' | 'max_uses_exceeded' | 'query_too_long' | 'unavailable';

export type WebSearchResultContent = WebSearchResult[] | { type: 'web_search_tool_result_error'; error_code: WebSearchErrorCode };

/** A text block's citation of a search result. */
export interface WebSearchCitation {
  type: 'web_search_result_location';
  url: string;
  title: string;
  encrypted_index: string;
  cited_text: string;
}

export type ContentBlockStart =
  | { type: 'text'; text: '' }
  | { type: 'thinking'; thinking: ''; signature: '' }
  | { type: 'redacted_thinking'; data: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, never> }
  | { type: 'server_tool_use'; id: string; name: string; input: Record<string, never> }
  | { type: 'web_search_tool_result'; tool_use_id: string; content: WebSearchResultContent };

export type ContentDelta =
  | { type: 'text_delta'; text: string }
  | { type: 'thinking_delta'; thinking: string }
  | { type: 'signature_delta'; signature: string }
  | { type: 'input_json_delta'; partial_json: string }
  | { type: 'citations_delta'; citation: WebSearchCitation };

export interface MessageShell {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: [];
  stop_reason: null;
  stop_sequence: null;
  usage: AnthropicUsage;
}

export type StreamEvent =
  | { type: 'message_start'; message: MessageShell }
  | { type: 'content_block_start'; index: number; content_block: ContentBlockStart }
  | { type: 'content_block_delta'; index: number; delta: ContentDelta }
  | { type: 'content_block_stop'; index: number }
  | { type: 'message_delta'; delta: { stop_reason: StopReason; stop_sequence: string | null }; usage: AnthropicUsage }
  | { type: 'message_stop' }
  | { type: 'ping' };

export type OutputBlock =
  | { type: 'text'; text: string; citations?: WebSearchCitation[] }
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'redacted_thinking'; data: string }
  | { type: 'tool_use'; id: string; name: string; input: unknown }
  | { type: 'server_tool_use'; id: string; name: string; input: unknown }
  | { type: 'web_search_tool_result'; tool_use_id: string; content: WebSearchResultContent };

export interface AnthropicResponseMessage {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: OutputBlock[];
  stop_reason: StopReason;
  stop_sequence: string | null;
  usage: AnthropicUsage;
}

/** Where the assembler's events go: an SSE writer for streams, a collector for plain responses. */
export interface EventSink {
  emit(event: StreamEvent): void;
}
