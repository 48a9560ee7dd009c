// Upstream failures -> Anthropic errors. One place decides every mapping.
import { AnthropicError } from '../anthropic/errors';
import { UpstreamAnswerError } from '../transport/answer-error';
import { loadOpenAISdk } from '../transport/client';

export interface ErrorContext {
  baseURL: string;
  openaiModel: string;
  /** The provider called, when it is not OpenAI itself (routing/providers.ts): messages name
   *  it. Absent: OpenAI. */
  provider?: string;
  /** How to set the provider's key, for a 401. Absent: OPENAI_API_KEY, or VS Code's command. */
  keyHint?: string;
  /** Estimates the prompt's size for an overflow message that gives no numbers. */
  promptTokens?: () => Promise<number>;
  /** The route's input window (routing/model-facts.ts): the limit an overflow reports when
   *  OpenAI's message names none. */
  inputWindow?: number;
}

interface UpstreamErrorBody {
  message?: string;
  code?: string | null;
}

export async function toAnthropicError(error: unknown, context: ErrorContext): Promise<AnthropicError> {
  if (error instanceof AnthropicError) return error;
  const { APIConnectionError, APIConnectionTimeoutError, APIError } = await loadOpenAISdk();
  if (error instanceof APIConnectionTimeoutError) {
    return new AnthropicError('api_error', `${capitalized(where(context))} did not answer in time`, { status: 504 });
  }
  if (error instanceof APIConnectionError) {
    return new AnthropicError('api_error', `Could not reach ${where(context)} (${causeOf(error)})`, { status: 502 });
  }
  if (error instanceof UpstreamAnswerError) {
    // The Responses API may report an overflow inside the stream (an error event) rather than as a 400.
    if (isContextOverflow(error.code ?? undefined, error.message)) return contextOverflow(error.message, context);
    if (error.code === 'rate_limit_exceeded') return new AnthropicError('rate_limit_error', `${rateLimit(context)} reached: ${error.message}`);
    if (saysOverloaded(error.code ?? undefined, error.message)) return new AnthropicError('overloaded_error', `${who(context)} is overloaded: ${error.message}`);
    return new AnthropicError('api_error', `${who(context)} failed to answer: ${error.message}`);
  }
  if (error instanceof APIError && typeof error.status !== 'number') {
    // The SDK throws a status-less APIError for an error object inside a Chat Completions stream.
    const body = error.error as UpstreamErrorBody | undefined;
    return toAnthropicError(new UpstreamAnswerError(body?.message ?? error.message, error.code ?? body?.code), context);
  }
  if (!(error instanceof APIError)) {
    return new AnthropicError('api_error', `Upstream call failed: ${(error as Error)?.message ?? String(error)}`);
  }
  // `instanceof` on the dynamically loaded class narrows to APIError<any, any, any>: back to its defaults (with a status, checked above).
  const failure = error as InstanceType<typeof APIError<number>>;
  const status = failure.status;
  const body = error.error as UpstreamErrorBody | undefined;
  const upstreamMessage = body?.message ?? error.message;
  const code = error.code ?? body?.code ?? undefined;
  if (isContextOverflow(code, upstreamMessage)) return contextOverflow(upstreamMessage, context);
  if (status === 500 && saysNotSupported(upstreamMessage)) {
    // llama.cpp's server answers 500 for input it cannot take (an image without a vision
    // projector): a 400, or Claude Code would retry what can never work.
    return new AnthropicError('invalid_request_error', `${context.openaiModel} at ${context.baseURL} cannot take this request: ${upstreamMessage}`);
  }
  if (status === 503 || status === 529 || (status >= 500 && saysOverloaded(code, upstreamMessage))) {
    return new AnthropicError('overloaded_error', `${who(context)} is overloaded: ${upstreamMessage}`, { headers: retryAfterHeaders(failure.headers) });
  }
  switch (status) {
    case 400:
    case 422:
      return new AnthropicError('invalid_request_error', `${who(context)} rejected the request for ${context.openaiModel}: ${upstreamMessage}`);
    case 401:
      // The upstream's own message quotes part of the key: it is not passed on.
      return new AnthropicError('authentication_error', `${keyName(context)} is missing or was rejected by ${context.baseURL}. Set a valid key (${keyHint(context)}).`);
    case 403:
      return new AnthropicError('permission_error', `${who(context)} refused access to ${context.openaiModel}: ${upstreamMessage}`);
    case 404:
      return new AnthropicError('not_found_error', context.provider ? `Model ${context.openaiModel} was not found at ${who(context)}: ${upstreamMessage}` : `OpenAI model ${context.openaiModel} was not found at ${context.baseURL}: ${upstreamMessage}`);
    case 413:
      return new AnthropicError('request_too_large', `The request is too large for ${who(context)}: ${upstreamMessage}`);
    case 429: {
      if (code === 'insufficient_quota') {
        // Retrying cannot help; a 429 would make Claude Code retry ten times.
        return new AnthropicError('permission_error', `${context.provider ? `Quota of ${who(context)}` : 'OpenAI quota'} exceeded: ${upstreamMessage}`);
      }
      return new AnthropicError('rate_limit_error', `${rateLimit(context)} reached for ${context.openaiModel}: ${upstreamMessage}`,
        { headers: retryAfterHeaders(failure.headers) });
    }
    default:
      return new AnthropicError('api_error', `${who(context)} answered ${status}: ${upstreamMessage}`, { status: status >= 500 ? status : 500 });
  }
}

