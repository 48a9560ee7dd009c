// Upstream faults the strict fake cannot produce, from small purpose-built servers on 127.0.0.1:
// connections reset before the headers, mid-body and mid-stream; malformed SSE and invalid JSON;
// chunks of the wrong shape; bytes that are not SSE at all; keep-alive comments forever; and huge
// answers (20 MB of text or tool arguments). Whatever the upstream does, the client gets a
// well-formed Anthropic answer or error, never a hang, and the upstream connection is released.
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { test } from 'node:test';
import type { RequestRecord } from '../../src/proxy/server/context';
import { ProxyServer, type ProxyOptions } from '../../src/proxy/server/proxy-server';
import { startFakeOpenAI } from '../fake-openai';
import { PROXY_TOKEN, testRoutes } from '../helpers/harness';
import { chatChunk, classify, send, sseHeaders, startRawUpstream, type RawUpstream } from '../helpers/reliability';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string, index: number) => void | Promise<void>;

interface Stack { upstream: RawUpstream; proxy: ProxyServer; url: string; records: RequestRecord[]; logLines: string[] }

async function withRawUpstream(handler: Handler, options: Partial<ProxyOptions>, run: (stack: Stack) => Promise<void>): Promise<void> {
  const upstream = await startRawUpstream(handler);
  const records: RequestRecord[] = [];
  const logLines: string[] = [];
  const log = (line: string) => logLines.push(line);
  const proxy = new ProxyServer({
    token: PROXY_TOKEN, openaiApiKey: 'sk-test', openaiBaseUrl: upstream.url, routes: testRoutes, port: 0,
    retryPolicy: { retries: 2, baseDelayMs: 5 }, idleTimeoutMs: 2000,
    logger: { debug: log, info: log, warn: log, error: log },
    onRequestEnd: (record) => records.push(record),
    ...options,
  });
  const url = await proxy.start();
  try {
    await run({ upstream, proxy, url, records, logLines });
    // Released: no request in flight, and the upstream saw every call end.
    const deadline = Date.now() + 2000;
    while ((proxy.activeRequests > 0 || upstream.calls.some((call) => call.closedAt === undefined)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(proxy.activeRequests, 0, 'a request is still in flight');
    assert.ok(upstream.calls.every((call) => call.closedAt !== undefined), 'an upstream call is still open');
  } finally {
    await proxy.stop();
    await upstream.close();
  }
}

const CHAT = 'claude-chat-classic'; // gpt-4.1 on Chat Completions
const RESPONSES = 'claude-sonnet-4-5'; // gpt-5-codex on the Responses API
const ask = (model: string, stream: boolean) => ({ model, max_tokens: 100, messages: [{ role: 'user', content: 'hi' }], ...(stream ? { stream: true } : {}) });

let sequence = 0;
const responsesEvent = (type: string, fields: Record<string, unknown> = {}) => `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence++, ...fields })}\n\n`;
const responseObject = (status: string) => ({ id: 'resp_raw', object: 'response', created_at: 1, status, model: 'gpt-5-codex', output: [], error: null, incomplete_details: null, usage: null });
/** The start of a Responses text stream, through the first delta. */
const responsesPreamble = (delta: string) => [
  responsesEvent('response.created', { response: responseObject('in_progress') }),
  responsesEvent('response.output_item.added', { output_index: 0, item: { id: 'msg_raw', type: 'message', status: 'in_progress', role: 'assistant', content: [] } }),
  responsesEvent('response.content_part.added', { item_id: 'msg_raw', output_index: 0, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } }),
  responsesEvent('response.output_text.delta', { item_id: 'msg_raw', output_index: 0, content_index: 0, delta }),
].join('');

/** Sends some of a stream, then resets the connection (TCP RST). */
const resetAfter = (text: string): Handler => (_req, res) => {
  res.writeHead(200, sseHeaders);
  res.write(text, () => setTimeout(() => res.socket?.resetAndDestroy(), 20));
};

test('connection reset mid-stream: the stream ends with an api_error event after the text already sent (both APIs)', async () => {
  for (const [model, start] of [[CHAT, chatChunk({ role: 'assistant', content: '' }) + chatChunk({ content: 'Hel' }) + chatChunk({ content: 'lo' })], [RESPONSES, responsesPreamble('Hello')]] as const) {
    await withRawUpstream(resetAfter(start), {}, async ({ url, records }) => {
      const answer = classify(await send(url, '/v1/messages', ask(model, true)));
      assert.equal(answer.kind, 'stream_error', model);
      assert.equal(answer.text, 'Hello');
      assert.equal(answer.error!.type, 'api_error');
      assert.match(records[0].outcome!, /^stream error: api_error$/);
    });
  }
});

test('connection reset before the headers: retried, then a 502 api_error naming the upstream (stream and not)', async () => {
  for (const stream of [false, true]) {
    await withRawUpstream((req) => { req.socket.resetAndDestroy(); }, {}, async ({ url, upstream, records }) => {
      const answer = classify(await send(url, '/v1/messages', ask(CHAT, stream)));
      assert.equal(answer.kind, 'error');
      assert.equal(answer.status, 502);
      assert.equal(answer.error!.type, 'api_error');
      assert.match(answer.error!.message, /Could not reach the OpenAI API at http:\/\/127\.0\.0\.1/);
      assert.equal(upstream.calls.length, 3, 'two retries');
      assert.equal(records[0].outcome, 'api_error');
    });
  }
});

test('connection reset in the middle of a whole (non-streamed) answer: a 5xx api_error', async () => {
  const handler: Handler = (_req, res) => {
    const body = JSON.stringify({ id: 'chatcmpl-x', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: 'x'.repeat(5000) }, finish_reason: 'stop' }] });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) });
    res.write(body.slice(0, 1000), () => setTimeout(() => res.socket?.resetAndDestroy(), 20));
  };
  await withRawUpstream(handler, {}, async ({ url }) => {
    const answer = classify(await send(url, '/v1/messages', ask(CHAT, false)));
    assert.equal(answer.kind, 'error');
    assert.ok(answer.status >= 500, String(answer.status));
    assert.equal(answer.error!.type, 'api_error');
  });
});

