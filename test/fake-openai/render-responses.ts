// Renders a plan as a Responses API answer. The same walk produces the SSE events (stream: true)
// and the final response object (stream: false).
import { beforeChunk, delayOf, reasoningTextOf, textChunksOf, toolCallsOf, usageOf, visibleTextOf, type Plan, type StreamedAnswer } from './plan';
import type { Responder } from './responder';
import type { FakeSearch } from './types';
import { ids, nowSeconds, resolveUsage, type TokenCounts } from './util';

export interface ResponsesRenderContext {
  model: string;
  body: Record<string, any>;
  requestText: string;
  reasoningModel: boolean;
  includeEncrypted: boolean;
  summaryRequested: boolean;
  /** the request gave the model the hosted web_search tool */
  webSearch: boolean;
  /** include has web_search_call.action.sources */
  includeSources: boolean;
  maxToolCalls: number | undefined;
  /** called with every encrypted_content the fake hands out, so it can verify it later */
  issueEncrypted(value: string): void;
}

type Item = Record<string, any>;

const clone = <T>(value: T): T => structuredClone(value);

function usageObject(t: TokenCounts) {
  return {
    input_tokens: t.input,
    input_tokens_details: { cached_tokens: t.cached },
    output_tokens: t.output,
    output_tokens_details: { reasoning_tokens: t.reasoning },
    total_tokens: t.input + t.output,
  };
}

function baseResponse(ctx: ResponsesRenderContext): Record<string, any> {
  const b = ctx.body;
  return {
    id: ids.response(),
    object: 'response',
    created_at: nowSeconds(),
    status: 'in_progress',
    background: false,
    error: null,
    incomplete_details: null,
    instructions: b.instructions ?? null,
    max_output_tokens: b.max_output_tokens ?? null,
    max_tool_calls: b.max_tool_calls ?? null,
    model: ctx.model,
    output: [],
    parallel_tool_calls: b.parallel_tool_calls ?? true,
    previous_response_id: b.previous_response_id ?? null,
    prompt_cache_key: b.prompt_cache_key ?? null,
    reasoning: ctx.reasoningModel ? { effort: b.reasoning?.effort ?? 'medium', summary: b.reasoning?.summary ?? null } : { effort: null, summary: null },
    safety_identifier: b.safety_identifier ?? null,
    service_tier: 'default',
    store: b.store !== false,
    temperature: b.temperature ?? 1,
    text: { format: { type: 'text' }, verbosity: 'medium', ...(b.text ?? {}) },
    tool_choice: b.tool_choice ?? 'auto',
    tools: (b.tools ?? []).map((t: Item) => (t.type === 'function' ? { strict: true, description: null, ...t } : t)),
    top_logprobs: 0,
    top_p: b.top_p ?? 1,
    truncation: b.truncation ?? 'disabled',
    usage: null,
    user: b.user ?? null,
    metadata: b.metadata ?? {},
  };
}

/**
 * Walks the plan. With `out` it streams events (honouring delays); without, it only builds the result.
 * Returns the final response object, or null when the stream ended early (error, stall, client gone).
 */
export async function renderResponses(out: Responder | null, ctx: ResponsesRenderContext, plan: Plan, final: StreamedAnswer): Promise<Record<string, any> | null> {
  let sequence = 0;
  const emit = (type: string, fields: Record<string, unknown>) => out?.event(type, { type, sequence_number: sequence++, ...fields });
  const sleep = async (ms: number) => {
    if (out) await out.sleep(ms);
    return !out?.closed;
  };
  const response = baseResponse(ctx);
  const calls = toolCallsOf(final);
  const delay = delayOf(final);
  const obfuscation = (s: string) => 'x'.repeat(1 + (s.length % 7));

  const added = (item: Item) => emit('response.output_item.added', { output_index: response.output.length, item: clone(item) });
  const done = (item: Item) => {
    emit('response.output_item.done', { output_index: response.output.length, item: clone(item) });
    response.output.push(item);
  };

  out?.startStream();
  emit('response.created', { response: clone(response) });
  emit('response.in_progress', { response: clone(response) });
  if (!(await sleep(plan.silentMs))) return null;

  for (const r of plan.reasoning) {
    const item: Item = { id: ids.reasoning(), type: 'reasoning', summary: [] };
    const at = { item_id: item.id, output_index: response.output.length };
    added(item);
    if (ctx.summaryRequested) {
      for (const [summary_index, text] of r.summary.entries()) {
        emit('response.reasoning_summary_part.added', { ...at, summary_index, part: { type: 'summary_text', text: '' } });
        emit('response.reasoning_summary_text.delta', { ...at, summary_index, delta: text, obfuscation: obfuscation(text) });
        emit('response.reasoning_summary_text.done', { ...at, summary_index, text });
        emit('response.reasoning_summary_part.done', { ...at, summary_index, part: { type: 'summary_text', text } });
        item.summary.push({ type: 'summary_text', text });
      }
    }
    if (ctx.includeEncrypted) {
      item.encrypted_content = r.encrypted ?? ids.encrypted();
      ctx.issueEncrypted(item.encrypted_content);
    }
    done(item);
  }

  const searches = ctx.webSearch && final.kind === 'text' ? (final.searches ?? []).slice(0, ctx.maxToolCalls) : [];
  for (const search of searches) {
    const item: Item = { id: ids.webSearch(), type: 'web_search_call', status: 'in_progress', action: { type: 'search' } };
    const at = { item_id: item.id, output_index: response.output.length };
    added(item);
    emit('response.web_search_call.in_progress', at);
    emit('response.web_search_call.searching', at);
    if (!(await sleep(delay))) return null;
    if (!search.failed) emit('response.web_search_call.completed', at);
    item.status = search.failed ? 'failed' : 'completed';
    item.action = { type: 'search', query: search.query, queries: [search.query] };
    if (ctx.includeSources && !search.failed) item.action.sources = search.results.map((result) => ({ type: 'url', url: result.url }));
    done(item);
  }
  const annotations = citationsOf(textChunksOf(final).join(''), searches);

  const chunks = textChunksOf(final);
  const incomplete = final.kind === 'text' && final.finish !== undefined && final.finish !== 'stop';
  if (chunks.length > 0) {
    const item: Item = { id: ids.message(), type: 'message', status: 'in_progress', content: [], role: 'assistant' };
    const at = { item_id: item.id, output_index: response.output.length, content_index: 0 };
    const part = { type: 'output_text', annotations: [], logprobs: [], text: '' };
    added(item);
    emit('response.content_part.added', { ...at, part: clone(part) });
    let received = 0;
    let announced = 0;
    for (const [index, delta] of chunks.entries()) {
      if (!(await sleep(delay))) return null;
      if (out) await beforeChunk(final, index);
      if (out?.closed) return null;
      emit('response.output_text.delta', { ...at, delta, logprobs: [], obfuscation: obfuscation(delta) });
      received += delta.length;
      // As OpenAI does: a citation is announced once the text it annotates has been sent.
      for (; announced < annotations.length && annotations[announced].end_index <= received; announced++) {
        emit('response.output_text.annotation.added', { ...at, annotation_index: announced, annotation: clone(annotations[announced]) });
      }
    }
    if (final.kind === 'stream_error') return failStream(out, emit, response, final.message, final.via ?? 'error', final.code ?? 'server_error');
    if (final.kind === 'stall') return out ? (await out.untilClosed(), null) : null;
    const text = chunks.join('');
    emit('response.output_text.done', { ...at, text, logprobs: [] });
    emit('response.content_part.done', { ...at, part: { ...part, text } });
    item.status = incomplete ? 'incomplete' : 'completed';
    item.content = [{ ...part, text, annotations }];
    done(item);
  } else if (final.kind === 'stream_error') {
    return failStream(out, emit, response, final.message, final.via ?? 'error', final.code ?? 'server_error');
  } else if (final.kind === 'stall') {
    return out ? (await out.untilClosed(), null) : null;
  }

  for (const call of calls) {
    const item: Item = { id: ids.functionCall(), type: 'function_call', status: 'in_progress', arguments: '', call_id: call.callId, name: call.name };
    const at = { item_id: item.id, output_index: response.output.length };
    added(item);
    for (const delta of call.fragments) {
      if (!(await sleep(delay))) return null;
      emit('response.function_call_arguments.delta', { ...at, delta, obfuscation: obfuscation(delta) });
    }
    emit('response.function_call_arguments.done', { ...at, name: call.name, arguments: call.arguments });
    Object.assign(item, { status: 'completed', arguments: call.arguments });
    done(item);
  }

  const usage = resolveUsage(usageOf(final), ctx.requestText, visibleTextOf(final, calls), reasoningTextOf(plan));
  response.usage = usageObject(usage);
  if (incomplete && final.kind === 'text') {
    response.status = 'incomplete';
    response.incomplete_details = { reason: final.finish === 'length' ? 'max_output_tokens' : 'content_filter' };
    emit('response.incomplete', { response: clone(response) });
  } else {
    response.status = 'completed';
    response.completed_at = nowSeconds();
    emit('response.completed', { response: clone(response) });
  }
  out?.end();
  return response;
}

function failStream(out: Responder | null, emit: (type: string, fields: Record<string, unknown>) => void, response: Record<string, any>, message: string, via: 'error' | 'response.failed', code: string): null {
  if (via === 'error') {
    emit('error', { code, message, param: null });
  } else {
    Object.assign(response, { status: 'failed', error: { code, message } });
    emit('response.failed', { response: clone(response) });
  }
  out?.end();
  return null;
}

/** url_citation annotations on the markdown links `([title](url))` the text makes to a search
 *  result, as OpenAI marks its citations. */
function citationsOf(text: string, searches: FakeSearch[]): Item[] {
  const annotations: Item[] = [];
  for (const result of searches.filter((search) => !search.failed).flatMap((search) => search.results)) {
    const link = text.indexOf(`](${result.url})`);
    const open = link === -1 ? -1 : text.lastIndexOf('[', link);
    if (open === -1) continue;
    const wrapped = text[open - 1] === '(' && text[link + result.url.length + 3] === ')';
    const start = wrapped ? open - 1 : open;
    const end = link + result.url.length + 3 + (wrapped ? 1 : 0);
    annotations.push({ type: 'url_citation', start_index: start, end_index: end, url: result.url, title: result.title });
  }
  return annotations.sort((a, b) => a.end_index - b.end_index);
}
