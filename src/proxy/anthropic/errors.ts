// The Anthropic error envelope and the one error class the proxy throws toward its clients.
export type AnthropicErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'api_error'
  | 'overloaded_error'
  | 'timeout_error';

const statusOfType: Record<AnthropicErrorType, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  overloaded_error: 529,
  timeout_error: 504,
};

export class AnthropicError extends Error {
  readonly status: number;

  constructor(
    readonly type: AnthropicErrorType,
    message: string,
    options: { status?: number; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.status = options.status ?? statusOfType[type];
    this.headers = options.headers ?? {};
  }

  readonly headers: Record<string, string>;

  toBody(): { type: 'error'; error: { type: AnthropicErrorType; message: string } } {
    return { type: 'error', error: { type: this.type, message: this.message } };
  }
}

export function invalidRequest(message: string): AnthropicError {
  return new AnthropicError('invalid_request_error', message);
}
