// Child processes for end-to-end tests: the headless proxy (dist/cli.js) and the real Claude Code CLI.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const projectRoot = join(__dirname, '..', '..');
export const claudeBinary = join(projectRoot, 'node_modules', '.bin', 'claude');

export interface HeadlessProxy {
  child: ChildProcess;
  url: string;
  stdout: () => string;
  stderr: () => string;
  /** Resolves once stderr (the log) has a line matching the pattern: a request's line is written
   *  after its answer, and may not be there yet when the client has it. Fails after a bounded wait. */
  logged(pattern: RegExp, timeoutMs?: number): Promise<void>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `node dist/cli.js` (or another build's cli.js) and waits (bounded) for its "listening" line. */
export async function startHeadlessProxy(env: Record<string, string>, timeoutMs = 15000, cli = join(projectRoot, 'dist', 'cli.js')): Promise<HeadlessProxy> {
  const child = spawn(process.execPath, [cli], {
    env: { PATH: process.env.PATH ?? '', CLAUDE_PROXY_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (data) => { out += data; });
  child.stderr.on('data', (data) => { err += data; });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`proxy did not start in ${timeoutMs} ms: ${out} ${err}`)), timeoutMs);
    const check = () => {
      const match = /Claude proxy listening on (http:\/\/\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`proxy exited with ${code}: ${err}`));
    });
  });
  return {
    child, url, stdout: () => out, stderr: () => err,
    logged: (pattern, waitMs = 30_000) => new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!pattern.test(err)) return;
        clearTimeout(timer);
        child.stderr.off('data', check);
        resolve();
      };
      const timer = setTimeout(() => {
        child.stderr.off('data', check);
        reject(new Error(`the proxy never logged ${String(pattern)}; its log:\n${err}`));
      }, waitMs);
      child.stderr.on('data', check);
      check();
    }),
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null) return child.exitCode;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

export interface ClaudeRun {
  code: number | null;
  stdout: string;
  stderr: string;
  json: any;
}

export interface ClaudeOptions {
  /** The HOME (and working folder) to run in; a throwaway one when absent. Reuse it for --continue. */
  home?: string;
  /** More variables, e.g. the ones the extension injects. */
  env?: Record<string, string>;
  /** Sent on stdin: the prompt, when it is too long for an argument (Linux takes 128 KiB at most). */
  input?: string;
}

/** Runs `claude -p …` headless against a base URL, with a throwaway HOME; bounded in time. */
export async function runClaude(baseUrl: string, token: string, args: string[], timeoutMs = 90000, options: ClaudeOptions = {}): Promise<ClaudeRun> {
  const home = options.home ?? mkdtempSync(join(tmpdir(), 'claude-home-'));
  const child = spawn(claudeBinary, ['-p', ...args, '--output-format', 'json'], {
    cwd: home,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: home,
      ANTHROPIC_BASE_URL: baseUrl,
      ANTHROPIC_AUTH_TOKEN: token,
      DISABLE_TELEMETRY: '1',
      DISABLE_ERROR_REPORTING: '1',
      DISABLE_AUTOUPDATER: '1',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      // A broken stream must fail the test instead of being hidden by a non-streaming retry.
      CLAUDE_CODE_DISABLE_NONSTREAMING_FALLBACK: '1',
      ...options.env,
    },
    stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  child.stdin?.end(options.input);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (data) => { stdout += data; });
  child.stderr!.on('data', (data) => { stderr += data; });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  clearTimeout(timer);
  let json: any;
  try { json = JSON.parse(stdout); } catch { json = undefined; }
  return { code, stdout, stderr, json };
}
