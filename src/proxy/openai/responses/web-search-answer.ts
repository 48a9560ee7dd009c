// OpenAI's hosted web search in an answer -> Anthropic's shapes: each web_search_call that
// searched becomes a server_tool_use block and its web_search_tool_result (the pages from
// action.sources), each url_citation annotation a web_search_result_location citation of the
// text. blocked_domains, which OpenAI cannot take, is applied here: results and citations from
// a blocked domain are dropped. max_uses is OpenAI's max_tool_calls; a search past it all the
// same is reported as Anthropic's max_uses_exceeded error.
import type { ResponseFunctionWebSearch, ResponseOutputText } from 'openai/resources/responses/responses';
import type { ResponseAssembler } from '../../anthropic/assembler';
import type { WebSearchCitation, WebSearchResult, WebSearchResultContent } from '../../anthropic/events';
import { randomServerToolId } from '../../anthropic/ids';
import { encodeSearchResult, urlMatchesDomain, type WebSearchSettings } from '../../anthropic/web-search';

type UrlCitation = Extract<ResponseOutputText['annotations'][number], { type: 'url_citation' }>;

/** Anthropic's cited_text is at most 150 characters. */
const CITED_TEXT_MAX = 150;

export class WebSearchAnswer {
  private searches = 0;

  /** `titles`: the pages' titles when known before their search is reported (a whole answer's
   *  citations); a stream names them only in citations that come after it. */
  constructor(private readonly settings: WebSearchSettings, private readonly assembler: ResponseAssembler, private readonly titles = new Map<string, string>()) {}

  /** Searches reported so far: usage.server_tool_use.web_search_requests. */
  get requests(): number {
    return this.searches;
  }

  /** A finished web_search_call item. Opening or searching within a page is part of a search,
   *  with no Anthropic block of its own. */
  searched(call: ResponseFunctionWebSearch): void {
    // A call that failed before it had an action still tells the client its search failed.
    const action = call.action ?? (call.status === 'failed' ? { type: 'search' as const } : undefined);
    if (action?.type !== 'search') return;
    this.searches++;
    const query = action.query ?? action.queries?.join(' ') ?? '';
    this.assembler.webSearch(randomServerToolId(), this.settings.name, query, this.content(call, action));
  }

  /** A url_citation annotation of `text` (the output text it annotates, as far as received). */
  cited(annotation: UrlCitation, text: string): void {
    if (this.blocked(annotation.url)) return;
    const title = annotation.title || hostOf(annotation.url);
    const citation: WebSearchCitation = {
      type: 'web_search_result_location',
      url: annotation.url,
      title,
      encrypted_index: encodeSearchResult(annotation.url, title),
      cited_text: citedText(text, annotation.start_index, annotation.end_index),
    };
    this.assembler.citation(citation);
  }

  private content(call: ResponseFunctionWebSearch, action: ResponseFunctionWebSearch.Search): WebSearchResultContent {
    if (this.settings.maxUses !== undefined && this.searches > this.settings.maxUses) return searchError('max_uses_exceeded');
    if (call.status === 'failed') return searchError('unavailable');
    const seen = new Set<string>();
    const results: WebSearchResult[] = [];
    for (const source of action.sources ?? []) {
      if (typeof source?.url !== 'string' || seen.has(source.url) || this.blocked(source.url)) continue;
      seen.add(source.url);
      const title = this.titles.get(source.url) ?? hostOf(source.url);
      results.push({ type: 'web_search_result', url: source.url, title, page_age: null, encrypted_content: encodeSearchResult(source.url, title) });
    }
    return results;
  }

  private blocked(url: string): boolean {
    return this.settings.blockedDomains !== undefined && urlMatchesDomain(url, this.settings.blockedDomains);
  }
}

/** The titles a whole answer's citations give its pages. */
export function citedTitles(annotations: Iterable<UrlCitation>): Map<string, string> {
  const titles = new Map<string, string>();
  for (const annotation of annotations) if (annotation.title && !titles.has(annotation.url)) titles.set(annotation.url, annotation.title);
  return titles;
}

export function isUrlCitation(annotation: unknown): annotation is UrlCitation {
  const candidate = annotation as Partial<UrlCitation> | null;
  return candidate?.type === 'url_citation' && typeof candidate.url === 'string';
}

function searchError(code: 'max_uses_exceeded' | 'unavailable'): WebSearchResultContent {
  return { type: 'web_search_tool_result_error', error_code: code };
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return url;
  }
}

/** What a citation backs up. OpenAI's annotation spans the link it put after a claim, so the
 *  claim is the sentence before it; the span itself when nothing comes before. */
function citedText(text: string, start: number, end: number): string {
  const before = text.slice(0, Math.max(0, start)).replace(/[\s(]+$/, '');
  const inner = before.replace(/[.!?]$/, ''); // the claim's own full stop
  const boundary = Math.max(inner.lastIndexOf('\n'), ...['. ', '! ', '? '].map((mark) => inner.lastIndexOf(mark) + 1));
  const claim = before.slice(Math.max(0, boundary)).trim();
  const cited = claim || text.slice(start, end).trim();
  return cited.length > CITED_TEXT_MAX ? cited.slice(cited.length - CITED_TEXT_MAX) : cited;
}
