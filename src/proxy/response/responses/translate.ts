// OpenAI Responses API answers (streamed events or a whole response) -> the assembler.
// Reasoning items become thinking blocks whose signature carries the encrypted reasoning
// (or redacted_thinking blocks when the model gave no summary), so the next turn can send it back.
import type { Response, ResponseOutputItem, ResponseStreamEvent } from 'openai/resources/responses/responses';
import type { ResponseAssembler } from '../assembler';
import type { StopReason } from '../events';
import { randomToolId } from '../ids';
import { UpstreamAnswerError } from '../upstream-answer-error';
import type { ReasoningSigner } from '../reasoning-signature';
import { anthropicUsage, fromResponsesUsage, reportedOrEstimated, type UpstreamUsage, type UsageEstimator } from '../usage';

export interface ResponsesTranslation {
  assembler: ResponseAssembler;
  signer: ReasoningSigner;
  clientToolName: (upstreamName: string) => string;
  /** Estimates usage when the stream reports none (cut by a stop sequence, or a server without usage). */
  estimateUsage?: UsageEstimator;
}


interface ReasoningState {
  summary: string[];
}

export async function translateResponsesStream(events: AsyncIterable<ResponseStreamEvent>, t: ResponsesTranslation): Promise<UpstreamUsage> {
  const { assembler } = t;
  const reasoning = new Map<number, ReasoningState>();
  const argumentsSeen = new Set<number>();
  let refused = false;
  for await (const event of events) {
    switch (event.type) {
      case 'response.output_item.added':
        if (event.item.type === 'function_call') {
          assembler.toolStart(event.item.call_id || randomToolId(), t.clientToolName(event.item.name));
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
        assembler.text(event.delta);
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
          closeReasoning(t, event.item, reasoning.get(event.output_index)?.summary);
        } else if (event.item.type === 'function_call' && !argumentsSeen.has(event.output_index)) {
          assembler.toolArguments(event.item.arguments); // servers that send the arguments only whole
        }
        break;
      case 'response.completed':
      case 'response.incomplete': {
        const reported = event.response.usage ? fromResponsesUsage(event.response.usage) : undefined;
        return finish(t, event.response, refused, await reportedOrEstimated(reported, t.estimateUsage, assembler.receivedOutputChars));
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
    const estimated = await reportedOrEstimated(undefined, t.estimateUsage, assembler.receivedOutputChars);
    assembler.finish('end_turn', anthropicUsage(estimated));
    return estimated;
  }
  throw new UpstreamAnswerError('The upstream stream ended before the response was complete', undefined);
}

export function translateResponse(response: Response, t: ResponsesTranslation): UpstreamUsage {
  if (!Array.isArray(response?.output)) {
    const failure = (response as { error?: { message?: string; code?: string } | null })?.error;
    throw new UpstreamAnswerError(failure?.message ?? 'The upstream answer is not a response', failure?.code);
  }
  const usage = fromResponsesUsage(response.usage);
  t.assembler.start(anthropicUsage(usage));
  if (response.status === 'failed') throw new UpstreamAnswerError(response.error?.message ?? 'The upstream response failed', response.error?.code);
  let refused = false;
  for (const item of response.output ?? []) {
    if (item.type === 'reasoning') {
      const summary = item.summary.map((part) => part.text);
      const text = summary.join('\n\n') || (item.content ?? []).map((part) => part.text).join('');
      if (text) t.assembler.thinking(text);
      closeReasoning(t, item, summary);
    } else if (item.type === 'message') {
      for (const part of item.content) {
        if (part.type === 'output_text') t.assembler.text(part.text);
        else if (part.type === 'refusal') {
          refused = true;
          t.assembler.text(part.refusal);
        }
      }
    } else if (item.type === 'function_call') {
      t.assembler.toolStart(item.call_id || randomToolId(), t.clientToolName(item.name));
      t.assembler.toolArguments(item.arguments);
    }
  }
  return finish(t, response, refused);
}

function closeReasoning(t: ResponsesTranslation, item: Extract<ResponseOutputItem, { type: 'reasoning' }>, streamedSummary: string[] | undefined): void {
  const summary = streamedSummary ?? item.summary.map((part) => part.text);
  const signature = t.signer.sign({ encrypted: item.encrypted_content ?? undefined, summary });
  if (summary.some((part) => part.length > 0)) t.assembler.thinkingSignature(signature);
  else if (item.encrypted_content) t.assembler.redactedThinking(signature);
}

function finish(t: ResponsesTranslation, response: Response, refused: boolean, usage = fromResponsesUsage(response.usage)): UpstreamUsage {
  t.assembler.finish(refused ? 'refusal' : stopReason(response), anthropicUsage(usage));
  return usage;
}

function stopReason(response: Response): StopReason {
  if (response.status === 'incomplete') {
    return response.incomplete_details?.reason === 'content_filter' ? 'refusal' : 'max_tokens';
  }
  return 'end_turn';
}