test('a stream whose connection closes cleanly before the answer is complete is an error, not a short answer (both APIs)', async () => {
  const chatCut: Handler = (_req, res) => {
    res.writeHead(200, sseHeaders);
    res.end(chatChunk({ role: 'assistant', content: '' }) + chatChunk({ content: 'Hel' })); // no finish_reason, no [DONE]
  };
  const responsesCut: Handler = (_req, res) => {
    res.writeHead(200, sseHeaders);
    res.end(responsesPreamble('Hel')); // no response.completed
  };
  for (const [model, handler] of [[CHAT, chatCut], [RESPONSES, responsesCut]] as const) {
    await withRawUpstream(handler, {}, async ({ url }) => {
      const answer = classify(await send(url, '/v1/messages', ask(model, true)));
      assert.equal(answer.kind, 'stream_error', model);
      assert.equal(answer.text, 'Hel');
      assert.match(answer.error!.message, /ended before/);
    });
    await withRawUpstream(handler, {}, async ({ url }) => {
      // A whole answer asked for, and an SSE body received: not a completion at all.
      const answer = classify(await send(url, '/v1/messages', ask(model, false)));
      assert.equal(answer.kind, 'error', model);
      assert.equal(answer.error!.type, 'api_error');
    });
  }
});

test('malformed SSE: invalid JSON in a chunk ends the stream with an api_error event (both APIs)', async () => {
  const chatBroken: Handler = (_req, res) => {
    res.writeHead(200, sseHeaders);
    res.end(chatChunk({ role: 'assistant', content: '' }) + chatChunk({ content: 'ok ' }) + 'data: {"id":"chatcmpl-raw","choices":[{"delta":{"content":"x"}\n\n' + chatChunk({}, 'stop') + 'data: [DONE]\n\n');
  };
  const responsesBroken: Handler = (_req, res) => {
    res.writeHead(200, sseHeaders);
    res.end(responsesPreamble('ok ') + 'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","delta":\n\n' + responsesEvent('response.completed', { response: responseObject('completed') }));
  };
  for (const [model, handler] of [[CHAT, chatBroken], [RESPONSES, responsesBroken]] as const) {
    await withRawUpstream(handler, {}, async ({ url, records }) => {
      const answer = classify(await send(url, '/v1/messages', ask(model, true)));
      assert.equal(answer.kind, 'stream_error', model);
      assert.equal(answer.text, 'ok ');
      assert.equal(answer.error!.type, 'api_error');
      assert.match(records[0].outcome!, /stream error/);
    });
  }
});

