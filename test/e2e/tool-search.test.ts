// The real Claude Code CLI with its deferred tools (tool search) through the headless proxy: the
// model calls ToolSearch to load WebFetch, then WebFetch on a local HTTPS page (WebFetch upgrades
// http to https), whose summary is WebFetch's own model call through the proxy, then answers.
// Claude Code turns tool search off for the process (and declares every tool in full) when an
// endpoint refuses a tool_reference; these tests see that it did not.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startFakeOpenAI, type FakeOpenAI, type RecordedRequest } from '../fake-openai';
import { runClaude, startHeadlessProxy, type HeadlessProxy } from '../helpers/processes';

const TOKEN = 'e2e-proxy-token-abcdefghijkl';
const SECRET = `tool-search-marker-${process.pid}`;
const SUMMARY = `The page says the secret word is ${SECRET}.`;
const FINAL = `WebFetch found the secret word: ${SECRET}.`;

let certDir: string;
let page: Server;
let pageUrl: string;
let pageHits = 0;
let fake: FakeOpenAI;
let proxy: HeadlessProxy;

const items = (body: any): any[] => body.input ?? body.messages;
const toolNames = (body: any): string[] => (body.tools ?? []).map((tool: any) => tool.function?.name ?? tool.name);
const toolOutputs = (body: any): string[] => items(body)
  .filter((item) => item.type === 'function_call_output' || item.role === 'tool')
  .map((item) => JSON.stringify(item.output ?? item.content));

before(async () => {
  // A self-signed certificate for 127.0.0.1, trusted by the CLI through NODE_EXTRA_CA_CERTS.
  certDir = mkdtempSync(join(tmpdir(), 'tool-search-cert-'));
  const openssl = spawnSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(certDir, 'key.pem'), '-out', join(certDir, 'cert.pem'),
  ], { timeout: 30000, encoding: 'utf8' });
  assert.equal(openssl.status, 0, `openssl could not make a test certificate: ${openssl.error ?? openssl.stderr}`);
  page = createServer({ key: readFileSync(join(certDir, 'key.pem')), cert: readFileSync(join(certDir, 'cert.pem')) }, (request, response) => {
    pageHits++;
    response.setHeader('content-type', 'text/html');
    response.end(`<html><body><h1>Marker page</h1><p>The secret word is ${SECRET}.</p></body></html>`);
  });
  await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
  pageUrl = `https://127.0.0.1:${(page.address() as AddressInfo).port}/page`;

  fake = await startFakeOpenAI({
    answerFor: ({ body }) => {
      // WebFetch's own call: no tools, the page's text in the prompt.
      if (!toolNames(body).includes('ToolSearch')) return JSON.stringify(items(body)).includes(SECRET) ? { kind: 'text', chunks: [SUMMARY] } : undefined;
      switch (toolOutputs(body).length) {
        case 0: return { kind: 'tool_calls', calls: [{ name: 'ToolSearch', fragments: ['{"query":"sel', 'ect:WebFetch"}'] }] };
        case 1: return { kind: 'tool_calls', calls: [{ name: 'WebFetch', fragments: [JSON.stringify({ url: pageUrl, prompt: 'What is the secret word?' })] }] };
        default: return { kind: 'text', chunks: [FINAL] };
      }
    },
  });
  proxy = await startHeadlessProxy({ OPENAI_API_KEY: fake.apiKey, OPENAI_BASE_URL: fake.url, CLAUDE_PROXY_TOKEN: TOKEN });
});

after(async () => {
  await proxy?.stop();
  await fake?.close();
  await new Promise((resolve) => (page ? page.close(resolve) : resolve(undefined)));
  if (certDir) rmSync(certDir, { recursive: true, force: true });
});

for (const target of [
  { api: 'Responses', args: [], path: '/v1/responses' },
  { api: 'Chat Completions', args: ['--model', 'haiku'], path: '/v1/chat/completions' },
]) {
  test(`ToolSearch loads WebFetch, WebFetch runs, the answer comes back; tool search stays on (${target.api})`, async () => {
    const seen = fake.requests.length;
    const logged = proxy.stderr().length;
    const hits = pageHits;
    const run = await runClaude(proxy.url, TOKEN, [
      `fetch the marker page ${pageUrl}`, ...target.args, '--allowedTools', 'WebFetch',
      // WebFetch asks claude.ai whether a domain is safe first; there is no claude.ai here.
      '--settings', JSON.stringify({ skipWebFetchPreflight: true }),
    ], 120000, { env: { NODE_EXTRA_CA_CERTS: join(certDir, 'cert.pem') } });
    assert.equal(run.code, 0, run.stderr || run.stdout);
    assert.equal(run.json?.result, FINAL, run.stdout);

    const log = proxy.stderr().slice(logged).trim().split('\n');
    assert.equal(log.length, 4, `one log line per request:\n${log.join('\n')}`);
    for (const line of log) assert.match(line, /POST \/v1\/messages .* 200 \d+ms/, 'no 4xx or 5xx anywhere');

    const calls: RecordedRequest[] = fake.requests.slice(seen);
    assert.deepEqual(calls.map((call) => call.rejection), [undefined, undefined, undefined, undefined], 'the strict fake refused nothing');
    assert.ok(calls.every((call) => call.path === target.path));
    const [first, loaded, fetch, last] = calls.map((call) => call.body);
    assert.ok(toolNames(first).includes('ToolSearch'));
    assert.ok(!toolNames(first).includes('WebFetch'), 'WebFetch is not declared before the reference');
    assert.ok(!toolNames(first).includes('DeferredToolPlaceholder'), 'the placeholder is never sent');
    assert.deepEqual(toolNames(loaded), [...toolNames(first), 'WebFetch'], 'WebFetch declared after the reference, last');
    assert.match(toolOutputs(loaded)[0], /Tool WebFetch is now loaded and can be called\./);
    const webFetch = loaded.tools.at(-1);
    assert.equal(webFetch.type, 'function');
    assert.ok(!JSON.stringify(webFetch).includes('defer_loading'));

    assert.equal(pageHits - hits, 1, 'WebFetch fetched the page');
    assert.deepEqual(toolNames(fetch), [], 'WebFetch\'s own model call');
    assert.deepEqual(toolNames(last), toolNames(loaded), 'after the tool call: still ToolSearch, still not every tool in full');
    assert.match(toolOutputs(last)[1], new RegExp(SUMMARY.replace(/\./g, '\\.')), 'WebFetch\'s result reached the model');
  });
}
