// The SDK builds each call's headers from scratch: four undici `Headers` per call (the caller's
// headers, the auth header twice, the final set), every name checked by a regular expression,
// and the set copied again for its debug log even when logging is off. That is about a tenth of the
// proxy's CPU per call, for headers that are the same on every call the proxy makes. So the
// first call's headers are kept and handed out again while nothing they depend on changes.
//
// This replaces two private methods of the SDK's client instance. The SDK itself still builds
// every set the first time (auth, User-Agent, X-Stainless-*), and anything unusual goes to it
// unchanged. test/proxy/transport/sdk-request-headers.test.ts checks, on the installed SDK, that a server
// receives the same headers with and without this, and that the reuse really happens.
import type OpenAI from 'openai';

type Headers = Readonly<Record<string, string>>;

interface BuildHeadersArgs {
  options: { headers?: unknown; timeout?: number; idempotencyKey?: string; __security?: unknown };
  method: string;
  bodyHeaders: unknown;
  retryCount: number;
}

interface ClientInternals {
  apiKey: string | null;
  organization: string | null;
  project: string | null;
  idempotencyHeader?: string;
  _provider?: unknown;
  _workloadIdentityAuth?: unknown;
  buildHeaders(args: BuildHeadersArgs): Promise<globalThis.Headers>;
  buildBody(args: { options: { body?: unknown } }): { bodyHeaders: unknown; body: unknown; isStreamingBody: boolean };
}

/** At most this many header sets per caller's headers object; more means inputs vary, so start over. */
const MAX_KEPT = 16;

export function reuseRequestHeaders(client: OpenAI): void {
  const internals = client as unknown as ClientInternals;
  // Providers (Azure, workload identity) rewrite headers per call, and an idempotency header is
  // new on every call: leave such clients alone.
  if (internals._provider || internals._workloadIdentityAuth || internals.idempotencyHeader) return;
  // An SDK without these methods (a later version, say) keeps its own way.
  if (typeof internals.buildHeaders !== 'function' || typeof internals.buildBody !== 'function') return;
  const buildHeaders = internals.buildHeaders.bind(client);
  const buildBody = internals.buildBody.bind(client);
  // Keyed by the caller's headers object (the proxy passes one constant object), then by the
  // values that change the set.
  let kept = new WeakMap<object, Map<string, Headers>>();
  const noCallerHeaders = {};
  // The client's own fields that go into every set: a change starts over.
  let { apiKey, organization, project } = internals;

  internals.buildHeaders = async (args) => {
    const { options, method, bodyHeaders, retryCount } = args;
    const callerHeaders = options.headers ?? noCallerHeaders;
    if (typeof callerHeaders !== 'object' || callerHeaders === null || bodyHeaders !== undefined
      || options.idempotencyKey !== undefined || options.__security !== undefined) {
      return buildHeaders(args);
    }
    if (internals.apiKey !== apiKey || internals.organization !== organization || internals.project !== project) {
      ({ apiKey, organization, project } = internals);
      kept = new WeakMap();
    }
    let sets = kept.get(callerHeaders);
    if (!sets || sets.size >= MAX_KEPT) kept.set(callerHeaders, sets = new Map());
    const key = `${method} ${retryCount} ${options.timeout}`;
    let headers = sets.get(key);
    if (!headers) {
      headers = Object.freeze(Object.fromEntries(await buildHeaders(args)));
      sets.set(key, headers);
    }
    // A plain object is a valid `HeadersInit` for any fetch, and cheaper for the SDK's log line.
    return headers as unknown as globalThis.Headers;
  };

  // For bytes, the SDK's answer never depends on the caller's headers, but it builds a `Headers`
  // of them first: skip that.
  internals.buildBody = (args) => {
    const { body } = args.options;
    if (body instanceof Uint8Array) return { bodyHeaders: undefined, body, isStreamingBody: false };
    return buildBody(args);
  };
}
