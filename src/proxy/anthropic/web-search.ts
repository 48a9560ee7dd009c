// Anthropic's web search server tool (web_search_20250305 and later versions), as the proxy
// reads it from a request: its settings, checked as Anthropic checks them, and what the
// answer's web search blocks say when they come back in a later request's history.
import { declaredTools } from './deferred-tools';
import { invalidRequest } from './errors';
import type { AnthropicTool, CountTokensRequest } from './schema';

/** web_search_20250305, web_search_20260209, …: Anthropic dates each version. */
const WEB_SEARCH_TYPE = /^web_search_\d{8}$/;
/** Anthropic's web fetch server tool: OpenAI has no hosted tool that fetches a given URL. */
const WEB_FETCH_TYPE = /^web_fetch_\d{8}$/;

export interface WebSearchLocation {
  city?: string;
  region?: string;
  country?: string;
  timezone?: string;
}

export interface WebSearchSettings {
  /** The tool's name in the request (Claude Code's: "web_search"). */
  name: string;
  maxUses?: number;
  allowedDomains?: string[];
  blockedDomains?: string[];
  userLocation?: WebSearchLocation;
}

export function isWebSearchTool(tool: Pick<AnthropicTool, 'type'>): boolean {
  return tool.type !== undefined && WEB_SEARCH_TYPE.test(tool.type);
}

/** The web search tool the model is given, or undefined when the request declares none. A web
 *  fetch server tool is refused: nothing upstream can run it. */
export function webSearchSettings(request: Pick<CountTokensRequest, 'messages' | 'tools'>): WebSearchSettings | undefined {
  // Most requests have neither tool: they skip the walk through the history that declaredTools makes.
  if (!request.tools?.some((tool) => tool.type !== undefined && (WEB_SEARCH_TYPE.test(tool.type) || WEB_FETCH_TYPE.test(tool.type)))) return undefined;
  const declared = declaredTools(request);
  // Errors name a tool by its place in the request, not in the declared order.
  const placeOf = (tool: AnthropicTool) => `tools.${request.tools!.indexOf(tool)}`;
  const fetch = declared.find((tool) => tool.type !== undefined && WEB_FETCH_TYPE.test(tool.type));
  if (fetch) {
    throw invalidRequest(`${placeOf(fetch)}: the server tool ${fetch.type} ("${fetch.name}") is not served by this proxy: OpenAI has no hosted tool that fetches a given URL; declare a client tool that fetches pages instead (Claude Code's WebFetch fetches them itself)`);
  }
  const found = declared.find(isWebSearchTool);
  if (!found) return undefined;
  const tool = found as AnthropicTool & Record<string, unknown>;
  const where = placeOf(found);
  const settings: WebSearchSettings = { name: tool.name };
  if (tool.max_uses !== undefined && tool.max_uses !== null) {
    if (!Number.isInteger(tool.max_uses) || (tool.max_uses as number) < 1) throw invalidRequest(`${where}.max_uses: expected an integer of at least 1`);
    settings.maxUses = tool.max_uses as number;
  }
  const allowed = domainList(tool.allowed_domains, `${where}.allowed_domains`);
  const blocked = domainList(tool.blocked_domains, `${where}.blocked_domains`);
  if (allowed && blocked) throw invalidRequest(`${where}: allowed_domains and blocked_domains cannot be used together`);
  if (allowed) settings.allowedDomains = allowed;
  if (blocked) settings.blockedDomains = blocked;
  const location = userLocation(tool.user_location, `${where}.user_location`);
  if (location) settings.userLocation = location;
  return settings;
}

function domainList(value: unknown, where: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((domain) => typeof domain === 'string' && domain.trim() !== '')) {
    throw invalidRequest(`${where}: expected a list of domain names`);
  }
  return value.length > 0 ? value.map((domain: string) => domain.trim()) : undefined;
}

function userLocation(value: unknown, where: string): WebSearchLocation | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidRequest(`${where}: expected an object`);
  const given = value as Record<string, unknown>;
  if (given.type !== 'approximate') throw invalidRequest(`${where}.type: expected "approximate"`);
  const location: WebSearchLocation = {};
  for (const key of ['city', 'region', 'country', 'timezone'] as const) {
    const field = given[key];
    if (field === undefined || field === null) continue;
    if (typeof field !== 'string') throw invalidRequest(`${where}.${key}: expected a string`);
    location[key] = field;
  }
  return location;
}

/** Whether a URL's host is one of the domains or under one of them ("example.com" covers
 *  "docs.example.com"); a domain with a path ("example.com/blog") covers that path and below. */
export function urlMatchesDomain(url: string, domains: readonly string[]): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  const host = parsed.hostname.toLowerCase().replace(/^www\./, '');
  return domains.some((entry) => {
    const [domain, ...path] = entry.toLowerCase().replace(/^https?:\/\//, '').replace(/^www\./, '').split('/');
    const hostMatches = host === domain || host.endsWith(`.${domain}`);
    const prefix = path.filter((part) => part !== '').join('/');
    return hostMatches && (prefix === '' || `${parsed.pathname.slice(1)}/`.startsWith(`${prefix}/`) || parsed.pathname.slice(1) === prefix);
  });
}

/** What the model reads of a past search: Claude Code keeps server_tool_use blocks in history. */
export function pastSearchText(input: unknown): string {
  const query = (input as { query?: unknown } | null)?.query;
  return typeof query === 'string' ? `(Searched the web for: ${query})` : '(Searched the web)';
}

const RESULT_PREFIX = 'cop-ws1.';

/** One search result as the proxy hands it out; encrypted_content carries its url and title so
 *  that the proxy can read them back from a later request's history. */
export function encodeSearchResult(url: string, title: string): string {
  return RESULT_PREFIX + Buffer.from(JSON.stringify({ u: url, t: title })).toString('base64url');
}

export function decodeSearchResult(encrypted: unknown): { url: string; title: string } | undefined {
  if (typeof encrypted !== 'string' || !encrypted.startsWith(RESULT_PREFIX)) return undefined;
  try {
    const decoded = JSON.parse(Buffer.from(encrypted.slice(RESULT_PREFIX.length), 'base64url').toString('utf8')) as { u?: unknown; t?: unknown };
    return typeof decoded.u === 'string' && typeof decoded.t === 'string' ? { url: decoded.u, title: decoded.t } : undefined;
  } catch {
    return undefined;
  }
}

/** What the model reads of a past web_search_tool_result: the results as a list of links (Anthropic's
 *  own encrypted page content cannot be read here), or the error. */
export function pastSearchResultText(content: unknown): string {
  if (!Array.isArray(content)) {
    const code = (content as { error_code?: unknown } | null)?.error_code;
    return `(The web search failed: ${typeof code === 'string' ? code : 'unknown error'})`;
  }
  const lines = content.flatMap((result: Record<string, unknown>) => {
    const known = decodeSearchResult(result?.encrypted_content);
    const url = known?.url ?? (typeof result?.url === 'string' ? result.url : undefined);
    if (!url) return [];
    const title = known?.title ?? (typeof result.title === 'string' ? result.title : url);
    const age = typeof result.page_age === 'string' ? ` (${result.page_age})` : '';
    return [`- ${title}: ${url}${age}`];
  });
  return lines.length > 0 ? `Web search results:\n${lines.join('\n')}` : '(The web search found nothing)';
}
