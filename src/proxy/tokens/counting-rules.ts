// What a request counts: an upper-leaning count of the input tokens OpenAI would bill for the
// translated request. Text is tokenized exactly; the chat framing OpenAI adds around messages,
// tool definitions and tool calls is not visible to us, so it is estimated with per-item overheads
// at or above OpenAI's published figures. The total gets a 1% margin for what we cannot see
// exactly (pieces tokenized apart can merge differently once joined, schema rendering, framing
// changes). Erring high is deliberate: an undercount makes Claude Code believe a conversation fits
// the model's context window when it does not.
import { declaredTools, toolReferenceText } from '../anthropic/deferred-tools';
import { pastSearchResultText, pastSearchText } from '../anthropic/web-search';
import type { ContentBlock, CountTokensRequest, DocumentBlock } from '../anthropic/schema';
import { imageBlockTokens, pdfTokens, UNSEEN_DOCUMENT_TOKENS } from './media-tokens';
import type { Steps } from './time-slices';
import type { TextTokens } from './token-counter';

// Chat framing, after OpenAI's token-counting guide and the harmony format: each message costs
// <|start|>role<|message|>...<|end|> (3 + 1 for the role), and the reply is primed with 3 more.
const PER_MESSAGE = 4;
const REPLY_PRIMING = 3;
// Tools are rendered into the prompt as a TypeScript-like `namespace functions { ... }` block; we
// count the JSON of each input_schema, which is usually longer than that rendering.
const TOOLS_BLOCK = 12;
const PER_TOOL = 10;
// A tool call: " to=functions.NAME <|channel|>commentary <|constrain|>json<|message|>ARGS<|call|>".
const PER_TOOL_CALL = 8;
// A tool result: "<|start|>functions.NAME to=assistant<|channel|>commentary<|message|>...<|end|>".
const PER_TOOL_RESULT = PER_MESSAGE + 6;
const PER_DOCUMENT = 10;
const SAFETY_MARGIN = 1.01;

type Counting = Steps<number>;

export function* inputTokens(request: CountTokensRequest, text: TextTokens): Counting {
  let total = REPLY_PRIMING;

  if (request.system !== undefined) {
    const blocks = typeof request.system === 'string' ? [request.system] : request.system.map((b) => b.text);
    total += PER_MESSAGE;
    for (const block of blocks) total += (yield* text(block)) + 1;
  }

  const toolNames = new Map<string, string>();
  for (const message of request.messages) {
    total += PER_MESSAGE;
    if (typeof message.content === 'string') total += yield* text(message.content);
    else for (const block of message.content) total += yield* blockTokens(block, toolNames, text);
  }

  const tools = declaredTools(request);
  if (tools.length > 0) {
    total += TOOLS_BLOCK;
    for (const tool of tools) {
      total += PER_TOOL + (yield* text(tool.name)) + (yield* text(tool.description ?? ''));
      if (tool.input_schema) total += yield* text(JSON.stringify(tool.input_schema));
    }
  }
  if (request.tool_choice?.type === 'tool') total += PER_TOOL_CALL + (yield* text(request.tool_choice.name));

  return Math.ceil(total * SAFETY_MARGIN);
}

function* blockTokens(block: ContentBlock, toolNames: Map<string, string>, text: TextTokens): Counting {
  switch (block.type) {
    case 'text':
      return (yield* text(block.text)) + 1; // +1: a separator if the translation joins text parts
    case 'image':
      return imageBlockTokens(block);
    case 'document':
      return yield* documentTokens(block, text);
    case 'tool_use':
      toolNames.set(block.id, block.name);
      return PER_TOOL_CALL + (yield* text(block.name)) + (yield* text(JSON.stringify(block.input ?? {})));
    case 'tool_result': {
      let tokens = PER_TOOL_RESULT + (yield* text(toolNames.get(block.tool_use_id) ?? block.tool_use_id));
      if (block.is_error) tokens += 3; // a prefix such as "Error: "
      if (typeof block.content === 'string') return tokens + (yield* text(block.content));
      for (const part of block.content ?? []) {
        tokens += part.type === 'tool_reference' ? yield* text(toolReferenceText(part.tool_name)) : yield* blockTokens(part, toolNames, text);
      }
      return tokens;
    }
    case 'thinking':
      return yield* text(block.thinking);
    case 'redacted_thinking':
      // Opaque and usually dropped by the translation; if passed on, ~4 base64 chars per token.
      return Math.ceil(block.data.length / 4);
    case 'server_tool_use':
      return yield* text(pastSearchText(block.input));
    case 'web_search_tool_result':
      return yield* text(pastSearchResultText(block.content));
  }
}

function* documentTokens(block: DocumentBlock, text: TextTokens): Counting {
  const { source } = block;
  let tokens = PER_DOCUMENT + (yield* text(block.title ?? ''));
  // By URL its content is unknown until fetched, which count_tokens must not do.
  if (source.type === 'text') tokens += yield* text(source.data);
  else if (source.type === 'url') tokens += (yield* text(source.url)) + UNSEEN_DOCUMENT_TOKENS;
  else if (source.media_type.startsWith('text/')) tokens += yield* text(Buffer.from(source.data, 'base64').toString('utf8'));
  else tokens += pdfTokens(Buffer.from(source.data, 'base64'));
  return tokens;
}
