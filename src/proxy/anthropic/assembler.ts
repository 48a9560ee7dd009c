// Turns what an upstream answer says (text, reasoning, tool calls, the end) into Anthropic's
// event sequence, whichever OpenAI API produced it. A small state machine: at most one content
// block is open at a time, indices grow by one per block, and empty text blocks are never sent.
import { UpstreamAnswerError } from '../transport/answer-error';
import type { AnthropicUsage, EventSink, StopReason, WebSearchCitation, WebSearchResultContent } from './events';
import type { ThinkingDisplay } from './normalize';
import { StopSequenceCutter } from './stop-sequences';

type OpenBlock = 'none' | 'text' | 'thinking' | 'tool_use';

export interface AssemblerOptions {
  messageId: string;
  /** The Claude model name the client asked for: Claude Code expects it back. */
  model: string;
  stopSequences?: readonly string[];
  /** What the client sees of the reasoning (normalize.ts); "summarized" when not given. */
  thinking?: ThinkingDisplay;
}

export class ResponseAssembler {
  private open: OpenBlock = 'none';
  private nextIndex = 0;
  private started = false;
  private finished = false;
  private sawToolUse = false;
  private readonly cutter: StopSequenceCutter | undefined;
  private outputChars = 0;

  constructor(private readonly sink: EventSink, private readonly options: AssemblerOptions) {
    const sequences = options.stopSequences?.filter((sequence) => sequence.length > 0) ?? [];
    this.cutter = sequences.length > 0 ? new StopSequenceCutter(sequences) : undefined;
  }

  /** True once a stop sequence matched: the caller should end the upstream call. */
  get stoppedBySequence(): boolean {
    return this.cutter?.matched != null;
  }

  /** Characters of text, reasoning and tool arguments received: the basis of a usage estimate
   *  when the upstream reports none. */
  get receivedOutputChars(): number {
    return this.outputChars;
  }

  private get display(): ThinkingDisplay {
    return this.options.thinking ?? 'summarized';
  }

  get hasStarted(): boolean {
    return this.started;
  }

  get hasFinished(): boolean {
    return this.finished;
  }

  start(usage: AnthropicUsage = { input_tokens: 0, output_tokens: 0 }): void {
    if (this.started) return;
    this.started = true;
    this.sink.emit({
      type: 'message_start',
      message: {
        id: this.options.messageId, type: 'message', role: 'assistant', model: this.options.model,
        content: [], stop_reason: null, stop_sequence: null, usage,
      },
    });
  }

  text(delta: string): void {
    if (this.stoppedBySequence || checkString(delta, 'text').length === 0) return;
    this.outputChars += delta.length;
    const safe = this.cutter ? this.cutter.push(delta) : delta;
    this.emitText(safe);
  }

  thinking(delta: string): void {
    if (this.stoppedBySequence || checkString(delta, 'reasoning').length === 0) return;
    this.outputChars += delta.length;
    if (this.display !== 'summarized') return;
    this.ensureBlock('thinking');
    this.sink.emit({ type: 'content_block_delta', index: this.nextIndex - 1, delta: { type: 'thinking_delta', thinking: delta } });
  }

  /** Closes the thinking block with its signature; opens an empty one if no text came. */
  thinkingSignature(signature: string): void {
    if (this.stoppedBySequence || this.display === 'none') return;
    this.ensureBlock('thinking');
    this.sink.emit({ type: 'content_block_delta', index: this.nextIndex - 1, delta: { type: 'signature_delta', signature } });
    this.closeBlock();
  }

  redactedThinking(data: string): void {
    if (this.stoppedBySequence || this.display === 'none') return;
    // With display "omitted" Anthropic sends every thinking block as an empty one with a signature.
    if (this.display === 'omitted') return this.thinkingSignature(data);
    this.closeBlock();
    this.start();
    this.sink.emit({ type: 'content_block_start', index: this.nextIndex, content_block: { type: 'redacted_thinking', data } });
    this.sink.emit({ type: 'content_block_stop', index: this.nextIndex });
    this.nextIndex++;
  }