test('chunks of the wrong shape give a well-formed answer or error, never malformed events', async () => {
  const shapes = [
    'null', '42', '"text"', '[]', '{}', '{"choices":"nope"}', '{"choices":[null]}', '{"choices":[{"delta":null}]}',
    '{"choices":[{"delta":"text"}]}', '{"choices":[{"delta":{"content":42}}]}', '{"choices":[{"delta":{"content":{"a":1}}}]}',
    '{"choices":[{"delta":{"content":["a"]}}]}', '{"choices":[{"delta":{"reasoning_content":7}}]}', '{"choices":[{"delta":{"refusal":true}}]}',
    '{"choices":[{"delta":{"tool_calls":"x"}}]}', '{"choices":[{"delta":{"tool_calls":[null]}}]}', '{"choices":[{"delta":{"tool_calls":[{"index":0,"function":{"name":7,"arguments":5}}]}}]}',
    '{"choices":[{"delta":{"tool_calls":[{"index":0,"id":"c1","function":{"name":"f","arguments":{"a":1}}}]}}]}',
    '{"choices":[{"delta":{},"finish_reason":7}]}', '{"usage":"lots","choices":[]}', '{"usage":{"prompt_tokens":"many"},"choices":[]}',
  ];
  const responsesShapes = [
    '{"type":"response.output_text.delta","delta":42}', '{"type":"response.output_text.delta","delta":null}', '{"type":"response.output_text.delta"}',
    '{"type":"response.output_item.added","item":null}', '{"type":"response.output_item.added","output_index":0,"item":{"type":"function_call","name":5}}',
    '{"type":"response.function_call_arguments.delta","delta":{"a":1}}', '{"type":"response.output_item.done","item":{"type":"reasoning","summary":"x"}}',
    '{"type":"response.completed","response":null}', '{"type":"response.completed","response":{"usage":"x","status":7}}', '{"type":"response.failed","response":{}}',
    '{"type":"error"}', '{"type":"response.reasoning_summary_text.delta","delta":["x"]}',
  ];
  let checked = 0;
  for (const shape of shapes) {
    const handler: Handler = (_req, res) => {
      res.writeHead(200, sseHeaders);
      res.end(chatChunk({ role: 'assistant', content: '' }) + `data: ${shape}\n\n` + chatChunk({}, 'stop') + 'data: [DONE]\n\n');
    };
    await withRawUpstream(handler, {}, async ({ url }) => {
      const result = await send(url, '/v1/messages', ask(CHAT, true));
      assert.doesNotThrow(() => classify(result), `chat chunk ${shape}: ${result.text.slice(0, 500)}`);
      checked++;
    });
  }
  for (const shape of responsesShapes) {
    const handler: Handler = (_req, res) => {
      res.writeHead(200, sseHeaders);
      const type = JSON.parse(shape).type;
      res.end(responsesPreamble('a') + `event: ${type}\ndata: ${shape}\n\n` + responsesEvent('response.completed', { response: responseObject('completed') }));
    };
    await withRawUpstream(handler, {}, async ({ url }) => {
      const result = await send(url, '/v1/messages', ask(RESPONSES, true));
      assert.doesNotThrow(() => classify(result), `responses event ${shape}: ${result.text.slice(0, 500)}`);
      checked++;
    });
  }
  assert.equal(checked, shapes.length + responsesShapes.length);
});

