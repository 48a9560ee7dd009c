// Runs the installed Claude Code CLI (node_modules/.bin/claude) headless against a logging server on
// 127.0.0.1 and writes every request it sends, in the format of test/fixtures/claude-code/*.json,
// so that what a new version changed is one diff away. The server answers just enough for the CLI
// to go on (answers.mjs). Each scenario runs in a throwaway HOME, bounded in time.
//
// Usage: npm run capture -- [outdir] [--only=hello,bash] [--timeout-ms=120000]
//        outdir defaults to .captures/<version>/
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { answerFor, sseEvents, TOOL_COMMAND, wholeMessage } from './capture/answers.mjs';

const root = new URL('..', import.meta.url).pathname;
const claude = join(root, 'node_modules', '.bin', 'claude');
const version = JSON.parse(readFileSync(join(root, 'node_modules', '@anthropic-ai', 'claude-code', 'package.json'), 'utf8')).version;

const scenarios = {
  hello: { args: ['say hello'], description: 'claude -p "say hello"' },
  haiku: { args: ['say hello', '--model', 'haiku'], description: 'claude -p "say hello" --model haiku' },
  bash: {
    args: ['run the echo command', '--allowedTools', 'Bash'], toolRoundTrip: true,
    description: `claude -p "run the echo command" --allowedTools Bash, answered first with a Bash tool_use (${TOOL_COMMAND})`,
  },
  // /context counts each part of the context with count_tokens (about 25 calls at once).
  'count-tokens': { args: ['/context'], description: 'claude -p "/context"' },
};

const options = Object.fromEntries(process.argv.slice(2).filter((arg) => arg.startsWith('--')).map((arg) => arg.slice(2).split('=')));
const outdir = resolve(process.argv.slice(2).find((arg) => !arg.startsWith('--')) ?? join(root, '.captures', version));
const chosen = options.only ? options.only.split(',') : Object.keys(scenarios);
const timeoutMs = Number(options['timeout-ms'] ?? 120000);
const unknown = chosen.filter((name) => !scenarios[name]);
if (unknown.length > 0) {
  console.error(`Unknown scenario ${unknown.join(', ')}; the scenarios are ${Object.keys(scenarios).join(', ')}`);
  process.exit(2);
}

// The CLI gets a random token; the captures show test tokens, as the fixtures do.
const token = `capture-${randomBytes(12).toString('hex')}`;
let current = { name: '', scenario: scenarios.hello, requests: [] };

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const raw = Buffer.concat(chunks);
    const body = raw.length === 0 ? null : parseJson(raw.toString('utf8'));
    current.requests.push({ method: req.method, url: req.url, headers: scrubbed(req.headers), body_bytes: raw.length, body });
    answer(req, res, body);
  });
});

function answer(req, res, body) {
  const path = req.url.split('?')[0];
  if (req.method === 'HEAD' || req.method === 'GET' && path === '/') return res.writeHead(200).end();
  const json = (status, value) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
  if (req.method === 'GET' && path === '/v1/models') return json(200, { data: [], has_more: false, first_id: null, last_id: null });
  if (req.method === 'POST' && path === '/v1/messages/count_tokens') return json(200, { input_tokens: Math.ceil(JSON.stringify(body).length / 4) });
  if (req.method !== 'POST' || path !== '/v1/messages' || body === null || typeof body !== 'object') {
    return json(404, { type: 'error', error: { type: 'not_found_error', message: `the capture server does not answer ${req.method} ${path}` } });
  }
  const block = answerFor(body, current.scenario);
  if (!body.stream) return json(200, wholeMessage(body, block));
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' }).end(sseEvents(body, block));
}

function parseJson(text) {
  try { return JSON.parse(text); } catch { return text; }
}

function scrubbed(headers) {
  const copy = JSON.parse(JSON.stringify(headers).replaceAll(token, 'test-token'));
  if (copy['x-api-key']) copy['x-api-key'] = 'test-key';
  return copy;
}

/** "2 × POST /v1/messages, 1 × GET /v1/models" */
function tally(requests) {
  const counts = new Map();
  for (const { method, url } of requests) {
    const what = `${method} ${url.split('?')[0]}`;
    counts.set(what, (counts.get(what) ?? 0) + 1);
  }
  return counts.size === 0 ? 'no requests' : [...counts].map(([what, count]) => `${count} × ${what}`).join(', ');
}

/** Runs one scenario; resolves with the CLI's exit code (null when killed at the time limit). */
function runClaude(url, scenario) {
  const home = mkdtempSync(join(tmpdir(), 'claude-capture-home-'));
  const child = spawn(claude, ['-p', ...scenario.args, '--output-format', 'json'], {
    cwd: home,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '', HOME: home,
      ANTHROPIC_BASE_URL: url, ANTHROPIC_AUTH_TOKEN: token,
      DISABLE_TELEMETRY: '1', DISABLE_ERROR_REPORTING: '1', DISABLE_AUTOUPDATER: '1', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    },
  });
  let output = '';
  child.stdout.on('data', (data) => { output += data; });
  child.stderr.on('data', (data) => { output += data; });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((done) => child.once('close', (code) => {
    clearTimeout(timer);
    rmSync(home, { recursive: true, force: true });
    done({ code, output });
  }));
}

const url = await new Promise((done) => server.listen(0, '127.0.0.1', () => done(`http://127.0.0.1:${server.address().port}`)));
mkdirSync(outdir, { recursive: true });
let failed = false;
for (const name of chosen) {
  current = { name, scenario: scenarios[name], requests: [] };
  const { code, output } = await runClaude(url, current.scenario);
  // A previous run's files of this scenario would mix with this one's.
  for (const file of readdirSync(outdir)) if (new RegExp(`^${name}-\\d+\\.json$`).test(file)) rmSync(join(outdir, file));
  current.requests.forEach((request, index) => {
    const number = String(index + 1).padStart(2, '0');
    const capture = {
      _description: `${current.scenario.description}: request ${number} of ${current.requests.length}, ${request.method} ${request.url}`,
      _claude_code_version: version,
      ...request,
    };
    writeFileSync(join(outdir, `${name}-${number}.json`), `${JSON.stringify(capture, null, 2)}\n`);
  });
  const calls = current.requests.filter((request) => request.method === 'POST' && request.url.startsWith('/v1/messages'));
  const ok = code === 0 && calls.length > 0;
  failed ||= !ok;
  console.log(`${name}: exit ${code ?? `killed after ${timeoutMs} ms`}; ${tally(current.requests)}`);
  if (!ok) console.log(output.slice(-2000));
}
server.close();
console.log(`Claude Code ${version}: captures in ${outdir}`);
process.exit(failed ? 1 : 0);
