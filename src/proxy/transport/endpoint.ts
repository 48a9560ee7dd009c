// Calling an OpenAI endpoint: the JSON body as bytes, through the SDK's client (headers, errors,
// abort), and a stream's body read with sse-events.ts. Both APIs call through here.
import type OpenAI from 'openai';
import { UpstreamAnswerError } from './answer-error';
import { loadOpenAISdk } from './client';
import { jsonBytes, RepeatedBytesCache } from './json-body';
import { bodyChunks } from './node-http-response';
import { sseEvents, type SseEventOptions } from './sse-events';

export type EndpointPath = '/chat/completions' | '/responses';

type JsonBody = Readonly<Record<string, unknown>>;

/** Calls an endpoint through the SDK's generic `post` with the body as bytes (json-body.ts):
 *  the same request, headers and errors as `create()`, without the SDK building the JSON text
 *  as one (often two-byte) string. `Answer` is the shape the API documents for the answer. */
export function postJson<Answer>(client: OpenAI, path: EndpointPath, body: JsonBody, signal: AbortSignal) {
  return client.post<Answer>(path, { body: jsonBytes(body, repeatedBytes[path]), headers: JSON_CONTENT, stream: body.stream === true, signal });
}

/** One cache per endpoint: the two APIs shape tools and messages differently. */
const repeatedBytes: Record<EndpointPath, RepeatedBytesCache> = { '/chat/completions': new RepeatedBytesCache(), '/responses': new RepeatedBytesCache() };

const JSON_CONTENT = { 'content-type': 'application/json' };

/** Opens a stream through the SDK and reads its events with sse-events.ts, which leaves what
 *  `unread` names unparsed. Resolves once OpenAI accepted the call (status 200, headers in). */
export async function openEventStream<Event>(client: OpenAI, path: EndpointPath, body: JsonBody, signal: AbortSignal, unread: Pick<SseEventOptions, 'skip' | 'omit'> = {}): Promise<AsyncIterable<Event>> {
  const response = await postJson<unknown>(client, path, { ...body, stream: true }, signal).asResponse();
  const chunks = bodyChunks(response);
  if (!chunks) throw new UpstreamAnswerError('The upstream answered without a body', undefined);
  const { APIError } = await loadOpenAISdk();
  return sseEvents<Event>(chunks, { ...unread, errorEvent: (error) => new APIError(undefined, error as object, undefined, response.headers) });
}