/** The upstream as messages name it: "OpenAI", or `provider "local" (http://127.0.0.1:8080/v1)`. */
function who(context: Pick<ErrorContext, 'provider' | 'baseURL'>): string {
  return context.provider ? `provider "${context.provider}" (${context.baseURL})` : 'OpenAI';
}

/** Where a call went, for a failure to connect. */
function where(context: ErrorContext): string {
  return context.provider ? who(context) : `the OpenAI API at ${context.baseURL}`;
}

function rateLimit(context: ErrorContext): string {
  return context.provider ? `Rate limit of ${who(context)}` : 'OpenAI rate limit';
}

function keyName(context: ErrorContext): string {
  return context.provider ? `The API key of provider "${context.provider}"` : 'The OpenAI API key';
}

function keyHint(context: ErrorContext): string {
  return context.keyHint ?? 'OPENAI_API_KEY, or "Claude Proxy: Set OpenAI API Key" in VS Code';
}

/** A call to a provider that needs a key and has none: refused before it goes out. */
export function missingKeyError(context: ErrorContext): AnthropicError {
  return new AnthropicError('authentication_error', `${keyName(context)} is not set, and ${who(context)} needs one. Set it (${keyHint(context)}).`);
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** OpenAI also reports overload as a 500 or a failed stream with code server_is_overloaded
 *  ("The server is overloaded, please try again later."); Claude Code backs off on overloaded_error. */
function saysOverloaded(code: string | undefined, message: string): boolean {
  return code === 'server_is_overloaded' || /\boverloaded\b/i.test(message);
}

/** "image input is not supported - hint: … you may need to provide the mmproj" (llama.cpp b11669). */
function saysNotSupported(message: string): boolean {
  return /\bis not supported\b/i.test(message);
}

/** Claude Code honours retry-after (seconds) and retry-after-ms; OpenAI may send only the latter,
 *  so it is also given in whole seconds, rounded up. */
function retryAfterHeaders(headers: Headers | undefined): Record<string, string> {
  const seconds = headers?.get('retry-after');
  const milliseconds = headers?.get('retry-after-ms');
  const passed: Record<string, string> = {};
  if (milliseconds && Number.isFinite(Number(milliseconds)) && Number(milliseconds) >= 0) {
    passed['retry-after-ms'] = milliseconds;
    passed['retry-after'] = seconds ?? String(Math.ceil(Number(milliseconds) / 1000));
  } else if (seconds) {
    passed['retry-after'] = seconds;
  }
  return passed;
}

function isContextOverflow(code: string | undefined, message: string): boolean {
  return code === 'context_length_exceeded'
    || /maximum context length|context window|context_length_exceeded|too many tokens|prompt is too long|exceeds the available context size/i.test(message);
}

/** Claude Code recognises exactly this wording and compacts the conversation; when the compaction
 *  request itself is too long, it drops the oldest messages by N - M. OpenAI's Chat Completions
 *  message gives both numbers ("maximum context length is M tokens ... resulted in N tokens",
 *  "configured limit of M tokens. Your messages resulted in N tokens"); the Responses API's gives
 *  none, so N is counted and M is the route's input window. llama.cpp's server names N first:
 *  "request (N tokens) exceeds the available context size (M tokens)". */
async function contextOverflow(message: string, context: ErrorContext): Promise<AnthropicError> {
  const numbers = /(?:maximum context length is|configured limit of) (\d+) tokens.*?(?:resulted in|requested) (\d+) tokens/is.exec(message);
  const llamaNumbers = /\((\d+) tokens\) exceeds the available context size \((\d+) tokens\)/i.exec(message);
  let limit = numbers ? Number(numbers[1]) : llamaNumbers ? Number(llamaNumbers[2]) : context.inputWindow;
  let used = numbers ? Number(numbers[2]) : llamaNumbers ? Number(llamaNumbers[1]) : undefined;
  if (used === undefined && context.promptTokens) used = await context.promptTokens().catch(() => undefined);
  used ??= (limit ?? 0) + 1;
  limit ??= Math.max(0, used - 1);
  // The count is an estimate: never report a prompt that fits, or Claude Code would not compact.
  if (used <= limit) used = limit + 1;
  return new AnthropicError('invalid_request_error', `prompt is too long: ${used} tokens > ${limit} maximum`);
}

function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}
