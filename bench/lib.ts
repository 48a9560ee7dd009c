// Bench helpers: one HTTP client mechanism for both sides (node:http with a keep-alive agent,
// bodies serialized once before the timed loop), statistics, child processes, RSS sampling.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

export const now = () => performance.now();
/** Milliseconds since the epoch with sub-ms resolution, comparable across processes on one machine. */
export const epoch = () => performance.timeOrigin + performance.now();

export interface Endpoint {
  /** http://127.0.0.1:PORT (no path) */
  origin: string;
  headers: Record<string, string>;
  agent: Agent;
}

export function endpoint(origin: string, headers: Record<string, string>, maxSockets = 128): Endpoint {
  return { origin, headers: { 'content-type': 'application/json', ...headers }, agent: new Agent({ keepAlive: true, maxSockets }) };
}

export interface Reply {
  status: number;
  text: string;
  /** ms (performance.now) from the call to the end of the body */
  ms: number;
}

export interface PostOptions {
  /** called with every body chunk as it arrives, and the epoch time it arrived */
  onData?: (text: string, at: number) => void;
  timeoutMs?: number;
}

/** POSTs a prepared body; resolves with the whole answer. Never rejects on HTTP errors; rejects on socket errors and on timeout. */
export function post(target: Endpoint, path: string, body: Buffer, options: PostOptions = {}): Promise<Reply> {
  const started = now();
  return new Promise((resolve, reject) => {
    const req = request(target.origin + path, {
      method: 'POST',
      agent: target.agent,
      headers: { ...target.headers, 'content-length': String(body.length) },
    }, (res) => {
      res.setEncoding('utf8');
      let text = '';
      res.on('data', (chunk: string) => {
        if (options.onData) options.onData(chunk, epoch());
        text += chunk;
      });
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, text, ms: now() - started });
      });
      res.on('error', fail);
    });
    const timer = setTimeout(() => req.destroy(new Error(`timeout after ${options.timeoutMs ?? 30000} ms`)), options.timeoutMs ?? 30000);
    function fail(error: Error): void {
      clearTimeout(timer);
      reject(error);
    }
    req.on('error', fail);
    req.end(body);
  });
}

export function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

// ---- statistics -------------------------------------------------------------------------

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export interface Summary { n: number; p50: number; p90: number; p99: number; max: number; mean: number }

export function summarize(values: number[]): Summary {
  const mean = values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);
  return { n: values.length, p50: percentile(values, 50), p90: percentile(values, 90), p99: percentile(values, 99), max: Math.max(...values), mean };
}

export const round = (value: number, digits = 2) => (Number.isFinite(value) ? Number(value.toFixed(digits)) : value);

export function roundAll<T>(value: T, digits = 3): T {
  if (typeof value === 'number') return round(value, digits) as T;
  if (Array.isArray(value)) return (value as unknown[]).map((item) => roundAll(item, digits)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, roundAll(item, digits)])) as T;
  }
  return value;
}

// ---- processes ----------------------------------------------------------------------------

/** Resident set size of a process, from /proc (Linux), in MB; NaN elsewhere. */
export function rssMb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /VmRSS:\s+(\d+) kB/.exec(status);
    return match ? Number(match[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** Samples a process's RSS every `everyMs` until stopped; returns the samples. */
export function sampleRss(pid: number, everyMs = 50): { stop(): number[] } {
  const samples: number[] = [rssMb(pid)];
  const timer = setInterval(() => samples.push(rssMb(pid)), everyMs);
  return {
    stop() {
      clearInterval(timer);
      samples.push(rssMb(pid));
      return samples;
    },
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A forked child speaking the { id, cmd } / { id, value } protocol of fake-process.ts. */
export class Rpc {
  private nextId = 1;
  private readonly waiting = new Map<number, (value: unknown) => void>();
  readonly ready: Promise<unknown>;

  constructor(readonly child: ChildProcess) {
    let announce!: (value: unknown) => void;
    this.ready = new Promise((resolve, reject) => {
      announce = resolve;
      child.once('exit', (code) => reject(new Error(`fake server process exited with ${code}`)));
    });
    child.on('message', (message: { id: number; value: unknown }) => {
      if (message.id === 0) return announce(message.value);
      this.waiting.get(message.id)?.(message.value);
      this.waiting.delete(message.id);
    });
  }

  call<T = unknown>(cmd: string, extra: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`fake server did not answer ${cmd}`)), 10000);
      this.waiting.set(id, (value) => {
        clearTimeout(timer);
        resolve(value as T);
      });
      this.child.send({ id, cmd, ...extra });
    });
  }
}

export function forkTs(script: string, cwd: string): ChildProcess {
  return fork(script, [], { cwd, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

export interface StartedProxy {
  child: ChildProcess;
  url: string;
  /** ms from spawn to the "listening" line */
  startupMs: number;
  stderr: () => string;
  /** everything the proxy printed on stdout (node's --trace-gc and similar flags print there) */
  stdout: () => string;
  stop(): Promise<void>;
}

/** Starts the bundled headless proxy and waits (bounded) for its "listening" line. */
export function startProxy(cliPath: string, env: Record<string, string>, extraArgs: string[] = []): Promise<StartedProxy> {
  const started = now();
  const child = spawn(process.execPath, [...extraArgs, cliPath], {
    env: { PATH: process.env.PATH ?? '', CLAUDE_PROXY_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (data) => { err += data; });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`proxy did not start in 15 s: ${out} ${err}`));
    }, 15000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`proxy exited with ${code}: ${err}`));
    });
    child.stdout.on('data', (data) => {
      out += data;
      const match = /Claude proxy listening on (http:\/\/\S+)/.exec(out);
      if (!match) return;
      clearTimeout(timer);
      resolve({
        child,
        url: match[1],
        startupMs: now() - started,
        stderr: () => err,
        stdout: () => out,
        async stop() {
          if (child.exitCode !== null || child.signalCode !== null) return;
          child.kill('SIGTERM');
          const hard = setTimeout(() => child.kill('SIGKILL'), 5000);
          await exited;
          clearTimeout(hard);
        },
      });
    });
  });
}
