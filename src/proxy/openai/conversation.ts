// Flattens Anthropic messages into a neutral list of conversation items that both OpenAI APIs
// are built from. It also repairs what OpenAI rejects but Claude Code can send: a tool_result
// that answers no call (after a compaction) becomes plain text, and a call left unanswered (an
// interrupted turn) gets a result saying so.
import { createHash } from 'node:crypto';
import { toolReferenceText } from '../anthropic/deferred-tools';
import { invalidRequest } from '../anthropic/errors';
import { pastSearchResultText, pastSearchText } from '../anthropic/web-search';
import type { ContentBlock, DocumentBlock, ImageBlock, MessagesRequest, ToolReferenceBlock, ToolResultBlock } from '../anthropic/schema';
import type { ResolvedRoute } from '../routing/match';
import type { RecallReasoning } from './reasoning-memory';
import type { ReasoningPayload, ReasoningSigner } from './reasoning-signature';
import type { ToolNameMap } from './tools';

export type UserPart =
  | { type: 'text'; text: string }
  | { type: 'image'; url: string }
  | { type: 'file'; filename: string; dataUrl?: string; url?: string };

export type ConversationItem =
  | { type: 'system'; text: string }
  | { type: 'user'; parts: UserPart[] }
  | { type: 'assistant_text'; text: string }
  | { type: 'reasoning'; payload: ReasoningPayload }
  | { type: 'tool_call'; callId: string; name: string; arguments: string }
  | { type: 'tool_result'; callId: string; parts: UserPart[] };

export const UNANSWERED_CALL_TEXT = 'The tool call was interrupted and produced no result.';

/** What the conversation needs to know of the route: its name for errors, and whether it takes files. */
type RouteFacts = Pick<ResolvedRoute, 'name' | 'model' | 'files'>;

/** `recall` gives the reasoning the proxy kept for a tool call (reasoning-memory.ts). */
export function conversationItems(request: MessagesRequest, names: ToolNameMap, signer: ReasoningSigner, route: RouteFacts, recall?: RecallReasoning): ConversationItem[] {
  const items: ConversationItem[] = [];
  const userPart = (block: ContentBlock, at: string): UserPart => toUserPart(block, at, route);
  const declared = new Set((request.tools ?? []).map((tool) => tool.name));
  const referenceText = (block: ToolReferenceBlock, at: string): string => {
    // As Anthropic does: a reference loads a tool of this request, or it is an error.
    if (!declared.has(block.tool_name)) throw invalidRequest(`${at}.tool_name: tool_reference names "${block.tool_name}", which is not in tools`);
    return toolReferenceText(names.upstream(block.tool_name));
  };
  const toolResultParts = (block: ToolResultBlock, at: string): UserPart[] => toToolResultParts(block, at, route, referenceText);
  let pendingCalls: string[] = [];

  const answerPending = (): void => {
    for (const callId of pendingCalls) items.push({ type: 'tool_result', callId, parts: [{ type: 'text', text: UNANSWERED_CALL_TEXT }] });
    pendingCalls = [];
  };

  request.messages.forEach((message, messageIndex) => {
    const blocks: ContentBlock[] = typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content;
    const where = `messages.${messageIndex}`;
    if (message.role === 'assistant') {
      answerPending();
      for (const block of blocks) {
        if (block.type === 'text') {
          if (block.text.length > 0) items.push({ type: 'assistant_text', text: block.text });
        } else if (block.type === 'tool_use') {
          for (const payload of recall?.(block.id) ?? []) items.push({ type: 'reasoning', payload });
          const callId = upstreamCallId(block.id);
          items.push({ type: 'tool_call', callId, name: names.upstream(block.name), arguments: JSON.stringify(block.input ?? {}) });
          pendingCalls.push(callId);
        } else if (block.type === 'server_tool_use') {
          items.push({ type: 'assistant_text', text: pastSearchText(block.input) });
        } else if (block.type === 'web_search_tool_result') {
          items.push({ type: 'assistant_text', text: pastSearchResultText(block.content) });
        } else if (block.type === 'thinking' || block.type === 'redacted_thinking') {
          // Only reasoning this proxy signed goes back upstream; anything else is dropped.
          const payload = signer.verify(block.type === 'thinking' ? block.signature : block.data);
          if (payload) items.push({ type: 'reasoning', payload });
        } else {
          throw invalidRequest(`${where}: an assistant message cannot hold a ${block.type} block`);
        }
      }
      return;
    }

    const parts: UserPart[] = [];
    blocks.forEach((block, blockIndex) => {
      const at = `${where}.content.${blockIndex}`;
      if (block.type === 'tool_result') {
        const callId = upstreamCallId(block.tool_use_id);
        const resultParts = toolResultParts(block, at);
        const pendingAt = pendingCalls.indexOf(callId);
        if (message.role === 'user' && pendingAt !== -1) {
          pendingCalls.splice(pendingAt, 1);
          items.push({ type: 'tool_result', callId, parts: resultParts });
        } else {
          parts.push({ type: 'text', text: `Result of tool call ${block.tool_use_id}:` }, ...resultParts);
        }
      } else if (block.type === 'thinking' || block.type === 'redacted_thinking' || block.type === 'tool_use' || block.type === 'server_tool_use' || block.type === 'web_search_tool_result') {
        throw invalidRequest(`${at}: a ${message.role} message cannot hold a ${block.type} block`);
      } else {
        parts.push(userPart(block, at));
      }
    });
    answerPending();
    if (message.role === 'system') {
      const text = parts.filter((part) => part.type === 'text').map((part) => part.text).join('\n\n');
      if (text) items.push({ type: 'system', text });
    } else if (parts.length > 0) {
      items.push({ type: 'user', parts });
    }
  });
  answerPending();
  return items;
}

