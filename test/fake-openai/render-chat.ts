// Renders a plan as a Chat Completions answer: a chat.completion object or chat.completion.chunk SSE.
import { beforeChunk, delayOf, reasoningTextOf, textChunksOf, toolCallsOf, usageOf, visibleTextOf, type Plan, type StreamedAnswer } from './plan';
import type { Responder } from './responder';
import { ids, nowSeconds, resolveUsage, type TokenCounts } from './util';

export interface ChatRenderContext {
  /** model name reported back (the dated snapshot) */
  model: string;
  /** the request body, serialized, for the input token estimate */
  requestText: string;
  includeUsage: boolean;
}

function usageObject(t: TokenCounts) {
  return {
    prompt_tokens: t.input,
    completion_tokens: t.output,
    total_tokens: t.input + t.output,
    prompt_tokens_details: { cached_tokens: t.cached, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: t.reasoning, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
}

function finishReason(final: StreamedAnswer): string {
  if (final.kind === 'tool_calls') return 'tool_calls';
  return final.kind === 'text' ? (final.finish ?? 'stop') : 'stop';
}

/** Non-streaming answer (text or tool_calls). */
export function chatCompletion(ctx: ChatRenderContext, plan: Plan, final: StreamedAnswer) {
  const calls = toolCallsOf(final);
  const text = textChunksOf(final).join('');
  const reasoning = reasoningTextOf(plan);
  const message: Record<string, unknown> = { role: 'assistant', content: text === '' && calls.length > 0 ? null : text, refusal: null, annotations: [] };
  if (reasoning) message.reasoning_content = reasoning;
  if (calls.length > 0) {
    message.tool_calls = calls.map((c) => ({ id: c.callId, type: 'function', function: { name: c.name, arguments: c.arguments } }));
  }
  return {
    id: ids.chatCompletion(),
    object: 'chat.completion',
    created: nowSeconds(),
    model: ctx.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason(final) }],
    usage: usageObject(resolveUsage(usageOf(final), ctx.requestText, visibleTextOf(final, calls), reasoning)),
    service_tier: 'default',
    system_fingerprint: ids.fingerprint(),
  };
}

/** Streaming answer; resolves when the stream is over (or the client left). */
export async function streamChat(out: Responder, ctx: ChatRenderContext, plan: Plan, final: StreamedAnswer): Promise<void> {
  const base = {
    id: ids.chatCompletion(),
    object: 'chat.completion.chunk',
    created: nowSeconds(),
    model: ctx.model,
    service_tier: 'default',
    system_fingerprint: ids.fingerprint(),
  };
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
    out.data({
      ...base,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
      ...(ctx.includeUsage ? { usage: null } : {}),
      obfuscation: 'x'.repeat(1 + (JSON.stringify(delta).length % 7)),
    });
  const delay = delayOf(final);
  const calls = toolCallsOf(final);

  out.startStream();
  await out.sleep(plan.silentMs);
  if (out.closed) return;
  const header = (index: number) => ({ index, id: calls[index].callId, type: 'function', function: { name: calls[index].name, arguments: '' } });
  // A tool-call-only answer starts with a role chunk that already carries the first call (as OpenAI does).
  const toolOnly = calls.length > 0 && textChunksOf(final).length === 0 && plan.reasoning.length === 0;
  chunk(toolOnly ? { role: 'assistant', content: null, tool_calls: [header(0)], refusal: null } : { role: 'assistant', content: '', refusal: null });
  for (const part of plan.reasoning.flatMap((r) => r.summary)) chunk({ reasoning_content: part });
  for (const [index, text] of textChunksOf(final).entries()) {
    await out.sleep(delay);
    await beforeChunk(final, index);
    if (out.closed) return;
    chunk({ content: text });
  }
  if (final.kind === 'stream_error') {
    out.data({ error: { message: final.message, type: 'server_error', param: null, code: final.code ?? null } });
    return out.end();
  }
  if (final.kind === 'stall') return out.untilClosed();
  for (const [index, call] of calls.entries()) {
    if (!(toolOnly && index === 0)) chunk({ tool_calls: [header(index)] });
    for (const fragment of call.fragments) {
      await out.sleep(delay);
      if (out.closed) return;
      chunk({ tool_calls: [{ index, function: { arguments: fragment } }] });
    }
  }
  chunk({}, finishReason(final));
  if (ctx.includeUsage) {
    const usage = resolveUsage(usageOf(final), ctx.requestText, visibleTextOf(final, calls), reasoningTextOf(plan));
    out.data({ ...base, choices: [], usage: usageObject(usage), obfuscation: 'xyz' });
  }
  out.data('[DONE]');
  out.end();
}
