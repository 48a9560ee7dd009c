// OpenAI Chat Completions answers (streamed chunks or a whole completion) -> the assembler.
import type { ChatCompletion, ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { StopReason } from '../../anthropic/events';
import { randomToolId } from '../../anthropic/ids';
import { UpstreamAnswerError } from '../../transport/answer-error';
import type { Translation } from '../api';
import { anthropicUsage, noUsage, reportedOrEstimated, type UpstreamUsage } from '../usage';

/** Reasoning text as OpenAI-compatible servers stream it (vLLM, DeepSeek, Ollama, OpenRouter). */
type ReasoningDelta = { reasoning_content?: string | null; reasoning?: string | null };

/** Feeds streamed chunks to the assembler. Returns the usage reported, for the log. Stops early
 *  (returning) when a stop sequence matched; the caller then aborts the upstream call. */
export async function translateChatStream(chunks: AsyncIterable<ChatCompletionChunk>, t: Translation): Promise<UpstreamUsage> {
  const { assembler } = t;
  let usage: UpstreamUsage | undefined;
  let finish: string | null = null;
  let reasoning = '';
  let refused = false;
  const toolCalls = new ToolCallSequencer(t);
  for await (const chunk of chunks) {
    if (chunk.usage) usage = fromChatUsage(chunk.usage);
    const choice = chunk.choices?.[0];
    if (!choice) continue;
    const delta = choice.delta as (typeof choice.delta & ReasoningDelta) | undefined;
    if (delta) {
      const thought = delta.reasoning_content ?? delta.reasoning;
      if (thought) {
        reasoning += thought;
        assembler.thinking(thought);
      }
      if (reasoning && (delta.content || delta.tool_calls)) reasoning = signReasoning(t, reasoning);
      if (delta.refusal) {
        refused = true;
        assembler.text(delta.refusal);
      }
      if (delta.content) assembler.text(delta.content);
      for (const call of delta.tool_calls ?? []) toolCalls.fragment(call);
      if (assembler.stoppedBySequence) break;
    }
    if (choice.finish_reason) finish = choice.finish_reason;
  }
  if (reasoning) signReasoning(t, reasoning);
  toolCalls.flush();
  // Every Chat Completions stream ends its choice with a finish_reason; a stream cut before it
  // (a connection closed cleanly mid-answer, a 200 carrying an error body) is not a short answer.
  if (finish === null && !assembler.stoppedBySequence) {
    throw new UpstreamAnswerError('The upstream stream ended before the answer was complete', undefined);
  }
  const reported = await reportedOrEstimated(usage, t.estimateUsage, assembler.receivedOutputChars);
  assembler.finish(refused ? 'refusal' : stopReason(finish), anthropicUsage(reported));
  return reported;
}

export function translateChatCompletion(completion: ChatCompletion, t: Translation): UpstreamUsage {
  const { assembler } = t;
  // Some servers answer 200 with an error body instead of a completion.
  const failure = (completion as { error?: { message?: string; code?: string } }).error;
  if (failure || !Array.isArray(completion?.choices)) {
    throw new UpstreamAnswerError(failure?.message ?? 'The upstream answer is not a chat completion', failure?.code);
  }
  const usage = fromChatUsage(completion.usage);
  const choice = completion.choices[0];
  const message = choice?.message as (ChatCompletion.Choice['message'] & ReasoningDelta) | undefined;
  assembler.start(anthropicUsage(usage));
  const thought = message?.reasoning_content ?? message?.reasoning;
  if (thought) {
    assembler.thinking(thought);
    signReasoning(t, thought);
  }
  if (message?.refusal) assembler.text(message.refusal);
  if (message?.content) assembler.text(message.content);
  for (const call of message?.tool_calls ?? []) {
    if (call.type !== 'function') continue;
    assembler.toolStart(call.id || randomToolId(), t.clientToolName(call.function.name));
    assembler.toolArguments(call.function.arguments);
  }
  assembler.finish(message?.refusal ? 'refusal' : stopReason(choice?.finish_reason ?? null), anthropicUsage(usage));
  return usage;
}

type ToolCallDelta = NonNullable<ChatCompletionChunk.Choice.Delta['tool_calls']>[number];

/** Puts streamed tool-call fragments in the right tool_use block by their `index`. Anthropic's
 *  blocks come one after the other, but a server may interleave parallel calls' fragments: the
 *  first call streams through as it comes, later ones are held whole and sent when the answer
 *  ends (Claude Code runs tools only after the message anyway). */
class ToolCallSequencer {
  private liveIndex: number | undefined;
  private readonly held = new Map<number, { id: string; name: string; fragments: string[] }>();

  constructor(private readonly t: Translation) {}

  fragment(call: ToolCallDelta): void {
    const fragment = call.function?.arguments ?? '';
    if (this.liveIndex === undefined) {
      this.liveIndex = call.index;
      this.t.assembler.toolStart(call.id || randomToolId(), this.t.clientToolName(call.function?.name ?? ''));
    }
    if (call.index === this.liveIndex) {
      if (fragment) this.t.assembler.toolArguments(fragment);
      return;
    }
    let held = this.held.get(call.index);
    if (!held) this.held.set(call.index, held = { id: '', name: '', fragments: [] });
    held.id ||= call.id ?? '';
    held.name ||= call.function?.name ?? '';
    if (fragment) held.fragments.push(fragment);
  }

  /** Sends the held calls, in the order they first appeared. */
  flush(): void {
    for (const held of this.held.values()) {
      this.t.assembler.toolStart(held.id || randomToolId(), this.t.clientToolName(held.name));
      this.t.assembler.toolArguments(held.fragments.join(''));
    }
    this.held.clear();
  }
}

/** Closes the open thinking block with a proxy signature; returns '' so the caller forgets it. */
function signReasoning(t: Translation, text: string): string {
  t.assembler.thinkingSignature(t.signer.sign({ summary: [text] }));
  return '';
}

function stopReason(finish: string | null): StopReason {
  switch (finish) {
    case 'length': return 'max_tokens';
    case 'tool_calls':
    case 'function_call': return 'tool_use';
    case 'content_filter': return 'refusal';
    default: return 'end_turn';
  }
}

interface ChatUsageLike {
  prompt_tokens?: number;
  completion_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number } | null;
  completion_tokens_details?: { reasoning_tokens?: number } | null;
}

/** Chat Completions usage -> the proxy's usage (cache writes are not reported by this API). */
export function fromChatUsage(usage: ChatUsageLike | null | undefined): UpstreamUsage {
  if (!usage) return noUsage;
  return {
    input: usage.prompt_tokens ?? 0,
    cached: usage.prompt_tokens_details?.cached_tokens ?? 0,
    cacheWrite: 0,
    output: usage.completion_tokens ?? 0,
    reasoning: usage.completion_tokens_details?.reasoning_tokens ?? 0,
  };
}