test('whole answers that are not JSON, empty, or of the wrong shape become api_errors (or a well-formed message)', async () => {
  const bodies: [string, string][] = [
    ['application/json', '{"id":"chatcmpl-x","choices":[{"message":{"content":"cut'],
    ['text/html', '<html><body>502 Bad Gateway</body></html>'],
    ['application/json', ''],
    ['application/json', 'null'],
    ['application/json', '[]'],
    ['application/json', '{"choices":null}'],
    ['application/json', '{"choices":[{"message":{"content":42}}]}'],
    ['application/json', '{"choices":[{"message":{"content":null,"tool_calls":[{"type":"function","function":{"name":"f","arguments":"{not json"}}]}}]}'],
    ['application/json', '{"choices":[{"message":{"tool_calls":"x"}}]}'],
    ['application/octet-stream', '\u0000\u0001\u00ff binary'],
  ];
  for (const [type, text] of bodies) {
    await withRawUpstream((_req, res) => { res.writeHead(200, { 'content-type': type }); res.end(text); }, {}, async ({ url }) => {
      const result = await send(url, '/v1/messages', ask(CHAT, false));
      const answer = classify(result);
      assert.ok(answer.kind === 'error' ? answer.status >= 500 && answer.error!.type === 'api_error' : answer.kind === 'message', `${type} ${text}: ${result.status} ${result.text.slice(0, 300)}`);
    });
  }
  const responsesBodies = ['{"output":"x"}', '{"output":[null]}', '{"output":[{"type":"message","content":"x"}]}', '{"output":[],"status":"failed","error":null}'];
  for (const text of responsesBodies) {
    await withRawUpstream((_req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(text); }, {}, async ({ url }) => {
      const result = await send(url, '/v1/messages', ask(RESPONSES, false));
      assert.doesNotThrow(() => classify(result), `${text}: ${result.status} ${result.text.slice(0, 300)}`);
    });
  }
});

test('a 200 carrying a JSON error instead of a stream becomes an error, not an empty answer', async () => {
  const handler: Handler = (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message: 'Upstream provider failed', code: 502 } }));
  };
  for (const model of [CHAT, RESPONSES]) {
    await withRawUpstream(handler, {}, async ({ url }) => {
      const answer = classify(await send(url, '/v1/messages', ask(model, true)));
      assert.ok(answer.kind === 'stream_error' || answer.kind === 'error', `${model}: ${answer.kind}`);
      assert.match(answer.error!.message, /Upstream provider failed|ended before/, model);
    });
  }
});

test('bytes that are not SSE, then the end: a well-formed answer or error', async () => {
  const handler: Handler = (_req, res) => {
    res.writeHead(200, sseHeaders);
    res.write(Buffer.from([0, 1, 2, 0xff, 0xfe, 10, 13, 10, 0x80]));
    res.write('garbage line\nevent: nothing\n\nretry: x\nid: 1\n\n: comment\n\n');
    res.end();
  };
  for (const model of [CHAT, RESPONSES]) {
    await withRawUpstream(handler, {}, async ({ url }) => {
      const answer = classify(await send(url, '/v1/messages', ask(model, true)));
      assert.equal(answer.kind, 'stream_error', model);
    });
  }
});

test('an upstream that sends only SSE comments (keep-alives) forever is ended by the idle timeout', async () => {
  const handler: Handler = (_req, res) => {
    res.writeHead(200, sseHeaders);
    const timer = setInterval(() => res.write(': keep-alive\n\n'), 30);
    res.on('close', () => clearInterval(timer));
  };
  await withRawUpstream(handler, { idleTimeoutMs: 300 }, async ({ url }) => {
    // The keep-alives never stop: without the idle timeout the answer never ends (send fails).
    const answer = classify(await send(url, '/v1/messages', ask(CHAT, true)));
    assert.equal(answer.kind, 'stream_error');
    assert.match(answer.error!.message, /sent nothing for too long/);
  });
});

