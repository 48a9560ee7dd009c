// The self-tests against a real ProxyServer in front of the strict fake OpenAI server: they pass
// when everything works, and each failure says what to fix.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { runSelfTests, type SelfTestReport } from '../../src/extension/self-test';
import { defaultRouteTable, type RouteTableInput } from '../../src/proxy/routing/table';
import { ProxyServer } from '../../src/proxy/server/proxy-server';
import { startFakeOpenAI, type FakeOpenAI } from '../fake-openai';
import { selfTestAnswers } from '../helpers/self-test-answers';

const TOKEN = 'self-test-token-0123456789';
let fake: FakeOpenAI;

before(async () => {
  fake = await startFakeOpenAI();
});
after(async () => {
  await fake?.close();
});

async function withProxy(
  options: { key?: string; baseUrl?: string; routes?: RouteTableInput; providerKeys?: Record<string, string | undefined> },
  body: (url: string) => Promise<void>,
): Promise<void> {
  const proxy = new ProxyServer({
    token: TOKEN,
    openaiApiKey: 'key' in options ? options.key : fake.apiKey,
    providerKeys: options.providerKeys,
    openaiBaseUrl: options.baseUrl ?? fake.url,
    routes: options.routes ?? defaultRouteTable,
    port: 0,
    retryPolicy: { retries: 0, baseDelayMs: 1 },
  });
  const url = await proxy.start();
  try {
    await body(url);
  } finally {
    await proxy.stop();
  }
}


async function run(url: string, token = TOKEN): Promise<{ report: SelfTestReport; lines: string[] }> {
  const lines: string[] = [];
  const report = await runSelfTests({ proxyUrl: url, token, log: (line) => lines.push(line), timeoutMs: 20_000 });
  return { report, lines };
}

test('everything works: health, model list, the provider, and per route a message and a tool call, streaming and not', async () => {
  await withProxy({}, async (url) => {
    fake.script(...selfTestAnswers(3));
    const before = fake.requests.length;
    const { report, lines } = await run(url);
    assert.equal(report.failed, 0, lines.join('\n'));
    assert.equal(report.passed, 15);
    assert.equal(report.summary, 'Self-tests: all 15 checks passed');
    assert.ok(lines.includes('Self-tests: all 15 checks passed'));
    assert.ok(lines.some((line) => line.startsWith(`[PASS] provider openai: openai at ${fake.url}, key set, 3 route(s)`)), lines.join('\n'));
    assert.ok(lines.some((line) => line.startsWith('[PASS] claude-sonnet-4-5 -> gpt-5-codex: message: "pong"')), lines.join('\n'));
    assert.ok(lines.some((line) => line.startsWith('[PASS] claude-haiku-4-5 -> gpt-5-mini: tool call, streaming: get_weather({"city":"Paris"})')));
    const calls = fake.requests.slice(before);
    assert.ok(lines.some((line) => line.startsWith('[PASS] claude-fable-5-2 -> gpt-5-codex: message: "pong"')), lines.join('\n'));
    assert.equal(calls.filter((call) => call.path === '/v1/responses' && call.body.model === 'gpt-5-codex').length, 8);
    assert.equal(calls.filter((call) => call.path === '/v1/chat/completions' && call.body.model === 'gpt-5-mini').length, 4);
    assert.equal(calls.filter((call) => call.body?.stream === true).length, 6, 'half the calls stream');
  });
});

test('no OpenAI key: the provider check fails, says to set the key, and its routes are skipped', async () => {
  // The fake is on this machine, where OpenAI's provider takes no key unless it says it needs one.
  await withProxy({ key: undefined, routes: { ...defaultRouteTable, providers: [{ name: 'openai', kind: 'openai', needsKey: true }] } }, async (url) => {
    const { report, lines } = await run(url);
    assert.deepEqual(report.results.slice(0, 3).map((result) => [result.title, result.status]), [['health', 'pass'], ['model list', 'pass'], ['provider openai', 'fail']]);
    assert.match(report.results[2].detail, /no API key is set for OpenAI/);
    assert.match(report.firstFix ?? '', /Set OpenAI API Key/);
    assert.equal(report.skipped, 12, 'the 3 routes\' 4 checks each');
    assert.ok(lines.some((line) => line.startsWith('[SKIP]')));
  });
});

