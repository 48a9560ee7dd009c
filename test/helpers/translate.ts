// Builds translated requests the way the proxy does, and collects translated answers, for unit tests.
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { ResponseAssembler } from '../../src/proxy/anthropic/assembler';
import type { StreamEvent } from '../../src/proxy/anthropic/events';
import { MessageCollector } from '../../src/proxy/anthropic/message-collector';
import { messagesRequest, type MessagesRequest } from '../../src/proxy/anthropic/schema';
import type { WebSearchSettings } from '../../src/proxy/anthropic/web-search';
import { toChatRequest } from '../../src/proxy/openai/chat/request';
import type { RecallReasoning } from '../../src/proxy/openai/reasoning-memory';
import { ReasoningSigner } from '../../src/proxy/openai/reasoning-signature';
import { toResponsesRequest } from '../../src/proxy/openai/responses/request';
import { ToolNameMap } from '../../src/proxy/openai/tools';
import type { UpstreamUsage } from '../../src/proxy/openai/usage';
import { RouteTable, type ResolvedRoute } from '../../src/proxy/routing/match';
import { defaultRouteTable, parseRouteTable, type RouteConfig } from '../../src/proxy/routing/table';

export const testSigner = new ReasoningSigner(Buffer.from('unit-test-reasoning-key'));

export function route(overrides: Partial<RouteConfig> = {}): ResolvedRoute {
  const table = new RouteTable(parseRouteTable({ routes: [{ name: 'r', model: 'gpt-5-mini', ...overrides }] }));
  return table.find('r')!;
}

export const defaultRoutes = new RouteTable(parseRouteTable(defaultRouteTable));

export function request(body: Partial<MessagesRequest> & Record<string, unknown>): MessagesRequest {
  return messagesRequest.parse({ model: 'claude-sonnet-4-5', max_tokens: 1000, messages: [{ role: 'user', content: 'hi' }], ...body });
}

export function chat(body: MessagesRequest, r: ResolvedRoute = route({ api: 'chat' })) {
  return toChatRequest(body, r, new ToolNameMap(body), testSigner);
}

export function responses(body: MessagesRequest, r: ResolvedRoute = route({ api: 'responses', model: 'gpt-5-codex' }), recall?: RecallReasoning) {
  return toResponsesRequest(body, r, new ToolNameMap(body), testSigner, recall);
}

/** A translation whose assembler collects the answer (`collector.result()`) and its events;
 *  `estimate` is the usage estimateUsage gives, and `estimated` the output sizes it was asked for. */
export function collectingTranslation(options: { stopSequences?: string[]; estimate?: UpstreamUsage; webSearch?: WebSearchSettings } = {}) {
  const collector = new MessageCollector();
  const events: StreamEvent[] = [];
  const sink = { emit: (event: StreamEvent) => { events.push(event); collector.emit(event); } };
  const assembler = new ResponseAssembler(sink, { messageId: 'msg_t', model: 'claude-x', stopSequences: options.stopSequences });
  const estimated: number[] = [];
  const t = {
    assembler, signer: testSigner, clientToolName: (name: string) => name, webSearch: options.webSearch,
    estimateUsage: options.estimate && ((outputChars: number) => { estimated.push(outputChars); return Promise.resolve(options.estimate!); }),
  };
  return { collector, events, t, estimated };
}

/** The items as an async stream. */
export async function* streamOf<T>(items: T[]): AsyncIterable<T> {
  // Each item a microtask after the last, as a network stream hands them over.
  for (const item of items) yield await Promise.resolve(item);
}

export type ToolDelta = { index: number; id?: string; type?: 'function'; function?: { name?: string; arguments?: string } };
/** A streamed Chat Completions chunk with one choice. */
export const chatCompletionChunk = (delta: { content?: string; tool_calls?: ToolDelta[] }, finish: string | null = null): ChatCompletionChunk =>
  ({ id: 'c', object: 'chat.completion.chunk', created: 0, model: 'm', choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }] }) as ChatCompletionChunk;
/** The final usage-only chunk of a Chat Completions stream. */
export const chatUsageChunk = (prompt: number, completion: number): ChatCompletionChunk =>
  ({ id: 'c', object: 'chat.completion.chunk', created: 0, model: 'm', choices: [], usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion } });
