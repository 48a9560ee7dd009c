// Entry point: activate() wires the modules together and starts the proxy (unless
// claudeProxy.autoStart is false) without waiting for it, so activation stays cheap; the proxy
// core loads `openai` and the tokenizer only on the first request.
import * as vscode from 'vscode';
import { offerClaudeCodeExtension } from './claude-code-extension';
import { registerCommands } from './commands';
import type { UsageEntry } from '../usage/usage-entry';
import { Dashboard } from './dashboard/dashboard';
import type { LogLevel } from '../proxy';
import { ProxyLog } from './log';
import { Prompts, type Prompt, type PromptAnswer } from './prompts';
import { ProxyController } from './proxy/proxy-controller';
import type { ProxyState } from './proxy/proxy-state';
import { OPENAI_KEY_SECRET, providerKeySecret, PROXY_TOKEN_SECRET, Secrets } from './secrets';
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
  terminalEnvironmentDescription(): string | undefined;
  recentLog(): string[];
  statusBarText(): string;
  openaiKeySource(): string;
  requestsServed(): number;
  statusBarTooltip(): string;
  /** The dashboard: its usage service (history folder, entries, bodies) and its open panel. */
  dashboard(): Dashboard;
  usageEntries(): readonly UsageEntry[];
  /** The notifications and quick picks shown (redacted), oldest first. */
  prompts(): Prompt[];
  /** Answers every prompt with `answer` instead of showing it; undefined shows them again. */
  answerPrompts(answer: PromptAnswer | undefined): void;
  /** What this extension's SecretStorage holds. */
  storedSecrets(): Promise<{ openaiKey?: string; proxyToken?: string }>;
  /** The key stored for a provider (the OpenAI key for "openai"). */
  storedProviderKey(provider: string): Promise<string | undefined>;
  logLevel(): LogLevel;
}

let controller: ProxyController | undefined;
let activeDashboard: Dashboard | undefined;

export function activate(context: vscode.ExtensionContext): ClaudeProxyApi {
  const started = performance.now();
  const secrets = new Secrets(context.secrets);
  const log = new ProxyLog(() => secrets.known());
  const prompts = new Prompts((text) => log.redact(text));
  const statusBar = new StatusBar();
  const terminal = new TerminalEnvironment(context.environmentVariableCollection);
  const dashboard = (activeDashboard = new Dashboard(context.extensionUri, context.globalStorageUri, log, () => secrets.known()));
  const proxy = (controller = new ProxyController(log, secrets, terminal, statusBar, prompts, dashboard.usage));
  context.subscriptions.push(log, statusBar, proxy, dashboard, ...registerCommands(proxy, log, prompts, dashboard));
  // The history of earlier sessions, for the status-bar tooltip and the dashboard: read in the
  // background, so activation does not wait for the disk.
  void dashboard.load();

  const ready = proxy.autoStart ? proxy.start(false).catch((error) => log.error(`Auto-start failed: ${(error as Error).message}`)) : Promise.resolve();
  // The Claude Code extension ignores the terminal environment: offer, once, to configure it.
  const offer = proxy.onDidChangeState((state) => {
    if (state.kind !== 'running') return;
    offer.dispose();
    void offerClaudeCodeExtension(context.globalState, () => proxy.connection()).catch((error) => log.warn(`Claude Code extension: ${(error as Error).message}`));
  });
  context.subscriptions.push(offer);
  const activationMs = Math.round((performance.now() - started) * 10) / 10;
  log.info(`Activated in ${activationMs} ms (VS Code ${vscode.version}${vscode.env.remoteName ? `, remote ${vscode.env.remoteName}` : ''})${proxy.autoStart ? '' : '; claudeProxy.autoStart is off'}`);

  const testing: TestingApi | undefined = context.extensionMode === vscode.ExtensionMode.Production ? undefined : {
    terminalEnvironment: () => terminal.entries(),
    terminalEnvironmentPersistent: () => terminal.persistent,
    terminalEnvironmentDescription: () => terminal.description,
    recentLog: () => log.recent(),
    statusBarText: () => statusBar.text,
    openaiKeySource: () => proxy.openaiKeySource,
    requestsServed: () => proxy.requestsServed,
    statusBarTooltip: () => statusBar.tooltipText,
    dashboard: () => dashboard,
    usageEntries: () => dashboard.usage.entries(),
    prompts: () => prompts.recent(),
    answerPrompts: (answer) => prompts.answerWith(answer),
    storedSecrets: async () => ({ openaiKey: await context.secrets.get(OPENAI_KEY_SECRET), proxyToken: await context.secrets.get(PROXY_TOKEN_SECRET) }),
    storedProviderKey: (provider) => Promise.resolve(context.secrets.get(providerKeySecret(provider))),
    logLevel: () => log.level,
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
  const dashboard = activeDashboard;
  controller = undefined;
  activeDashboard = undefined;
  if (current) await current.stop();
  // The last requests' usage entries reach the history file before the extension host exits.
  if (dashboard) await Promise.race([dashboard.usage.flushed(), new Promise((resolve) => setTimeout(resolve, 2000))]);
}