test('an 8 MB SSE line that never ends, then a reset: an error, not a hang', async () => {
  const handler: Handler = (_req, res) => {
    res.writeHead(200, sseHeaders);
    res.write(chatChunk({ role: 'assistant', content: '' }));
    res.write(`data: {"choices":[{"delta":{"content":"${'y'.repeat(8 * 1024 * 1024)}`, () => setTimeout(() => res.socket?.resetAndDestroy(), 20));
  };
  await withRawUpstream(handler, {}, async ({ url }) => {
    const answer = classify(await send(url, '/v1/messages', ask(CHAT, true)));
    assert.equal(answer.kind, 'stream_error');
  });
});

const MB = 1024 * 1024;

/**
 * Responses answers repeat their whole text in four closing events (output_text.done,
 * content_part.done, output_item.done, response.completed), and the openai SDK (6.49) frames SSE
 * by re-scanning an unfinished event from its start at every network chunk: quadratic in the size
 * of one event (20 MB takes ~30 s of CPU; fixed upstream in openai-node #1913 / #2336). Streamed
 * Responses answers are therefore tried at 4 MB here; everything else at 20 MB.
 */
// Completeness, not speed (the bench measures that): the answers may take as long as a busy machine
// needs; only a stall (a minute without a byte) fails a request, and the test's own limit is wide.
const HUGE_WAIT = { timeoutMs: 60_000, resetOnData: true } as const;

test('huge answers: 20 MB of streamed text or tool arguments and 20 MB whole answers arrive complete; 4 MB streamed on the Responses API', { timeout: 20 * 60_000 }, async () => {
  const fake = await startFakeOpenAI();
  const proxy = new ProxyServer({ token: PROXY_TOKEN, openaiApiKey: fake.apiKey, openaiBaseUrl: fake.url, routes: testRoutes, port: 0 });
  const url = await proxy.start();
  const piece = 'abcdefghijklmnopqrstuvwxyz012345'.repeat(256); // 8 KB
  const pieces = (bytes: number) => Array.from({ length: bytes / piece.length }, () => piece);
  try {
    for (const [model, streamedSize] of [[CHAT, 20 * MB], [RESPONSES, 4 * MB]] as const) {
      fake.script({ kind: 'text', chunks: pieces(streamedSize) });
      const streamed = classify(await send(url, '/v1/messages', ask(model, true), HUGE_WAIT));
      assert.equal(streamed.kind, 'stream', model);
      assert.equal(streamed.text.length, streamedSize);

      fake.script({ kind: 'tool_calls', calls: [{ name: 'Write', fragments: ['{"content":"', ...pieces(streamedSize), '"}'] }] });
      const tool = await send(url, '/v1/messages', { ...ask(model, true), tools: [{ name: 'Write', input_schema: { type: 'object' } }] }, HUGE_WAIT);
      assert.equal(classify(tool).kind, 'stream');
      const json = tool.text.split('\n').filter((line) => line.includes('input_json_delta')).map((line) => JSON.parse(line.slice(6)).delta.partial_json).join('');
      assert.equal(JSON.parse(json).content.length, streamedSize);

      fake.script({ kind: 'text', chunks: pieces(20 * MB) });
      const whole = classify(await send(url, '/v1/messages', ask(model, false), HUGE_WAIT));
      assert.equal(whole.kind, 'message');
      assert.equal(whole.text.length, 20 * MB);
    }
    assert.equal(fake.activeRequests(), 0);
  } finally {
    await proxy.stop();
    await fake.close();
  }
  const oneEvent: Handler = (_req, res) => {
    res.writeHead(200, sseHeaders);
    res.end(chatChunk({ role: 'assistant', content: '' }) + chatChunk({ content: 'z'.repeat(4 * MB) }) + chatChunk({}, 'stop') + 'data: [DONE]\n\n');
  };
  await withRawUpstream(oneEvent, {}, async ({ url: proxyUrl }) => {
    const answer = classify(await send(proxyUrl, '/v1/messages', ask(CHAT, true), HUGE_WAIT));
    assert.equal(answer.kind, 'stream');
    assert.equal(answer.text.length, 4 * MB);
  });
});