test('a bad key: the first model call fails with "OpenAI rejected the API key", the rest is skipped', async () => {
  await withProxy({ key: 'sk-not-the-fake-key' }, async (url) => {
    const { report, lines } = await run(url);
    const failure = report.results.find((result) => result.status === 'fail');
    assert.equal(failure?.title, 'claude-fable-5-2 -> gpt-5-codex: message', 'the first route\'s first call');
    assert.match(failure.detail, /OpenAI rejected the API key/);
    assert.match(failure.fix ?? '', /Set OpenAI API Key/);
    assert.equal(report.failed, 1);
    assert.ok(report.skipped >= 7);
    assert.ok(!lines.join('\n').includes('sk-not-the-fake-key'), 'the key is not logged');
  });
});

test('an unknown model names the route table', async () => {
  await withProxy({ routes: { routes: [{ name: 'claude-sonnet-4-5', model: 'gpt-nope', api: 'chat' }] } }, async (url) => {
    const { report } = await run(url);
    const failure = report.results.find((result) => result.status === 'fail');
    assert.match(failure?.detail ?? '', /gpt-nope/);
    assert.match(failure?.fix ?? '', /claudeProxy\.routes/);
    assert.equal(report.failed, 4, 'each check of that route fails on its own');
  });
});

test('an unreachable base URL names claudeProxy.openaiBaseUrl', async () => {
  await withProxy({ baseUrl: 'http://127.0.0.1:9/v1' }, async (url) => {
    const { report } = await run(url);
    const failure = report.results.find((result) => result.status === 'fail');
    assert.match(failure?.detail ?? '', /127\.0\.0\.1:9/);
    assert.match(failure?.fix ?? '', /claudeProxy\.openaiBaseUrl/);
    assert.equal(report.failed, 1);
  });
});

test('a model that answers with text instead of calling the tool fails the tool checks', async () => {
  await withProxy({ routes: { routes: [{ name: 'claude-sonnet-4-5', model: 'gpt-4.1', api: 'chat' }] } }, async (url) => {
    const { report } = await run(url); // the fake's default answer is text
    const tool = report.results.filter((result) => result.title.includes('tool call'));
    assert.equal(tool.length, 2);
    for (const result of tool) {
      assert.equal(result.status, 'fail');
      assert.match(result.detail, /without calling the tool/);
      assert.match(result.fix ?? '', /function calling/);
    }
  });
});

test('a wrong proxy token and a stopped proxy are explained', async () => {
  await withProxy({}, async (url) => {
    const { report } = await run(url, 'not-the-token-at-all');
    const failure = report.results.find((result) => result.status === 'fail');
    assert.match(failure?.detail ?? '', /proxy token/i);
    assert.match(failure?.fix ?? '', /Restart/);
  });
  const { report } = await run('http://127.0.0.1:9');
  assert.match(report.results[0].detail, /does not answer/);
  assert.match(report.results[0].fix ?? '', /Start the proxy/);
  assert.equal(report.skipped, report.results.length - 1);
});

// ---- providers ---------------------------------------------------------------------------------

const SECOND_KEY = 'sk-second-provider-key-0123';

/** openai (the fake) serves the big route, "second" (another fake, its own key) the haiku route. */
function twoProviders(second: string, secondBaseUrl?: string): RouteTableInput {
  return {
    providers: [{ name: 'openai', kind: 'openai' }, { name: 'second', kind: 'compatible', baseURL: secondBaseUrl ?? second, needsKey: true }],
    routes: [
      { name: 'claude-haiku-4-5', model: 'gpt-5-mini', api: 'chat', provider: 'second' },
      { name: 'claude-sonnet-4-5', model: 'gpt-4.1', api: 'chat' },
    ],
  };
}

