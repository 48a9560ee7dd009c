// Streaming through the proxy with the official Anthropic SDK as client, on both OpenAI APIs.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { PROXY_TOKEN, post, sseEvents, startHarness, waitFor, type Harness } from '../helpers/harness';

let h: Harness;
before(async () => { h = await startHarness(); });
after(async () => { await h.close(); });

const bashTool = { name: 'Bash', description: 'Run a command', input_schema: { type: 'object' as const, properties: { command: { type: 'string' } }, required: ['command'] } };
const readTool = { name: 'Read', description: 'Read a file', input_schema: { type: 'object' as const, properties: { file_path: { type: 'string' } } } };

for (const model of ['claude-haiku-4-5', 'claude-sonnet-4-5']) {
  test(`${model}: streamed text reaches the SDK as the fake sent it`, async () => {
    h.fake.script({ kind: 'text', chunks: ['Hel', 'lo, ', 'world', '!'], usage: { input: 120, cached: 100, output: 7 } });
    const stream = h.anthropic.messages.stream({ model, max_tokens: 64000, messages: [{ role: 'user', content: 'hi' }] });
    const deltas: string[] = [];
    stream.on('text', (text) => deltas.push(text));
    const message = await stream.finalMessage();
    assert.deepEqual(deltas, ['Hel', 'lo, ', 'world', '!'], 'each upstream chunk is forwarded as its own delta');
    assert.equal(message.content.length, 1);
    assert.equal(message.content[0].type, 'text');
    assert.equal((message.content[0] as any).text, 'Hello, world!');
    assert.equal(message.stop_reason, 'end_turn');
    assert.equal(message.model, model);
    assert.equal(message.usage.input_tokens, 20, 'input_tokens excludes cached tokens');
    assert.equal(message.usage.cache_read_input_tokens, 100);
    assert.equal(message.usage.output_tokens, 7);
  });

  test(`${model}: parallel tool calls with arguments split anywhere are reassembled`, async () => {
    h.fake.script({
      kind: 'tool_calls',
      text: 'Let me look.',
      calls: [
        { name: 'Bash', fragments: ['{"comm', 'and": "l', 's -la"', '}'] },
        { name: 'Read', fragments: ['{', '"file_path":"/tmp/a', '.txt"}'] },
      ],
    });
    const stream = h.anthropic.messages.stream({ model, max_tokens: 1000, tools: [bashTool, readTool], messages: [{ role: 'user', content: 'look' }] });
    const message = await stream.finalMessage();
    assert.equal(message.stop_reason, 'tool_use');
    const [text, bash, read] = message.content as any[];
    assert.equal(text.text, 'Let me look.');
    assert.equal(bash.type, 'tool_use');
    assert.deepEqual(bash.input, { command: 'ls -la' });
    assert.equal(read.name, 'Read');
    assert.deepEqual(read.input, { file_path: '/tmp/a.txt' });
    assert.match(bash.id, /^call_/);
    assert.notEqual(bash.id, read.id);

    // The next turn sends the results back: OpenAI must see matching call ids (the fake rejects otherwise).
    h.fake.script({ kind: 'text', chunks: ['Done.'] });
    const second = await h.anthropic.messages.create({
      model, max_tokens: 1000, tools: [bashTool, readTool],
      messages: [
        { role: 'user', content: 'look' },
        { role: 'assistant', content: message.content },
        { role: 'user', content: [
          { type: 'tool_result', tool_use_id: bash.id, content: 'a.txt' },
          { type: 'tool_result', tool_use_id: read.id, content: [{ type: 'text', text: 'contents' }] },
        ] },
      ],
    });
    assert.deepEqual(second.content.map((block: any) => block.text), ['Done.']);
    const upstream = JSON.stringify(h.fake.requests.at(-1)!.body);
    assert.ok(upstream.includes(bash.id) && upstream.includes(read.id));
  });
}

