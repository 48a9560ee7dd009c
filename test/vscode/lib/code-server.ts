// Runs a real VS Code (code-server from npm, installed by test/vscode/setup.sh) bound to
// 127.0.0.1, isolated from the machine's HOME, and drives it with Playwright + Debian chromium.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';

export const ROOT = resolve(__dirname, '..', '..', '..');
export const ARTIFACTS = join(ROOT, '.test-artifacts', 'vscode');
export const CODE_SERVER_VERSION = process.env.CODE_SERVER_VERSION ?? '4.139.1';
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Where setup.sh installed code-server (same rule as the script). */
export function codeServerHome(): string {
  const cacheRoot = process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  return process.env.CLAUDE_PROXY_CODE_SERVER_HOME ?? join(cacheRoot, 'claude-openai-proxy', `code-server-${CODE_SERVER_VERSION}`);
}

/** Why the real-VS-Code tests cannot run here, or undefined when they can. */
export function missingPrerequisite(): string | undefined {
  const home = codeServerHome();
  if (!existsSync(join(home, '.installed')) || !existsSync(join(home, 'node_modules', '.bin', 'code-server'))) {
    return `code-server is not installed in ${home}: run test/vscode/setup.sh`;
  }
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} is missing: run test/vscode/setup.sh`;
  return undefined;
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

export interface CodeServerOptions {
  /** User settings written to User/settings.json before the start. */
  settings?: Record<string, unknown>;
  /** Extra environment for code-server and so for its extension host and terminals. */
  env?: Record<string, string>;
  /** VSIX files to install into the fresh extensions folder first. */
  install?: string[];
  /** Label for the temp folder. */
  label: string;
  /** Lines for the fake HOME's ~/.profile and ~/.bashrc (VS Code resolves the terminal's
   *  environment from a login shell, which resets PATH: set it here, as a user does). */
  shellProfile?: string;
}

export interface CodeServer {
  url: string;
  port: number;
  root: string;
  workspace: string;
  userDataDir: string;
  log: () => string;
  stop(): Promise<void>;
}

export const BASE_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'remote.autoForwardPorts': false,
  'security.workspace.trust.enabled': false,
  'terminal.integrated.gpuAcceleration': 'off',
  'terminal.integrated.enablePersistentSessions': false,
  'terminal.integrated.defaultProfile.linux': 'bash',
  'terminal.integrated.showExitAlert': false,
  'terminal.integrated.shellIntegration.enabled': false,
  'chat.disableAIFeatures': true,
  'workbench.colorTheme': 'Default Dark Modern',
};

export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  const home = codeServerHome();
  const nodeBin = join(home, 'node', 'bin');
  const root = mkdtempSync(join(tmpdir(), `cop-${options.label}-`));
  const userDataDir = join(root, 'user');
  const extensionsDir = join(root, 'ext');
  const workspace = join(root, 'workspace');
  const fakeHome = join(root, 'home');
  for (const dir of [join(userDataDir, 'User'), extensionsDir, workspace, fakeHome, join(root, 'tmp')]) mkdirSync(dir, { recursive: true });
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...BASE_SETTINGS, ...options.settings }, null, 2));
  writeFileSync(join(workspace, 'README.md'), '# Test workspace\n');
  if (options.shellProfile) {
    for (const file of ['.profile', '.bashrc']) writeFileSync(join(fakeHome, file), `${options.shellProfile}\n`);
  }

  const env: NodeJS.ProcessEnv = {
    PATH: `${nodeBin}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    HOME: fakeHome,
    TMPDIR: join(root, 'tmp'),
    XDG_CONFIG_HOME: join(fakeHome, '.config'),
    XDG_DATA_HOME: join(fakeHome, '.local', 'share'),
    XDG_CACHE_HOME: join(fakeHome, '.cache'),
    LANG: 'C.UTF-8',
    SHELL: '/bin/bash',
    // The extension-host tests check that no secret landed in the user's settings.json.
    CLAUDE_PROXY_TEST_USER_SETTINGS: join(userDataDir, 'User', 'settings.json'),
    ...options.env,
  };
  const binary = join(home, 'node_modules', '.bin', 'code-server');
  for (const vsix of options.install ?? []) {
    const result = spawnSync(binary, ['--extensions-dir', extensionsDir, '--user-data-dir', userDataDir, '--install-extension', vsix], { env, encoding: 'utf8', timeout: 120_000 });
    if (result.status !== 0) throw new Error(`installing ${vsix} failed (${result.status}): ${result.stdout}${result.stderr}`);
  }

  const port = await freePort();
  let output = '';
  const child: ChildProcess = spawn(binary, [
    '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`,
    '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir,
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override',
    '--vscode-option', 'enable-smoke-test-driver',
    workspace,
  ], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (data) => { output += data; });
  child.stderr!.on('data', (data) => { output += data; });
  let exited = false;
  child.once('exit', () => { exited = true; });

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`code-server exited at start:\n${output}`);
    try {
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      killGroup(child);
      throw new Error(`code-server did not answer /healthz within 60 s:\n${output}`);
    }
    await sleep(250);
  }

  return {
    url, port, root, workspace, userDataDir,
    log: () => output,
    async stop() {
      killGroup(child);
      const gone = Date.now() + 10_000;
      while (!exited && Date.now() < gone) await sleep(100);
      if (!exited) killGroup(child, 'SIGKILL');
      if (!process.env.KEEP_VSCODE_TEST_DIRS) rmSync(root, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): void {
  try {
    if (child.pid) process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

import { sleep, waitFor } from './wait';

export { sleep, waitFor };

export async function launchBrowser(): Promise<{ browser: Browser; context: BrowserContext; page: Page; close: () => Promise<void> }> {
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'cop-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    timeout: 60_000,
  });
  const page = context.pages()[0] ?? await context.newPage();
  return {
    browser: context.browser()!,
    context,
    page,
    async close() {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Builds the extension (dev bundle) and the extension-host test suite. */
export function buildForTests(): { suite: string } {
  const run = (args: string[]) => {
    const result = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    if (result.status !== 0) throw new Error(`node ${args.join(' ')} failed:\n${result.stdout}${result.stderr}`);
  };
  run(['esbuild.mjs']);
  run([join(ROOT, 'test', 'vscode', 'build-suite.mjs')]);
  return { suite: join(ROOT, 'out', 'vscode-suite', 'index') };
}

/** The extension's log as VS Code writes it to disk (the "Claude Proxy" output channel, under
 *  logs/<session>/exthost<N>/<extension id>/): state to wait on, where a toast may never show. */
export function extensionLog(server: Pick<CodeServer, 'userDataDir'>): string {
  const { publisher, name } = readJson<{ publisher: string; name: string }>(join(ROOT, 'package.json'))!;
  const logs = join(server.userDataDir, 'logs');
  const files: string[] = [];
  for (const session of existsSync(logs) ? readdirSync(logs).sort() : []) {
    for (const host of readdirSync(join(logs, session)).filter((entry) => entry.startsWith('exthost')).sort()) {
      const file = join(logs, session, host, `${publisher}.${name}`, 'Claude Proxy.log');
      if (existsSync(file)) files.push(file);
    }
  }
  return files.map((file) => readFileSync(file, 'utf8')).join('');
}

export function readJson<T>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}
