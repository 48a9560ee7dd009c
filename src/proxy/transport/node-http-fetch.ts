// A WHATWG `fetch` over node:http / node:https, for the openai SDK's `fetch` option: the SDK's
// calls cost the proxy less CPU than over Node's built-in (undici) fetch, and the connections
// live in keep-alive agents the caller owns and destroys. Only what the SDK uses: string or
// byte bodies, AbortSignal at every phase, redirects, gzip/deflate/br answers. The answer is a
// light Response over the node stream (node-http-response.ts). Errors take the
// shapes undici's fetch gives them (TypeError 'fetch failed' with the socket's error as cause;
// the abort reason on abort; TypeError 'terminated' when the body breaks off), so that the SDK
// raises the same APIConnectionError / APIConnectionTimeoutError / APIUserAbortError as before.
import { request as httpRequest, type Agent as HttpAgent, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import type { Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import { NodeBody, NodeHttpResponse, ResponseHeaders } from './node-http-response';

export interface NodeHttpFetchAgents {
  http: HttpAgent;
  https: HttpsAgent;
}

type FetchInput = Parameters<typeof fetch>[0];
type FetchInit = NonNullable<Parameters<typeof fetch>[1]>;

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const NULL_BODY = new Set([101, 204, 205, 304]);
const MAX_REDIRECTS = 20;

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

function requestHeaders(init: FetchInit['headers']): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  if (!init) return headers;
  if (init instanceof Headers || Array.isArray(init)) {
    for (const [key, value] of init as Iterable<[string, string]>) {
      const name = key.toLowerCase();
      headers[name] = name in headers ? `${headers[name] as string}, ${value}` : value;
    }
  } else {
    for (const key of Object.keys(init)) {
      const value = (init as Record<string, string | undefined>)[key];
      if (value !== undefined) headers[key.toLowerCase()] = String(value);
    }
  }
  return headers;
}

function requestBody(body: FetchInit['body'], headers: OutgoingHttpHeaders): string | Uint8Array | undefined {
  if (body === null || body === undefined) return undefined;
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  if (body instanceof URLSearchParams) {
    headers['content-type'] ??= 'application/x-www-form-urlencoded;charset=UTF-8';
    return body.toString();
  }
  throw new TypeError('node-http-fetch: only string and byte request bodies are supported');
}

function decoderFor(encoding: string | undefined): zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress | undefined {
  switch (encoding?.trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip({ flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH });
    case 'deflate':
      return zlib.createInflate({ flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH });
    case 'br':
      return zlib.createBrotliDecompress({ flush: zlib.constants.BROTLI_OPERATION_FLUSH, finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH });
    default:
      return undefined;
  }
}

/** Makes a `fetch` whose connections go through the given keep-alive agents. */
export function createNodeHttpFetch(agents: NodeHttpFetchAgents): typeof fetch {
  return function nodeHttpFetch(input: FetchInput, init?: FetchInit): Promise<Response> {
    try {
      if (typeof input !== 'string' && !(input instanceof URL)) {
        throw new TypeError('node-http-fetch: pass a URL and RequestInit, not a Request');
      }
      const headers = requestHeaders(init?.headers);
      const body = requestBody(init?.body, headers);
      return send(agents, new URL(input), (init?.method ?? 'GET').toUpperCase(), headers, body, init?.signal ?? undefined, init?.redirect ?? 'follow', 0);
    } catch (error) {
      return Promise.reject(error);
    }
  };
}

function send(
  agents: NodeHttpFetchAgents, url: URL, method: string, headers: OutgoingHttpHeaders, body: string | Uint8Array | undefined,
  signal: AbortSignal | undefined, redirect: NonNullable<FetchInit['redirect']>, redirects: number,
): Promise<Response> {
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  const secure = url.protocol === 'https:';
  if (!secure && url.protocol !== 'http:') return Promise.reject(new TypeError('fetch failed', { cause: new Error(`unsupported protocol ${url.protocol}`) }));
  if (body !== undefined) headers['content-length'] = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
  else if (method === 'POST' || method === 'PUT' || method === 'PATCH') headers['content-length'] = 0;
  return new Promise<Response>((resolve, reject) => {
    let settled = false;
    let answer: NodeBody | undefined;
    const finish = () => signal?.removeEventListener('abort', onAbort);
    // Before the answer's headers the call fails; after them, its body does.
    const fail = (error: unknown) => {
      if (!settled) {
        settled = true;
        finish();
        reject(error);
      } else {
        answer?.fail(error);
      }
    };
    const onAbort = () => {
      const reason = abortReason(signal!);
      req.destroy();
      fail(reason);
    };
    // node:https is loaded on first use: a proxy that only talks http never pays for TLS.
    const req = (secure ? process.getBuiltinModule('node:https').request : httpRequest)({
      protocol: url.protocol,
      hostname: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
      port: url.port || undefined,
      path: url.pathname + url.search,
      method,
      headers,
      agent: secure ? agents.https : agents.http,
    });
    signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (error) => fail(settled ? new TypeError('terminated', { cause: error }) : new TypeError('fetch failed', { cause: error })));
    req.on('response', (res: IncomingMessage) => {
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      if (redirect !== 'manual' && REDIRECTS.has(status) && location !== undefined) {
        res.resume();
        settled = true;
        finish();
        if (redirect === 'error' || redirects >= MAX_REDIRECTS) {
          req.destroy();
          reject(new TypeError('fetch failed', { cause: new Error(redirect === 'error' ? 'unexpected redirect' : 'redirect count exceeded') }));
          return;
        }
        let next: URL;
        try {
          next = new URL(location, url);
        } catch (error) {
          reject(new TypeError('fetch failed', { cause: error }));
          return;
        }
        const nextHeaders = { ...headers };
        let nextMethod = method;
        let nextBody = body;
        if (status === 303 ? method !== 'GET' && method !== 'HEAD' : (status === 301 || status === 302) && method === 'POST') {
          nextMethod = 'GET';
          nextBody = undefined;
          for (const name of ['content-length', 'content-type', 'content-encoding', 'content-language', 'content-location']) delete nextHeaders[name];
        }
        if (next.origin !== url.origin) {
          for (const name of ['authorization', 'proxy-authorization', 'cookie', 'host']) delete nextHeaders[name];
        }
        resolve(send(agents, next, nextMethod, nextHeaders, nextBody, signal, redirect, redirects + 1));
        return;
      }
      // Only a redirect needs the request body again: let it go, so that a long stream does not
      // hold on to it (the body of a Claude Code request is 100 KB or more).
      body = undefined;
      if (method === 'HEAD' || NULL_BODY.has(status)) {
        res.resume();
        finish();
      } else {
        let source: Readable = res;
        const decoder = decoderFor(res.headers['content-encoding']);
        if (decoder) {
          res.on('error', (error) => decoder.destroy(error));
          // A response cut short ends without 'end': the decoder must fail, not wait forever.
          res.on('close', () => { if (!res.complete) decoder.destroy(new Error('aborted')); });
          source = res.pipe(decoder);
        }
        answer = new NodeBody(source, {
          onDone: finish,
          onCancel: () => {
            req.destroy();
            decoder?.destroy();
          },
        });
      }
      settled = true;
      resolve(new NodeHttpResponse({
        status, statusText: res.statusMessage ?? '', headers: new ResponseHeaders(res.rawHeaders), url: url.href, redirected: redirects > 0, body: answer ?? null,
      }));
    });
    req.end(body);
  });
}