test('two providers: each is checked with its routes, and the titles name the provider', async () => {
  const second = await startFakeOpenAI({ apiKey: SECOND_KEY });
  try {
    await withProxy({ routes: twoProviders(second.url), providerKeys: { second: SECOND_KEY } }, async (url) => {
      fake.script(...selfTestAnswers(1));
      second.script(...selfTestAnswers(1));
      const { report, lines } = await run(url);
      assert.equal(report.failed, 0, lines.join('\n'));
      assert.deepEqual(report.results.map((result) => result.title).filter((title) => !title.includes(':')), ['health', 'model list', 'provider openai', 'provider second']);
      assert.ok(lines.some((line) => line.startsWith(`[PASS] provider second: compatible at ${second.url}, key set, 1 route(s)`)), lines.join('\n'));
      assert.ok(lines.some((line) => line.startsWith('[PASS] claude-haiku-4-5 -> gpt-5-mini on second: tool call, streaming')), lines.join('\n'));
      assert.ok(lines.some((line) => line.startsWith('[PASS] claude-sonnet-4-5 -> gpt-4.1 on openai: message')));
      assert.equal(second.requests.filter((request) => request.path === '/v1/chat/completions').length, 4, 'the haiku checks went to the second provider');
      assert.ok(second.requests.every((request) => request.headers.authorization === `Bearer ${SECOND_KEY}`), 'with its own key');
      assert.equal(report.results.find((result) => result.title.startsWith('claude-haiku-4-5'))?.provider, 'second');
    });
  } finally {
    await second.close();
  }
});

test('a provider without its key: its check fails naming it and the command, its routes are skipped, the others still run', async () => {
  const second = await startFakeOpenAI({ apiKey: SECOND_KEY });
  try {
    await withProxy({ routes: twoProviders(second.url) }, async (url) => {
      fake.script(...selfTestAnswers(1));
      const { report, lines } = await run(url);
      const failure = report.results.find((result) => result.status === 'fail')!;
      assert.equal(failure.title, 'provider second');
      assert.match(failure.detail, /no API key is set for provider "second"/);
      assert.equal(failure.fix, 'Run "Claude Proxy: Set Provider API Key" and choose "second".');
      assert.ok(report.results.filter((result) => result.provider === 'second' && result.title !== 'provider second').every((result) => result.status === 'skip'));
      assert.equal(report.results.filter((result) => result.provider === 'openai' && result.status === 'pass').length, 5, 'openai and its route pass');
      assert.match(report.summary, /1 failed, 4 skipped \(provider second\)$/);
      assert.equal(second.requests.length, 0);
      assert.ok(!lines.join('\n').includes(SECOND_KEY));
    });
  } finally {
    await second.close();
  }
});

test('a wrong key of one provider names that provider and "Set Provider API Key"; an unreachable one names its baseURL in claudeProxy.providers', async () => {
  const second = await startFakeOpenAI({ apiKey: SECOND_KEY });
  try {
    await withProxy({ routes: twoProviders(second.url), providerKeys: { second: 'sk-not-the-second-key' } }, async (url) => {
      fake.script(...selfTestAnswers(1));
      const { report } = await run(url);
      const failure = report.results.find((result) => result.status === 'fail')!;
      assert.equal(failure.title, 'claude-haiku-4-5 -> gpt-5-mini on second: message');
      assert.match(failure.detail, /provider "second" rejected the API key/);
      assert.match(failure.fix ?? '', /Set Provider API Key", choose "second"/);
      assert.equal(report.results.filter((result) => result.provider === 'second' && result.status === 'skip').length, 3, 'the rest of that provider');
      assert.equal(report.results.filter((result) => result.provider === 'openai' && result.status === 'fail').length, 0);
    });
  } finally {
    await second.close();
  }
  const closed = 'http://127.0.0.1:9/v1';
  await withProxy({ routes: twoProviders(closed), providerKeys: { second: SECOND_KEY } }, async (url) => {
    fake.script(...selfTestAnswers(1));
    const { report } = await run(url);
    const failure = report.results.find((result) => result.status === 'fail')!;
    assert.equal(failure.provider, 'second');
    assert.match(failure.detail, /127\.0\.0\.1:9/);
    assert.match(failure.fix ?? '', /the baseURL of provider "second" in claudeProxy\.providers/);
    assert.equal(report.failed, 1);
  });
});