/** OpenAI call ids must be short and plain; Anthropic's toolu_… ids pass unchanged, others are hashed. */
export function upstreamCallId(id: string): string {
  if (/^[a-zA-Z0-9_-]{1,40}$/.test(id)) return id;
  return `call_${createHash('sha256').update(id).digest('hex').slice(0, 24)}`;
}

function toToolResultParts(block: ToolResultBlock, at: string, route: RouteFacts, referenceText: (block: ToolReferenceBlock, at: string) => string): UserPart[] {
  const prefix = block.is_error ? 'Error: ' : '';
  if (block.content === undefined || typeof block.content === 'string') {
    const text = block.content ?? '';
    return [{ type: 'text', text: prefix + (text || '(no output)') }];
  }
  const parts = block.content.map((inner, index): UserPart => {
    const innerAt = `${at}.content.${index}`;
    return inner.type === 'tool_reference' ? { type: 'text', text: referenceText(inner, innerAt) } : toUserPart(inner, innerAt, route);
  });
  if (prefix) parts.unshift({ type: 'text', text: prefix.trim() });
  if (parts.length === 0) parts.push({ type: 'text', text: '(no output)' });
  return parts;
}

function toUserPart(block: ContentBlock, at: string, route: RouteFacts): UserPart {
  switch (block.type) {
    case 'text':
      return { type: 'text', text: block.text };
    case 'image':
      return { type: 'image', url: imageUrl(block) };
    case 'document':
      return documentPart(block, at, route);
    default:
      throw invalidRequest(`${at}: unexpected ${block.type} block`);
  }
}

function imageUrl(block: ImageBlock): string {
  return block.source.type === 'base64' ? `data:${block.source.media_type};base64,${block.source.data}` : block.source.url;
}

function documentPart(block: DocumentBlock, at: string, route: RouteFacts): UserPart {
  const title = block.title ?? 'document';
  const source = block.source;
  if (source.type === 'text') return { type: 'text', text: block.title ? `${block.title}\n\n${source.data}` : source.data };
  if (source.type === 'base64' && source.media_type.startsWith('text/')) return { type: 'text', text: Buffer.from(source.data, 'base64').toString('utf8') };
  if (source.type === 'base64' && source.media_type !== 'application/pdf') {
    throw invalidRequest(`${at}.source.media_type: documents of type ${source.media_type} are not supported (PDF or text only)`);
  }
  // PDFs go upstream as files; a route whose server takes none says so rather than sending them.
  if (!route.files) {
    throw invalidRequest(`${at}: route "${route.name}" (${route.model}) does not take files ("files": false in the route table), so this PDF document cannot be sent; send its text as a text document instead`);
  }
  if (source.type === 'url') return { type: 'file', filename: `${title}.pdf`, url: source.url };
  return { type: 'file', filename: title.endsWith('.pdf') ? title : `${title}.pdf`, dataUrl: `data:application/pdf;base64,${source.data}` };
}
