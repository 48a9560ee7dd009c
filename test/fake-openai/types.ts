// Public types of the fake OpenAI server.

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body; the raw text when it was not valid JSON; undefined when empty. */
  body: any;
  /** set true when the client closed the connection before the fake finished answering */
  aborted: boolean;
  /** set when the fake refused the request itself (auth, routing, validation: what OpenAI would
   *  refuse), as opposed to a scripted error answer */
  rejection?: { status: number; message: string; type: string; param: string | null; code: string | number | null };
}

/**
 * Token counts to report. `output` is what OpenAI reports as completion_tokens / output_tokens,
 * which already includes the reasoning tokens. Missing fields are estimated (chars / 4).
 */
export type Usage = { input?: number; cached?: number; output?: number; reasoning?: number };

export type ScriptedAnswer =
  | {
      kind: 'text'; chunks: string[]; finish?: 'stop' | 'length' | 'content_filter'; usage?: Usage; delayMs?: number;
      /** awaited before text chunk `index` (1 and up) is sent: a handshake with the test, e.g. until
       *  the client has received chunk index - 1 (in-process scripts only) */
      beforeChunk?: (index: number) => Promise<void>;
      /** Responses API: hosted web searches the model runs before its text, when the request gives
       *  it the web_search tool (without it the model cannot search and none are sent). A result
       *  whose url the text links as `[…](url)` gets a url_citation annotation on that link. */
      searches?: FakeSearch[];
    }
  | { kind: 'tool_calls'; text?: string; calls: { id?: string; name: string; fragments: string[] }[]; usage?: Usage; delayMs?: number }
  | { kind: 'reasoning'; summary: string[]; encrypted?: string; then: ScriptedAnswer; silentMs?: number }
  | { kind: 'error'; status: number; body?: unknown; headers?: Record<string, string> }
  | {
      kind: 'stream_error';
      afterChunks: string[];
      message: string;
      /** Responses API only: send an `error` event (default) or a `response.failed` event. */
      via?: 'error' | 'response.failed';
      /** The error's code (default: server_error on the Responses API, null on Chat Completions),
       *  e.g. server_is_overloaded. */
      code?: string;
    }
  | { kind: 'stall'; afterChunks: string[] }
  | { kind: 'hang' };

/** One web search the fake's model runs: its query and the pages it finds, or a failure. */
export interface FakeSearch {
  query: string;
  results: { url: string; title: string }[];
  failed?: boolean;
}

export interface FakeOpenAI {
  /** base URL including /v1, e.g. http://127.0.0.1:PORT/v1 */
  url: string;
  apiKey: string;
  /** every request received, in order (including rejected ones) */
  requests: RecordedRequest[];
  /** queue answers, consumed FIFO by the next accepted model calls (chat or responses) */
  script(...answers: ScriptedAnswer[]): void;
  /** sockets currently open (idle keep-alive sockets included) */
  openConnections(): number;
  /** requests whose answer is still being written (or never will be: hang / stall) */
  activeRequests(): number;
  /** closes the server and destroys all sockets */
  close(): Promise<void>;
}

export interface ModelSpec {
  id: string;
  /** the dated snapshot OpenAI reports back in `model` */
  snapshot: string;
  reasoning: boolean;
  /** reasoning effort values the model accepts (reasoning models only) */
  efforts?: string[];
  /** false when the model only works on /v1/responses (codex models) */
  chat: boolean;
  /** false for a model without the hosted web_search tool (default true) */
  webSearch?: boolean;
}

export interface FakeOpenAIOptions {
  /** The key it expects as `Authorization: Bearer …` (default 'sk-fake-test-key'); each instance has its own. */
  apiKey?: string;
  /** false: a local server started without a key (llama-server without --api-key), which takes
   *  any Authorization header or none. Default true. */
  keyRequired?: boolean;
  /** extra models (or overrides by id) on top of the built-in list */
  models?: ModelSpec[];
  /**
   * Chooses the answer for one accepted model call, before the script queue is looked at; return
   * undefined to take the queue's next answer as usual. For tests that run many calls at once,
   * where a shared FIFO cannot say which call gets which answer: the request itself can carry
   * what it expects (e.g. a marker in its text). Called once per accepted call, retries included.
   */
  answerFor?: (call: AnswerCall) => ScriptedAnswer | undefined;
  /**
   * Prompt tokens each model accepts, e.g. { 'gpt-5-codex': 100_000 }; a longer request (counted as
   * the fake counts usage: its JSON text / 4) is refused as OpenAI refuses it: 400,
   * context_length_exceeded. Models not named take any size.
   */
  inputWindows?: Record<string, number>;
  /** Answer as Azure OpenAI does (azure.ts): the key in `api-key`, deployment and v1 URLs. */
  azure?: AzureOptions;
}

export interface AzureOptions {
  /** The api-version the deployment URLs need, e.g. '2025-04-01-preview'. */
  apiVersion: string;
  /** Deployment name -> the model it runs (one of the fake's models). */
  deployments: Record<string, string>;
}

/** What `answerFor` sees of an accepted model call. */
export interface AnswerCall {
  path: '/v1/chat/completions' | '/v1/responses';
  /** the parsed request body */
  body: any;
  /** the request body as received */
  raw: string;
}