test('the raw event sequence is exactly Anthropic\'s, with consistent indices', async () => {
  h.fake.script({ kind: 'tool_calls', text: 'ok', calls: [{ name: 'Bash', fragments: ['{"command":', '"pwd"}'] }] });
  const response = await post(h.url, '/v1/messages?beta=true', { model: 'claude-haiku-4-5', max_tokens: 100, stream: true, tools: [bashTool], messages: [{ role: 'user', content: 'x' }] });
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type')!, /text\/event-stream/);
  const events = (await sseEvents(response)).filter((e) => e.event !== 'ping');
  assert.deepEqual(events.map((e) => e.event), [
    'message_start',
    'content_block_start', 'content_block_delta', 'content_block_stop',
    'content_block_start', 'content_block_delta', 'content_block_delta', 'content_block_stop',
    'message_delta', 'message_stop',
  ]);
  for (const e of events) assert.equal(e.data.type, e.event, 'event name and data.type agree');
  assert.deepEqual(events.filter((e) => 'index' in e.data).map((e) => e.data.index), [0, 0, 0, 1, 1, 1, 1]);
  assert.equal(events[0].data.message.role, 'assistant');
  assert.deepEqual(events[4].data.content_block, { type: 'tool_use', id: events[4].data.content_block.id, name: 'Bash', input: {} });
  assert.equal(events[8].data.delta.stop_reason, 'tool_use');
  assert.equal(typeof events[8].data.usage.output_tokens, 'number');
});

test('reasoning on the Responses API: thinking with a signature that carries the encrypted reasoning into the next turn', async () => {
  h.fake.script({ kind: 'reasoning', summary: ['Thinking about it.'], encrypted: 'enc-blob-1', then: { kind: 'text', chunks: ['Answer.'] } });
  const first = await h.anthropic.messages.stream({ model: 'claude-sonnet-4-5', max_tokens: 2000, thinking: { type: 'enabled', budget_tokens: 1024 }, messages: [{ role: 'user', content: 'q' }] }).finalMessage();
  const [thinking, text] = first.content as any[];
  assert.equal(thinking.type, 'thinking');
  assert.equal(thinking.thinking, 'Thinking about it.');
  assert.ok(thinking.signature.length > 0);
  assert.equal(text.text, 'Answer.');

  h.fake.script({ kind: 'text', chunks: ['Second.'] });
  await h.anthropic.messages.create({
    model: 'claude-sonnet-4-5', max_tokens: 2000, thinking: { type: 'enabled', budget_tokens: 1024 },
    messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: first.content }, { role: 'user', content: 'more' }],
  });
  const input = h.fake.requests.at(-1)!.body.input as any[];
  const reasoning = input.filter((item) => item.type === 'reasoning');
  assert.equal(reasoning.length, 1);
  assert.equal(reasoning[0].encrypted_content, 'enc-blob-1');
});

test('a reasoning item without summary comes back as redacted_thinking and still round-trips', async () => {
  h.fake.script({ kind: 'reasoning', summary: [], encrypted: 'enc-blob-2', then: { kind: 'text', chunks: ['Hi.'] } });
  const thinking = { type: 'enabled', budget_tokens: 1024 } as const;
  const first = await h.anthropic.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 2000, thinking, messages: [{ role: 'user', content: 'q' }] });
  assert.equal(first.content[0].type, 'redacted_thinking');
  h.fake.script({ kind: 'text', chunks: ['ok'] });
  await h.anthropic.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 2000, thinking, messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: first.content }, { role: 'user', content: 'again' }] });
  assert.ok(JSON.stringify(h.fake.requests.at(-1)!.body.input).includes('enc-blob-2'));
});

test('chat reasoning_content streams as thinking', async () => {
  h.fake.script({ kind: 'reasoning', summary: ['Hmm.'], then: { kind: 'text', chunks: ['Yes.'] } });
  const message = await h.anthropic.messages.stream({ model: 'claude-haiku-4-5', max_tokens: 2000, thinking: { type: 'adaptive' }, messages: [{ role: 'user', content: 'q' }] }).finalMessage();
  assert.deepEqual(message.content.map((block: any) => block.type), ['thinking', 'text']);
  assert.equal((message.content[0] as any).thinking, 'Hmm.');
});

