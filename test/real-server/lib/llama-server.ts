// llama.cpp's llama-server for the real-server tests: installed on first use by setup.sh
// (cached), run through Debian sid's own loader from ggml's backends folder, on 127.0.0.1 and a
// free port. Every wait is bounded.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { freeLoopbackPort } from '../../vscode/lib/ports';
import { llamaHome } from './paths';

const SETUP = join(__dirname, '..', 'setup.sh');
const SETUP_TIMEOUT_MS = 30 * 60_000;
const HEALTH_TIMEOUT_MS = 30_000;

export type Installed = { home: string; unavailable?: undefined } | { unavailable: string };

/** Runs setup.sh; when llama-server cannot be had here, says why (its last line) instead of failing. */
export function installLlamaServer(): Promise<Installed> {
  return new Promise((resolve) => {
    execFile('bash', [SETUP], { timeout: SETUP_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 }, (error, _stdout, stderr) => {
      if (!error) { resolve({ home: llamaHome() }); return; }
      const why = stderr.trim().split('\n').at(-1)?.replace(/^\[setup-llama-server\] /, '') || error.message;
      resolve({ unavailable: `llama-server is not available here, real-server tests skipped: ${why}` });
    });
  });
}

export interface LlamaServer {
  /** The OpenAI-compatible base URL, /v1 included. */
  baseUrl: string;
  apiKey: string;
  log: () => string;
  stop: () => Promise<void>;
}

export interface LlamaServerOptions {
  model: string;
  contextSize: number;
  apiKey: string;
}

export async function startLlamaServer(home: string, options: LlamaServerOptions): Promise<LlamaServer> {
  const libs = join(home, 'root', 'usr', 'lib', 'x86_64-linux-gnu');
  const backends = join(libs, 'ggml', readdirSync(join(libs, 'ggml'))[0]);
  const port = await freeLoopbackPort();
  const child = spawn(join(libs, 'ld-linux-x86-64.so.2'), [
    '--library-path', `${libs}:${join(libs, 'llama')}`, join(home, 'root', 'usr', 'bin', 'llama-server'),
    '--model', options.model, '--host', '127.0.0.1', '--port', String(port), '--api-key', options.apiKey,
    // One slot (its context is the whole --ctx-size) and one thread: the machine is shared.
    '--ctx-size', String(options.contextSize), '--parallel', '1', '--threads', '1', '--no-webui', '--no-warmup',
  ], { cwd: backends, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let log = '';
  child.stdout.on('data', (data) => { log += data; });
  child.stderr.on('data', (data) => { log += data; });
  const server = { baseUrl: `http://127.0.0.1:${port}/v1`, apiKey: options.apiKey, log: () => log, stop: () => stop(child) };
  try {
    await waitForHealth(`http://127.0.0.1:${port}/health`, child, () => log);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

async function waitForHealth(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`llama-server exited with ${child.exitCode}:\n${log()}`);
    const healthy = await fetch(url, { signal: AbortSignal.timeout(2000) }).then((response) => response.ok, () => false);
    if (healthy) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`llama-server was not healthy within ${HEALTH_TIMEOUT_MS} ms:\n${log()}`);
}

/** SIGTERM to the process group, SIGKILL after 5 s. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-child.pid!, 'SIGTERM');
  const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
