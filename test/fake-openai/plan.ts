// A scripted answer flattened into: reasoning items first, then the final answer.
import type { ScriptedAnswer, Usage } from './types';
import { ids } from './util';

export type FinalAnswer = Exclude<ScriptedAnswer, { kind: 'reasoning' }>;
export type StreamedAnswer = Extract<FinalAnswer, { kind: 'text' | 'tool_calls' | 'stream_error' | 'stall' }>;

export interface ReasoningPlan {
  summary: string[];
  encrypted?: string;
}

export interface Plan {
  reasoning: ReasoningPlan[];
  silentMs: number;
  final: FinalAnswer;
}

export const DEFAULT_ANSWER: ScriptedAnswer = { kind: 'text', chunks: ['Hello from the fake.'] };

export function planOf(answer: ScriptedAnswer): Plan {
  const reasoning: ReasoningPlan[] = [];
  let silentMs = 0;
  while (answer.kind === 'reasoning') {
    reasoning.push({ summary: answer.summary, encrypted: answer.encrypted });
    silentMs += answer.silentMs ?? 0;
    answer = answer.then;
  }
  return { reasoning, silentMs, final: answer };
}

export interface ToolCallPlan {
  callId: string;
  name: string;
  fragments: string[];
  arguments: string;
}

/** Tool calls with their ids fixed, so chat and responses render the same thing. */
export function toolCallsOf(final: StreamedAnswer): ToolCallPlan[] {
  if (final.kind !== 'tool_calls') return [];
  return final.calls.map((call) => ({ callId: call.id ?? ids.toolCall(), name: call.name, fragments: call.fragments, arguments: call.fragments.join('') }));
}

/** Text chunks the answer streams before its tool calls / error / stall. */
export function textChunksOf(final: StreamedAnswer): string[] {
  if (final.kind === 'text') return final.chunks;
  if (final.kind === 'tool_calls') return final.text ? [final.text] : [];
  return final.afterChunks;
}

export function usageOf(final: StreamedAnswer): Usage | undefined {
  return final.kind === 'text' || final.kind === 'tool_calls' ? final.usage : undefined;
}

/** Waits for the script's handshake (if any) before text chunk `index`. */
export async function beforeChunk(final: StreamedAnswer, index: number): Promise<void> {
  if (final.kind === 'text' && index > 0) await final.beforeChunk?.(index);
}

export function delayOf(final: StreamedAnswer): number {
  return final.kind === 'text' || final.kind === 'tool_calls' ? (final.delayMs ?? 0) : 0;
}

/** Text the usage estimate counts as visible output. */
export function visibleTextOf(final: StreamedAnswer, calls: ToolCallPlan[]): string {
  return textChunksOf(final).join('') + calls.map((c) => c.name + c.arguments).join('');
}

export const reasoningTextOf = (plan: Plan) => plan.reasoning.flatMap((r) => r.summary).join('');
