// Which routes can run OpenAI's hosted web search (the route table checks its webSearchRoute with
// it, the messages handler picks a route with it). Only the Responses API has the tool, and
// OpenAI's web search guide names gpt-4.1-nano as a model without it. A model not known here
// (another server's) is taken at its word: its server answers if it cannot. Only OpenAI and Azure
// host the tool (providers.ts).
import { hostsWebSearch, routeProvider, type ProviderConfig } from './providers';

export function canSearchTheWeb(route: { model: string; api: 'chat' | 'responses' }): boolean {
  const name = route.model.toLowerCase().split('/').pop() ?? '';
  return route.api === 'responses' && !/^gpt-4\.1-nano\b/.test(name);
}

/** The route's API and model can search, and so can its provider. */
export function routeCanSearch(table: { providers: readonly Pick<ProviderConfig, 'name' | 'kind'>[] }, route: { model: string; api: 'chat' | 'responses'; provider?: string }): boolean {
  const provider = routeProvider(table, route);
  return canSearchTheWeb(route) && provider !== undefined && hostsWebSearch(provider);
}
