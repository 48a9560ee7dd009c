// Builds translated requests the way the proxy does, for unit tests.
import { messagesRequest, type MessagesRequest } from '../../src/proxy/anthropic/schema';
import { toChatRequest } from '../../src/proxy/openai/chat/request';
import type { RecallReasoning } from '../../src/proxy/openai/reasoning-memory';
import { ReasoningSigner } from '../../src/proxy/openai/reasoning-signature';
import { toResponsesRequest } from '../../src/proxy/openai/responses/request';
import { ToolNameMap } from '../../src/proxy/openai/tools';
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
