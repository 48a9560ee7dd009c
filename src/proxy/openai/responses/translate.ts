// OpenAI Responses API answers (streamed events or a whole response) -> the assembler.
// Reasoning items become thinking blocks whose signature carries the encrypted reasoning
// (or redacted_thinking blocks when the model gave no summary), so the next turn can send it back.
// When the client shows no thinking, the proxy keeps the reasoning instead (keepReasoning).
import type { Response, ResponseOutputItem, ResponseStreamEvent } from 'openai/resources/responses/responses';
import type { StopReason } from '../../anthropic/events';
import { randomToolId } from '../../anthropic/ids';
import { UpstreamAnswerError } from '../../transport/answer-error';
import type { OmittedEventMembers } from '../../transport/sse-events';
import type { Translation } from '../api';
import type { KeepReasoning } from '../reasoning-memory';
import type { ReasoningPayload } from '../reasoning-signature';
import { citedTitles, isUrlCitation, WebSearchAnswer } from './web-search-answer';
import { anthropicUsage, noUsage, reportedOrEstimated, type UpstreamUsage } from '../usage';

/** Stream events the translator does not use: their data is never parsed (sse-events.ts skips
 *  them unread). `created` and `in_progress` each repeat the whole request; the `.done` ones repeat
 *  the deltas. An event the translator below comes to need must leave this list. */
export const UNUSED_RESPONSES_EVENTS: ReadonlySet<ResponseStreamEvent['type']> = new Set<ResponseStreamEvent['type']>([
  'response.created', 'response.in_progress', 'response.queued',
  'response.content_part.added', 'response.content_part.done', 'response.output_text.done',
  'response.function_call_arguments.done', 'response.reasoning_summary_part.done', 'response.reasoning_summary_text.done',
  // A search is read from its finished web_search_call item.
  'response.web_search_call.in_progress', 'response.web_search_call.searching', 'response.web_search_call.completed',
]);

/** The final events repeat the request's instructions and tools (100 KB and more for Claude
 *  Code), which the translator never reads: they are dropped unread. */
export const REPEATED_IN_FINAL_EVENTS: OmittedEventMembers = {
  events: new Set<ResponseStreamEvent['type']>(['response.completed', 'response.incomplete', 'response.failed']),
  within: 'response',
  members: new Set<keyof Response>(['instructions', 'tools']),
};

interface ReasoningState {
  summary: string[];
}

export async function translateResponsesStream(events: AsyncIterable<ResponseStreamEvent>, t: Translation): Promise<UpstreamUsage> {
  const { assembler } = t;
  const reasoning = new Map<number, ReasoningState>();
  const argumentsSeen = new Set<number>();
  const held = t.keepReasoning && new HeldReasoning(t.keepReasoning);
  const search = t.webSearch && new WebSearchAnswer(t.webSearch, assembler);
  // The text received of each output_text part, kept only for what a citation quotes.
  const citedParts = search && new Map<string, string>();
  let refused = false;
  for await (const event of events) {
    switch (event.type) {
      case 'response.output_item.added':
        if (event.item.type === 'function_call') {
          const callId = event.item.call_id || randomToolId();
          held?.beforeCall(callId);
          assembler.toolStart(callId, t.clientToolName(event.item.name));
        } else if (event.item.type === 'reasoning') {
          reasoning.set(event.output_index, { summary: [] });
        }
        break;
      case 'response.reasoning_summary_part.added': {
        const state = reasoning.get(event.output_index);
        if (state && state.summary.length > 0) assembler.thinking('\n\n');
        state?.summary.push('');
        break;
      }
      case 'response.reasoning_summary_text.delta': {
        const state = reasoning.get(event.output_index);
        if (state) {
          if (state.summary.length === 0) state.summary.push('');
          state.summary[state.summary.length - 1] += event.delta;
        }
        assembler.thinking(event.delta);
        break;
      }
      case 'response.reasoning_text.delta':
        assembler.thinking(event.delta);
        break;
      case 'response.output_text.delta':
        if (citedParts) {
          const part = `${event.item_id}:${event.content_index}`;
          citedParts.set(part, (citedParts.get(part) ?? '') + event.delta);
        }
        assembler.text(event.delta);
        break;
      case 'response.output_text.annotation.added':
        if (search && isUrlCitation(event.annotation)) search.cited(event.annotation, citedParts?.get(`${event.item_id}:${event.content_index}`) ?? '');
        break;
      case 'response.refusal.delta':
        refused = true;
        assembler.text(event.delta);
        break;
      case 'response.function_call_arguments.delta':
        argumentsSeen.add(event.output_index);
        assembler.toolArguments(event.delta);
        break;
      case 'response.output_item.done':
        if (event.item.type === 'reasoning') {
          closeReasoning(t, event.item, reasoning.get(event.output_index)?.summary, held);
        } else if (event.item.type === 'web_search_call') {
          search?.searched(event.item);
        } else if (event.item.type === 'function_call' && !argumentsSeen.has(event.output_index)) {
          assembler.toolArguments(event.item.arguments); // servers that send the arguments only whole
        }
        break;
      case 'response.completed':
      case 'response.incomplete': {
        const reported = event.response.usage ? fromResponsesUsage(event.response.usage) : undefined;
        return finish(t, event.response, refused, withSearches(await reportedOrEstimated(reported, t.estimateUsage, assembler.receivedOutputChars), search));
      }
      case 'response.failed':
        throw new UpstreamAnswerError(event.response.error?.message ?? 'The upstream response failed', event.response.error?.code);
      case 'error':
        throw new UpstreamAnswerError(event.message, event.code ?? undefined);
      default:
        break;
    }
    if (assembler.stoppedBySequence) break;
  }
  if (assembler.stoppedBySequence) {
    const estimated = withSearches(await reportedOrEstimated(undefined, t.estimateUsage, assembler.receivedOutputChars), search);
    assembler.finish('end_turn', anthropicUsage(estimated));
    return estimated;
  }
  throw new UpstreamAnswerError('The upstream stream ended before the response was complete', undefined);
}

export function translateResponse(response: Response, t: Translation): UpstreamUsage {
  if (!Array.isArray(response?.output)) {
    const failure = (response as { error?: { message?: string; code?: string } | null })?.error;
    throw new UpstreamAnswerError(failure?.message ?? 'The upstream answer is not a response', failure?.code);
  }
  const usage = fromResponsesUsage(response.usage);
  t.assembler.start(anthropicUsage(usage));
  if (response.status === 'failed') throw new UpstreamAnswerError(response.error?.message ?? 'The upstream response failed', response.error?.code);
  let refused = false;
  const held = t.keepReasoning && new HeldReasoning(t.keepReasoning);
  const search = t.webSearch && new WebSearchAnswer(t.webSearch, t.assembler, citedTitles(urlCitations(response)));
  for (const item of response.output ?? []) {
    if (item.type === 'reasoning') {
      const summary = item.summary.map((part) => part.text);
      const text = summary.join('\n\n') || (item.content ?? []).map((part) => part.text).join('');
      if (text) t.assembler.thinking(text);
      closeReasoning(t, item, summary, held);
    } else if (item.type === 'message') {
      for (const part of item.content) {
        if (part.type === 'output_text') {
          t.assembler.text(part.text);
          if (search) for (const annotation of part.annotations ?? []) if (isUrlCitation(annotation)) search.cited(annotation, part.text);
        } else if (part.type === 'refusal') {
          refused = true;
          t.assembler.text(part.refusal);
        }
      }
    } else if (item.type === 'function_call') {
      const callId = item.call_id || randomToolId();
      held?.beforeCall(callId);
      t.assembler.toolStart(callId, t.clientToolName(item.name));
      t.assembler.toolArguments(item.arguments);
    } else if (item.type === 'web_search_call') {
      search?.searched(item);
    }
  }
  return finish(t, response, refused, withSearches(usage, search));
}

function* urlCitations(response: Response) {
  for (const item of response.output) {
    if (item.type !== 'message') continue;
    for (const part of item.content) if (part.type === 'output_text') yield* (part.annotations ?? []).filter(isUrlCitation);
  }
}

/** The usage with the searches the answer reported (OpenAI's usage does not count them). */
function withSearches(usage: UpstreamUsage, search: WebSearchAnswer | undefined): UpstreamUsage {
  return search && search.requests > 0 ? { ...usage, webSearches: search.requests } : usage;
}

function closeReasoning(
  t: Translation, item: Extract<ResponseOutputItem, { type: 'reasoning' }>, streamedSummary: string[] | undefined, held: HeldReasoning | undefined,
): void {
  const summary = streamedSummary ?? item.summary.map((part) => part.text);
  const payload = { encrypted: item.encrypted_content ?? undefined, summary };
  if (held) return held.add(payload);
  const signature = t.signer.sign(payload);
  if (summary.some((part) => part.length > 0)) t.assembler.thinkingSignature(signature);
  else if (item.encrypted_content) t.assembler.redactedThinking(signature);
}

/** Reasoning no thinking block carries, held until the tool call it precedes gives it a key.
 *  Reasoning before a plain text answer is not kept: nothing in the next request names it. */
class HeldReasoning {
  private payloads: ReasoningPayload[] = [];

  constructor(private readonly keep: KeepReasoning) {}

  add(payload: ReasoningPayload): void {
    if (payload.encrypted) this.payloads.push(payload);
  }

  beforeCall(callId: string): void {
    if (this.payloads.length === 0) return;
    this.keep(callId, this.payloads);
    this.payloads = [];
  }
}

function finish(t: Translation, response: Response, refused: boolean, usage = fromResponsesUsage(response.usage)): UpstreamUsage {
  t.assembler.finish(refused ? 'refusal' : stopReason(response), anthropicUsage(usage));
  return usage;
}

function stopReason(response: Response): StopReason {
  if (response.status === 'incomplete') {
    return response.incomplete_details?.reason === 'content_filter' ? 'refusal' : 'max_tokens';
  }
  return 'end_turn';
}

interface ResponsesUsageLike {
  input_tokens?: number;
  output_tokens?: number;
  input_tokens_details?: { cached_tokens?: number; cache_write_tokens?: number } | null;
  output_tokens_details?: { reasoning_tokens?: number } | null;
}

/** Responses API usage -> the proxy's usage. */
export function fromResponsesUsage(usage: ResponsesUsageLike | null | undefined): UpstreamUsage {
  if (!usage) return noUsage;
  return {
    input: usage.input_tokens ?? 0,
    cached: usage.input_tokens_details?.cached_tokens ?? 0,
    cacheWrite: usage.input_tokens_details?.cache_write_tokens ?? 0,
    output: usage.output_tokens ?? 0,
    reasoning: usage.output_tokens_details?.reasoning_tokens ?? 0,
  };
}