  toolStart(id: string, name: string): void {
    if (this.stoppedBySequence) return;
    checkString(id, 'tool call id');
    checkString(name, 'tool name');
    this.flushHeldText();
    this.closeBlock();
    this.start();
    this.sawToolUse = true;
    this.sink.emit({ type: 'content_block_start', index: this.nextIndex, content_block: { type: 'tool_use', id, name, input: {} } });
    this.nextIndex++;
    this.open = 'tool_use';
  }

  toolArguments(fragment: string): void {
    if (this.stoppedBySequence || this.open !== 'tool_use' || checkString(fragment, 'tool arguments').length === 0) return;
    this.outputChars += fragment.length;
    this.sink.emit({ type: 'content_block_delta', index: this.nextIndex - 1, delta: { type: 'input_json_delta', partial_json: fragment } });
  }

  /** A search the server ran: its server_tool_use block and, right after, its result block. */
  webSearch(id: string, name: string, query: string, content: WebSearchResultContent): void {
    if (this.stoppedBySequence) return;
    this.flushHeldText();
    this.closeBlock();
    this.start();
    this.sink.emit({ type: 'content_block_start', index: this.nextIndex, content_block: { type: 'server_tool_use', id, name, input: {} } });
    this.sink.emit({ type: 'content_block_delta', index: this.nextIndex, delta: { type: 'input_json_delta', partial_json: JSON.stringify({ query }) } });
    this.sink.emit({ type: 'content_block_stop', index: this.nextIndex });
    this.nextIndex++;
    this.sink.emit({ type: 'content_block_start', index: this.nextIndex, content_block: { type: 'web_search_tool_result', tool_use_id: id, content } });
    this.sink.emit({ type: 'content_block_stop', index: this.nextIndex });
    this.nextIndex++;
  }

  /** A citation of the text block being written (a text block opens if none is). */
  citation(citation: WebSearchCitation): void {
    if (this.stoppedBySequence) return;
    this.ensureBlock('text');
    this.sink.emit({ type: 'content_block_delta', index: this.nextIndex - 1, delta: { type: 'citations_delta', citation } });
  }

  /** Ends the message. `reason` is what the upstream said; a matched stop sequence wins. */
  finish(reason: StopReason, usage: AnthropicUsage): void {
    if (this.finished) return;
    if (!this.stoppedBySequence) this.flushHeldText();
    this.start();
    this.closeBlock();
    this.finished = true;
    let stopReason = reason;
    let stopSequence: string | null = null;
    if (this.stoppedBySequence) {
      stopReason = 'stop_sequence';
      stopSequence = this.cutter!.matched;
    } else if (this.sawToolUse && reason === 'end_turn') {
      stopReason = 'tool_use';
    }
    this.sink.emit({ type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: stopSequence }, usage });
    this.sink.emit({ type: 'message_stop' });
  }

  private flushHeldText(): void {
    if (this.cutter) this.emitText(this.cutter.flush());
  }

  private emitText(text: string): void {
    if (text.length === 0) return;
    this.ensureBlock('text');
    this.sink.emit({ type: 'content_block_delta', index: this.nextIndex - 1, delta: { type: 'text_delta', text } });
  }

  private ensureBlock(kind: 'text' | 'thinking'): void {
    if (this.open === kind) return;
    if (kind !== 'text') this.flushHeldText();
    this.closeBlock();
    this.start();
    const block = kind === 'text' ? { type: 'text' as const, text: '' as const } : { type: 'thinking' as const, thinking: '' as const, signature: '' as const };
    this.sink.emit({ type: 'content_block_start', index: this.nextIndex, content_block: block });
    this.nextIndex++;
    this.open = kind;
  }

  private closeBlock(): void {
    if (this.open === 'none') return;
    this.sink.emit({ type: 'content_block_stop', index: this.nextIndex - 1 });
    this.open = 'none';
  }
}

/** Upstream values arrive unchecked from the wire: one that is not a string (a number, an object
 *  from a broken server) fails the answer instead of becoming a malformed Anthropic event. */
function checkString(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new UpstreamAnswerError(`The upstream answer is malformed: its ${what} is not a string`, undefined);
  return value;
}