test('thinking disabled: the lowest effort the model takes, no summaries asked, no thinking blocks returned', async () => {
  const cases = [
    // gpt-5-codex has no "minimal"; its encrypted reasoning is asked for the proxy to keep (reasoning-memory.ts)
    { model: 'claude-sonnet-4-5', effort: (body: any) => body.reasoning?.effort, lowest: 'low', include: ['reasoning.encrypted_content'] },
    { model: 'claude-haiku-4-5', effort: (body: any) => body.reasoning_effort, lowest: 'minimal', include: undefined }, // gpt-5-mini
  ];
  for (const { model, effort, lowest, include } of cases) {
    // Even if the upstream reasons aloud (Chat servers stream reasoning_content regardless), the client asked for none.
    h.fake.script({ kind: 'reasoning', summary: ['Private musing.'], encrypted: 'enc-disabled', then: { kind: 'text', chunks: ['Plain answer.'] } });
    const message = await h.anthropic.messages.stream({ model, max_tokens: 200, thinking: { type: 'disabled' }, messages: [{ role: 'user', content: 'q' }] }).finalMessage();
    assert.deepEqual(message.content.map((block: any) => block.type), ['text'], model);
    assert.equal((message.content[0] as any).text, 'Plain answer.');
    const upstream = h.fake.requests.at(-1)!.body;
    assert.equal(effort(upstream), lowest, model);
    assert.equal(upstream.reasoning?.summary, undefined, `${model}: no reasoning summary asked for`);
    assert.deepEqual(upstream.include, include, model);
  }
});

test('output_config.effort "minimal" reaches gpt-5-codex as an effort it accepts, not a 400', async () => {
  h.fake.script({ kind: 'text', chunks: ['ok'] });
  const response = await post(h.url, '/v1/messages', { model: 'claude-sonnet-4-5', max_tokens: 50, output_config: { effort: 'minimal' }, messages: [{ role: 'user', content: 'x' }] });
  assert.equal(response.status, 200, await response.clone().text());
  assert.equal(h.fake.requests.at(-1)!.body.reasoning.effort, 'low');
  h.fake.script({ kind: 'text', chunks: ['ok'] });
  const mini = await post(h.url, '/v1/messages', { model: 'claude-haiku-4-5', max_tokens: 50, output_config: { effort: 'minimal' }, messages: [{ role: 'user', content: 'x' }] });
  assert.equal(mini.status, 200);
  assert.equal(h.fake.requests.at(-1)!.body.reasoning_effort, 'minimal', 'gpt-5-mini takes minimal as asked');
});

for (const model of ['claude-haiku-4-5', 'claude-sonnet-4-5']) {
  test(`${model}: each upstream chunk reaches the client before the next one is sent (no batching)`, async () => {
    // A handshake, not a clock: the fake sends chunk N only once the client has received chunk
    // N - 1. A proxy that held chunks back (batching, buffering the answer) would leave the client
    // waiting for a chunk the fake never sends: the bounded wait fails.
    const received: string[] = [];
    const waiters: (() => void)[] = [];
    const receivedChunk = (index: number) => new Promise<void>((resolve, reject) => {
      if (received.length >= index) return resolve();
      const timer = setTimeout(() => reject(new Error(`the client never received chunk ${index - 1} (got ${received.length}): held back by the proxy`)), 15_000);
      waiters.push(() => { if (received.length >= index) { clearTimeout(timer); resolve(); } });
    });
    const chunks = ['one ', 'two ', 'three'];
    const failures: Error[] = [];
    h.fake.script({ kind: 'text', chunks, beforeChunk: (index) => receivedChunk(index).catch((error: Error) => { failures.push(error); throw error; }) });
    const stream = h.anthropic.messages.stream({ model, max_tokens: 100, messages: [{ role: 'user', content: 'count' }] });
    stream.on('text', (delta) => { received.push(delta); for (const wake of waiters) wake(); });
    const message = await stream.finalMessage().catch((error: Error) => { throw failures[0] ?? error; });
    assert.deepEqual(failures, []);
    assert.deepEqual(received, chunks);
    assert.equal(message.content[0].type === 'text' && message.content[0].text, chunks.join(''));
  });
}

test('pings keep the stream alive while a reasoning model is silent', async () => {
  const quick = await startHarness({ pingIntervalMs: 100 });
  try {
    quick.fake.script({ kind: 'reasoning', summary: ['s'], encrypted: 'e', silentMs: 600, then: { kind: 'text', chunks: ['done'] } });
    const response = await post(quick.url, '/v1/messages', { model: 'claude-sonnet-4-5', max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'x' }] });
    const events = await sseEvents(response);
    assert.equal(events[0].event, 'message_start', 'message_start is sent before the model says anything');
    const firstContent = events.findIndex((e) => e.event === 'content_block_start');
    const pings = events.slice(0, firstContent).filter((e) => e.event === 'ping');
    assert.ok(pings.length >= 2, `expected pings during 600 ms of silence, got ${pings.length}`);
  } finally {
    await quick.close();
  }
});

