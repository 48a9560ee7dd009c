// The one place that talks to OpenAI: the official `openai` SDK, loaded lazily (it is the
// heaviest module in the bundle and activation must stay cheap), with the SDK's own retries off
// because the proxy retries itself (see retry.ts).
import type OpenAI from 'openai';

export interface UpstreamSettings {
  /** OpenAI or any OpenAI-compatible server, including the /v1 suffix where the server has one. */
  baseURL: string;
  apiKey: string | undefined;
  /** Whole-request timeout for one upstream call. */
  timeoutMs: number;
}

export const OPENAI_BASE_URL = 'https://api.openai.com/v1';

let sdk: Promise<typeof OpenAI> | undefined;

/** The SDK's module, loaded once. Its error classes must come from this same copy: the package
 *  ships CommonJS and ESM builds, and `instanceof` fails across them. */
export function loadOpenAISdk(): Promise<typeof OpenAI> {
  sdk ??= import('openai').then((module) => module.default);
  return sdk;
}

export class UpstreamClient {
  private client: Promise<OpenAI> | undefined;

  constructor(readonly settings: UpstreamSettings) {}

  get(): Promise<OpenAI> {
    this.client ??= loadOpenAISdk().then((OpenAIClass) => new OpenAIClass({
      // The SDK refuses to start without a key; a missing key must instead reach OpenAI's 401 so
      // that the client gets an authentication_error explaining what to set.
      apiKey: this.settings.apiKey || 'missing-openai-api-key',
      baseURL: this.settings.baseURL,
      timeout: this.settings.timeoutMs,
      maxRetries: 0,
    }));
    return this.client;
  }
}
