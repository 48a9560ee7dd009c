// OpenAI's error envelope and the wordings the real API uses for the errors the fake reproduces.

export interface ErrorBody {
  message: string;
  type: string;
  param: string | null;
  code: string | number | null;
}

/** Thrown by the validators; the server turns it into an HTTP answer. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
  ) {
    super(body.message);
  }
}

export function fail(status: number, message: string, param: string | null = null, code: string | null = null, type = 'invalid_request_error'): never {
  throw new ApiError(status, { message, type, param, code });
}

export const invalid = (message: string, param: string | null = null, code: string | null = null): never => fail(400, message, param, code);

/** 'a', 'b', and 'c' (OpenAI's enumeration style). */
export function quoteList(values: string[]): string {
  const quoted = values.map((v) => `'${v}'`);
  if (quoted.length <= 1) return quoted.join('');
  if (quoted.length === 2) return `${quoted[0]} and ${quoted[1]}`;
  return `${quoted.slice(0, -1).join(', ')}, and ${quoted[quoted.length - 1]}`;
}

export const missing = (param: string): never => invalid(`Missing required parameter: '${param}'.`, param, 'missing_required_parameter');

export function invalidValue(value: unknown, supported: string[], param: string): never {
  return invalid(`Invalid value: '${String(value)}'. Supported values are: ${quoteList(supported)}.`, param, 'invalid_value');
}

const JSON_KIND = { string: 'a string', number: 'a decimal', integer: 'an integer', boolean: 'a boolean', object: 'an object', array: 'an array' } as const;
type JsonKind = keyof typeof JSON_KIND;

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a decimal';
  return (JSON_KIND as Record<string, string | undefined>)[typeof value] ?? typeof value;
}

export function invalidType(param: string, expected: JsonKind | 'array of objects', value: unknown): never {
  const wanted = expected === 'array of objects' ? 'an array of objects' : JSON_KIND[expected];
  return invalid(`Invalid type for '${param}': expected ${wanted}, but got ${kindOf(value)} instead.`, param, 'invalid_type');
}

export function checkType(value: unknown, expected: JsonKind, param: string): void {
  const ok =
    expected === 'array' ? Array.isArray(value)
    : expected === 'object' ? typeof value === 'object' && value !== null && !Array.isArray(value)
    : expected === 'integer' ? Number.isInteger(value)
    : typeof value === expected;
  if (!ok) invalidType(param, expected, value);
}

export function belowMin(param: string, min: number, got: number): never {
  return invalid(`Invalid '${param}': integer below minimum value. Expected a value >= ${min}, but got ${got} instead.`, param, 'integer_below_min_value');
}

export function tooLong(param: string, max: number, got: number): never {
  return invalid(`Invalid '${param}': string too long. Expected a string with maximum length ${max}, but got a string with length ${got} instead.`, param, 'string_above_max_length');
}

/** OpenAI shows the first 8 and last 4 characters of a wrong key. */
export function maskKey(key: string): string {
  if (key.length <= 12) return key;
  return `${key.slice(0, 8)}${'*'.repeat(key.length - 12)}${key.slice(-4)}`;
}

export function missingKeyError(): ApiError {
  return new ApiError(401, {
    message:
      "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username. You can obtain an API key from https://platform.openai.com/account/api-keys.",
    type: 'invalid_request_error',
    param: null,
    code: null,
  });
}

export function wrongKeyError(key: string): ApiError {
  return new ApiError(401, {
    message: `Incorrect API key provided: ${maskKey(key)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
    type: 'invalid_request_error',
    param: null,
    code: 'invalid_api_key',
  });
}

export function modelNotFound(model: string): never {
  return fail(404, `The model \`${model}\` does not exist or you do not have access to it.`, null, 'model_not_found');
}

/** OpenAI's overflow answers. Chat Completions names both numbers (the GPT-5 family's wording,
 *  as reported in cline/cline#5474; older models say "This model's maximum context length is…");
 *  the Responses API names none (as reported in dyad-sh/dyad#1672). */
export function contextLengthExceeded(api: 'chat' | 'responses', reasoningModel: boolean, limit: number, used: number): never {
  if (api === 'responses') {
    return invalid('Your input exceeds the context window of this model. Please adjust your input and try again.', 'input', 'context_length_exceeded');
  }
  const message = reasoningModel
    ? `Input tokens exceed the configured limit of ${limit} tokens. Your messages resulted in ${used} tokens. Please reduce the length of the messages.`
    : `This model's maximum context length is ${limit} tokens. However, your messages resulted in ${used} tokens. Please reduce the length of the messages.`;
  return invalid(message, 'messages', 'context_length_exceeded');
}

export const BAD_JSON_MESSAGE =
  "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix this, please contact us through our help center at help.openai.com.)";

/** The body OpenAI sends for a given status when a script does not give one. */
export function defaultErrorBody(status: number, model: string): { error: ErrorBody } {
  const body = (message: string, type: string, code: string | number | null = null, param: string | null = null) => ({ error: { message, type, param, code } });
  switch (status) {
    case 400:
      return body('Invalid request.', 'invalid_request_error');
    case 401:
      return { error: wrongKeyError('sk-revoked-key-0000').body };
    case 403:
      return body('Country, region, or territory not supported', 'request_forbidden', 'unsupported_country_region_territory');
    case 404:
      return body(`The model \`${model}\` does not exist or you do not have access to it.`, 'invalid_request_error', 'model_not_found');
    case 429:
      return body(
        `Rate limit reached for ${model} in organization org-fake0000000000000000000 on tokens per min (TPM): Limit 30000, Used 29937, Requested 385. Please try again in 644ms. Visit https://platform.openai.com/account/rate-limits to learn more.`,
        'tokens',
        'rate_limit_exceeded',
      );
    case 500:
      return body(
        'The server had an error processing your request. Sorry about that! You can retry your request, or contact us through our help center at help.openai.com if you keep seeing this error.',
        'server_error',
      );
    case 502:
      return body('Bad gateway.', 'cf_bad_gateway', 502);
    case 503:
      return body(
        'That model is currently overloaded with other requests. You can retry your request, or contact us through our help center at help.openai.com if the error persists.',
        'server_error',
      );
    case 504:
      return body('Gateway timeout.', 'cf_gateway_timeout', 504);
    default:
      return status >= 500 ? body('The server had an error processing your request.', 'server_error') : body('Invalid request.', 'invalid_request_error');
  }
}
