// llama-server's own errors, seen through the proxy as Anthropic errors: a request it refuses
// (a tool schema it cannot turn into a grammar), an image it cannot read (its 500) and a prompt
// longer than its context. Skipped,
// with the reason, where llama-server cannot be installed (test/real-server/setup.sh).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sseEvents } from '../helpers/harness';
import { PROXY_TOKEN, ROUTES, startRealServer, type RealServer } from './lib/harness';

const CONTEXT = 2048;
let server: RealServer | undefined;
let unavailable = 'llama-server did not start';

before(async () => {
  const started = await startRealServer(CONTEXT);
  if ('unavailable' in started) unavailable = started.unavailable;
  else server = started;
}, { timeout: 35 * 60_000 });
after(async () => { await server?.close(); });

const post = (body: Record<string, unknown>) => fetch(`${server!.proxy.url}/v1/messages`, {
  method: 'POST',
  headers: { 'x-api-key': PROXY_TOKEN, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
  body: JSON.stringify(body),
  signal: AbortSignal.timeout(60_000),
});

/** The Anthropic error of an answer: a JSON error body, or a stream's error event. */
async function anthropicError(response: Response): Promise<{ status: number; type: string; message: string }> {
  if (response.headers.get('content-type')?.includes('json')) {
    const { error } = (await response.json()) as { error: { type: string; message: string } };
    return { status: response.status, ...error };
  }
  const event = (await sseEvents(response)).find((frame) => frame.event === 'error');
  assert.ok(event, 'the stream ends with an error event');
  return { status: response.status, ...(event.data.error as { type: string; message: string }) };
}

for (const api of ['chat', 'responses'] as const) {
  for (const stream of [false, true]) {
    const how = `${api}${stream ? ', streamed' : ''}`;

    test(`${how}: a tool schema llama-server cannot compile -> 400 invalid_request_error naming the problem`, async (t) => {
      if (!server) { t.skip(unavailable); return; }
      const response = await post({
        model: ROUTES[api], max_tokens: 50, stream,
        messages: [{ role: 'user', content: 'hi' }],
        tools: [{ name: 'lookup', input_schema: { type: 'object', properties: { key: { $ref: '#/definitions/missing' } } } }],
      });
      const error = await anthropicError(response);
      assert.equal(error.status, 400);
      assert.equal(error.type, 'invalid_request_error');
      assert.match(error.message, /cannot resolve \$ref #\/definitions\/missing/);
    });

    test(`${how}: an image, which llama-server cannot read without a vision projector -> 400 invalid_request_error saying so`, async (t) => {
      if (!server) { t.skip(unavailable); return; }
      const pixel = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
      const response = await post({
        model: ROUTES[api], max_tokens: 50, stream,
        messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: pixel } }, { type: 'text', text: 'what is this?' }] }],
      });
      const error = await anthropicError(response);
      assert.equal(error.status, 400);
      assert.equal(error.type, 'invalid_request_error');
      assert.match(error.message, /image input is not supported/);
    });

    test(`${how}: a prompt over llama-server's context -> "prompt is too long" with its numbers, for Claude Code to compact`, async (t) => {
      if (!server) { t.skip(unavailable); return; }
      const response = await post({ model: ROUTES[api], max_tokens: 50, stream, messages: [{ role: 'user', content: 'word '.repeat(3000) }] });
      const error = await anthropicError(response);
      assert.equal(error.status, 400);
      assert.equal(error.type, 'invalid_request_error');
      const [, used] = /^prompt is too long: (\d+) tokens > (\d+) maximum$/.exec(error.message) ?? assert.fail(error.message);
      assert.ok(Number(used) > CONTEXT, error.message);
      assert.match(error.message, new RegExp(`> ${CONTEXT} maximum$`), 'the limit is the server\'s context, as it reported it');
    });
  }
}