for (const model of ['claude-haiku-4-5', 'claude-sonnet-4-5']) {
  test(`${model}: stop sequences cut the text at a match spanning chunks, report the sequence, end the upstream call and still report usage`, async () => {
    const body = { model, max_tokens: 100, stop_sequences: ['</stop>'], messages: [{ role: 'user' as const, content: 'Say hello, then stop.' }] };
    h.fake.script({ kind: 'stall', afterChunks: ['Hello </st', 'op> never shown'] });
    // The upstream stalls forever after the match: the answer ends only because the proxy ends it.
    const stream = h.anthropic.messages.stream(body);
    const message = await stream.finalMessage();
    assert.equal(message.content.length, 1);
    assert.equal((message.content[0] as any).text, 'Hello ');
    assert.equal(message.stop_reason, 'stop_sequence');
    assert.equal(message.stop_sequence, '</stop>');
    await waitFor(() => h.fake.activeRequests() === 0, 'upstream request aborted');
    assert.ok(h.fake.requests.at(-1)!.aborted, 'the upstream call was ended, not left to finish');
    assert.equal(h.fake.requests.at(-1)!.body.stop, undefined, 'the gpt-5 family rejects stop: the proxy matches it');

    // The upstream never got to its usage event: the usage is estimated, never zeros (Claude
    // Code tracks its context window from it). Input as count_tokens counts the same request.
    const counted = await (await post(h.url, '/v1/messages/count_tokens', { model, messages: body.messages })).json() as any;
    assert.equal(message.usage.input_tokens, counted.input_tokens);
    assert.ok(message.usage.output_tokens > 0, `output_tokens ${message.usage.output_tokens}`);
  });
}

test('max_tokens reached is reported as max_tokens', async () => {
  h.fake.script({ kind: 'text', chunks: ['cut'], finish: 'length' });
  const message = await h.anthropic.messages.stream({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'x' }] }).finalMessage();
  assert.equal(message.stop_reason, 'max_tokens');
});

test('x-api-key works as well as a bearer token', async () => {
  h.fake.script({ kind: 'text', chunks: ['k'] });
  const response = await post(h.url, '/v1/messages', { model: 'claude-fast', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }, { 'x-api-key': PROXY_TOKEN });
  assert.equal(response.status, 200);
  assert.equal(((await response.json() as any)).content[0].text, 'k');
});

test('a tool name over 64 characters is shortened upstream and mapped back in the answer', async () => {
  const longName = `mcp__a_very_long_server_name__${'with_a_long_tool_name_'.repeat(3)}`;
  assert.ok(longName.length > 64);
  const tools = [{ name: longName, description: 'MCP tool', input_schema: { type: 'object' as const, properties: {} } }];
  h.fake.script({ kind: 'text', chunks: ['probe'] });
  await h.anthropic.messages.create({ model: 'claude-haiku-4-5', max_tokens: 100, tools, messages: [{ role: 'user', content: 'x' }] });
  const upstreamName = h.fake.requests.at(-1)!.body.tools[0].function.name as string;
  assert.ok(upstreamName.length <= 64 && upstreamName !== longName);

  for (const model of ['claude-haiku-4-5', 'claude-sonnet-4-5']) {
    h.fake.script({ kind: 'tool_calls', calls: [{ name: upstreamName, fragments: ['{}'] }] });
    const message = await h.anthropic.messages.stream({ model, max_tokens: 100, tools, messages: [{ role: 'user', content: 'x' }] }).finalMessage();
    assert.equal((message.content[0] as any).name, longName, model);
  }
});

test('request records carry time to first token; bodies only when capture is on', async () => {
  h.fake.script({ kind: 'text', chunks: ['timed'] });
  await h.anthropic.messages.stream({ model: 'claude-haiku-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }).finalMessage();
  const plain = h.records.at(-1)!;
  assert.ok(typeof plain.firstTokenMs === 'number' && plain.firstTokenMs <= plain.durationMs!);
  assert.equal(plain.exchange, undefined);

  const capturing = await startHarness({ captureBodies: true });
  try {
    capturing.fake.script({ kind: 'text', chunks: ['kept ', 'answer'] });
    await capturing.anthropic.messages.stream({ model: 'claude-haiku-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'keep me' }] }).finalMessage();
    const exchange = capturing.records.at(-1)!.exchange as any;
    assert.equal(exchange.request.messages[0].content, 'keep me');
    assert.equal(exchange.upstreamRequest.model, 'gpt-5-mini');
    assert.equal(exchange.response.content[0].text, 'kept answer');
  } finally {
    await capturing.close();
  }
});
