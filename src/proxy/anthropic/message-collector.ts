// Builds the non-streaming Anthropic message from the same events a stream would carry, so
// both answers come out of one translation.
import type { AnthropicResponseMessage, EventSink, OutputBlock, StreamEvent } from './events';

export class MessageCollector implements EventSink {
  private message: AnthropicResponseMessage | undefined;
  private readonly toolJson = new Map<number, string>();

  emit(event: StreamEvent): void {
    switch (event.type) {
      case 'message_start':
        this.message = { ...event.message, content: [], stop_reason: 'end_turn', stop_sequence: null };
        break;
      case 'content_block_start':
        this.requireMessage().content[event.index] = startBlock(event.content_block);
        if (event.content_block.type === 'tool_use' || event.content_block.type === 'server_tool_use') this.toolJson.set(event.index, '');
        break;
      case 'content_block_delta':
        this.applyDelta(event.index, event.delta);
        break;
      case 'content_block_stop': {
        const json = this.toolJson.get(event.index);
        const block = this.requireMessage().content[event.index];
        if (json !== undefined && (block?.type === 'tool_use' || block?.type === 'server_tool_use')) block.input = parseToolInput(json);
        break;
      }
      case 'message_delta': {
        const message = this.requireMessage();
        message.stop_reason = event.delta.stop_reason;
        message.stop_sequence = event.delta.stop_sequence;
        message.usage = { ...message.usage, ...event.usage };
        break;
      }
      default:
        break;
    }
  }

  result(): AnthropicResponseMessage {
    return this.requireMessage();
  }

  /** What was collected so far, also when the answer ended early (for the request log). */
  partialResult(): AnthropicResponseMessage | undefined {
    return this.message;
  }

  private applyDelta(index: number, delta: Extract<StreamEvent, { type: 'content_block_delta' }>['delta']): void {
    const block = this.requireMessage().content[index];
    if (delta.type === 'text_delta' && block?.type === 'text') block.text += delta.text;
    else if (delta.type === 'thinking_delta' && block?.type === 'thinking') block.thinking += delta.thinking;
    else if (delta.type === 'signature_delta' && block?.type === 'thinking') block.signature = delta.signature;
    else if (delta.type === 'citations_delta' && block?.type === 'text') (block.citations ??= []).push(delta.citation);
    else if (delta.type === 'input_json_delta') this.toolJson.set(index, (this.toolJson.get(index) ?? '') + delta.partial_json);
  }

  private requireMessage(): AnthropicResponseMessage {
    if (!this.message) throw new Error('message_start was not emitted');
    return this.message;
  }
}

function startBlock(block: Extract<StreamEvent, { type: 'content_block_start' }>['content_block']): OutputBlock {
  switch (block.type) {
    case 'text': return { type: 'text', text: '' };
    case 'thinking': return { type: 'thinking', thinking: '', signature: '' };
    case 'redacted_thinking': return { type: 'redacted_thinking', data: block.data };
    case 'tool_use': return { type: 'tool_use', id: block.id, name: block.name, input: {} };
    case 'server_tool_use': return { type: 'server_tool_use', id: block.id, name: block.name, input: {} };
    case 'web_search_tool_result': return { type: 'web_search_tool_result', tool_use_id: block.tool_use_id, content: block.content };
  }
}

/** Tool arguments from a model are usually JSON; when they are not, the raw text is kept so nothing is lost. */
export function parseToolInput(json: string): unknown {
  if (json.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(json);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : { value: parsed };
  } catch {
    return { _raw_arguments: json };
  }
}
