// Entry point: activate() wires the modules together and starts the proxy (unless
// claudeProxy.autoStart is false) without waiting for it, so activation stays cheap; the proxy
// core loads `openai` and the tokenizer only on the first request.
import * as vscode from 'vscode';
import { registerCommands } from './commands';
import { ProxyLog } from './log';
import { ProxyController, type ProxyState } from './proxy-controller';
import { Secrets } from './secrets';
import type { SelfTestReport } from './self-test';
import { StatusBar } from './status-bar';
import { TerminalEnvironment } from './terminal-env';

/** What `activate` returns: for other extensions and the extension-host tests. */
export interface ClaudeProxyApi {
  readonly state: ProxyState;
  readonly onDidChangeState: vscode.Event<ProxyState>;
  /** How long activate() took, in milliseconds. */
  readonly activationMs: number;
  /** Resolves once the start that activation began has finished (or at once without auto-start). */
  readonly ready: Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  restart(): Promise<void>;
  runSelfTests(): Promise<SelfTestReport>;
  /** Only outside production mode (development and tests): internals to check. */
  readonly testing?: TestingApi;
}

export interface TestingApi {
  terminalEnvironment(): Record<string, string>;
  terminalEnvironmentPersistent(): boolean;
  recentLog(): string[];
  statusBarText(): string;
  openaiKeySource(): string;
  requestsServed(): number;
}

let controller: ProxyController | undefined;

export function activate(context: vscode.ExtensionContext): ClaudeProxyApi {
  const started = performance.now();
  const secrets = new Secrets(context.secrets);
  const log = new ProxyLog(() => secrets.known());
  const statusBar = new StatusBar();
  const terminal = new TerminalEnvironment(context.environmentVariableCollection);
  const proxy = (controller = new ProxyController(log, secrets, terminal, statusBar));
  context.subscriptions.push(log, statusBar, proxy, ...registerCommands(proxy, log));

  const ready = proxy.autoStart ? proxy.start(false).catch((error) => log.error(`Auto-start failed: ${(error as Error).message}`)) : Promise.resolve();
  const activationMs = Math.round((performance.now() - started) * 10) / 10;
  log.info(`Activated in ${activationMs} ms (VS Code ${vscode.version}${vscode.env.remoteName ? `, remote ${vscode.env.remoteName}` : ''})${proxy.autoStart ? '' : '; claudeProxy.autoStart is off'}`);

  const testing: TestingApi | undefined = context.extensionMode === vscode.ExtensionMode.Production ? undefined : {
    terminalEnvironment: () => terminal.entries(),
    terminalEnvironmentPersistent: () => terminal.persistent,
    recentLog: () => log.recent(),
    statusBarText: () => statusBar.text,
    openaiKeySource: () => proxy.openaiKeySource,
    requestsServed: () => proxy.requestsServed,
  };
  return {
    get state() {
      return proxy.state;
    },
    onDidChangeState: proxy.onDidChangeState,
    activationMs,
    ready,
    start: () => proxy.start(false),
    stop: () => proxy.stop(),
    restart: () => proxy.restart(false),
    runSelfTests: () => proxy.runSelfTests(),
    testing,
  };
}

export async function deactivate(): Promise<void> {
  const current = controller;
  controller = undefined;
  if (current) await current.stop();
}
