// Both ways a call can go out (client.ts): the proxy's own node:http fetch (headless), and the
// runtime's fetch with its web-stream Response (what the extension uses inside VS Code). The
// same requests must give the same answers either way, and each transport must really be the
// one used.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { defaultTransport, type UpstreamTransport } from '../../src/proxy/transport/client';
import { startHarness, type Harness } from '../helpers/harness';

const realFetch = globalThis.fetch;
/** Calls that reached the fake through the global fetch (the test's own client calls the proxy). */
let globalFetchCallsToFake = 0;
let fakeUrl = '';

before(() => {
  globalThis.fetch = ((input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
    if (fakeUrl && String(input instanceof Request ? input.url : input).startsWith(fakeUrl)) globalFetchCallsToFake++;
    return realFetch(input, init);
  });
});
after(() => {
  globalThis.fetch = realFetch;
});

interface Outcome {
  chatStream: string[];
  responsesStream: string[];
  whole: string;
  stopped: string;
  error: { status: number; type: string };
}

async function exercise(h: Harness): Promise<Outcome> {
  const deltas = async (model: string) => {
    h.fake.script({ kind: 'text', chunks: ['one ', 'two ', 'three'] });
    const stream = h.anthropic.messages.stream({ model, max_tokens: 100, messages: [{ role: 'user', content: 'count' }] });
    const seen: string[] = [];
    stream.on('text', (text) => seen.push(text));
    await stream.finalMessage();
    return seen;
  };
  const chatStream = await deltas('claude-haiku-4-5');
  const responsesStream = await deltas('claude-sonnet-4-5');
  h.fake.script({ kind: 'text', chunks: ['whole ', 'answer'] });
  const whole = await h.anthropic.messages.create({ model: 'claude-haiku-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] });
  // A stop sequence ends the upstream stream early: the body must be cancelled, not read to the end.
  h.fake.script({ kind: 'text', chunks: ['keep ', 'STOP', ' never'], delayMs: 30 });
  const stopped = await h.anthropic.messages.create({ model: 'claude-haiku-4-5', max_tokens: 100, stop_sequences: ['STOP'], messages: [{ role: 'user', content: 'hi' }] });
  h.fake.script({ kind: 'error', status: 400, body: { error: { message: 'Invalid value for max_tokens', type: 'invalid_request_error', param: 'max_tokens', code: null } } });
  let error = { status: 0, type: '' };
  try {
    await h.anthropic.messages.create({ model: 'claude-haiku-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] });
  } catch (caught) {
    const failure = caught as { status: number; error: { error: { type: string } } };
    error = { status: failure.status, type: failure.error.error.type };
  }
  return {
    chatStream, responsesStream,
    whole: (whole.content[0] as { text: string }).text,
    stopped: `${(stopped.content[0] as { text: string }).text}|${stopped.stop_reason}|${stopped.stop_sequence}`,
    error,
  };
}

const outcomes: Partial<Record<UpstreamTransport, Outcome>> = {};

for (const transport of ['node-http', 'fetch'] as const) {
  test(`transport ${transport}: streams on both APIs, a whole answer, a stop sequence and an upstream 400`, async () => {
    const h = await startHarness({ upstreamTransport: transport });
    fakeUrl = h.fake.url;
    globalFetchCallsToFake = 0;
    try {
      const outcome = await exercise(h);
      assert.deepEqual(outcome.chatStream, ['one ', 'two ', 'three']);
      assert.deepEqual(outcome.responsesStream, ['one ', 'two ', 'three']);
      assert.equal(outcome.whole, 'whole answer');
      assert.equal(outcome.stopped, 'keep |stop_sequence|STOP');
      assert.deepEqual(outcome.error, { status: 400, type: 'invalid_request_error' });
      if (transport === 'fetch') assert.ok(globalFetchCallsToFake >= 5, `the runtime's fetch made ${globalFetchCallsToFake} calls`);
      else assert.equal(globalFetchCallsToFake, 0, 'the node:http transport never uses the runtime\'s fetch');
      outcomes[transport] = outcome;
    } finally {
      fakeUrl = '';
      await h.close();
    }
  });
}

test('both transports give the same answers', () => {
  assert.ok(outcomes['node-http'] && outcomes.fetch, 'both transports ran');
  assert.deepEqual(outcomes.fetch, outcomes['node-http']);
});

test('switching the transport of a running proxy: the next calls go the new way', async () => {
  const h = await startHarness({ upstreamTransport: 'node-http' });
  fakeUrl = h.fake.url;
  globalFetchCallsToFake = 0;
  try {
    const ask = () => h.anthropic.messages.create({ model: 'claude-haiku-4-5', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] });
    h.fake.script({ kind: 'text', chunks: ['before'] });
    assert.equal(((await ask()).content[0] as { text: string }).text, 'before');
    assert.equal(globalFetchCallsToFake, 0);
    h.proxy.reconfigure({ upstreamTransport: 'fetch' });
    h.fake.script({ kind: 'text', chunks: ['after'] });
    assert.equal(((await ask()).content[0] as { text: string }).text, 'after');
    assert.equal(globalFetchCallsToFake, 1);
  } finally {
    fakeUrl = '';
    await h.close();
  }
});

test('the default transport: the proxy\'s own connections outside VS Code; inside it only for a server on this machine', () => {
  for (const url of ['https://api.openai.com/v1', 'http://127.0.0.1:8080/v1', 'not a url']) assert.equal(defaultTransport(url, false), 'node-http', url);
  assert.equal(defaultTransport('http://localhost:11434/v1', true), 'node-http');
  assert.equal(defaultTransport('http://127.0.0.1:8080/v1', true), 'node-http');
  assert.equal(defaultTransport('https://api.openai.com/v1', true), 'fetch');
  assert.equal(defaultTransport('http://192.168.1.5:8000/v1', true), 'fetch', 'another machine on the network may sit behind a proxy rule');
  assert.equal(defaultTransport('http://[::1]:8080/v1', true), 'fetch', 'VS Code gives a request\'s own agent back only for localhost and 127.0.0.1');
  assert.equal(defaultTransport('not a url', true), 'fetch');
  assert.equal(defaultTransport('https://api.openai.com/v1'), 'node-http', 'this test process is not Electron');
});
