// The proxy inside the extension host, as the commands and the API see it: start / stop / restart,
// a new key or token, the self-tests. Composes the parts, which share the session (proxy-state.ts):
// every change runs on one queue (lifecycle-queue.ts), so a settings change during a start cannot
// race it; lifecycle.ts starts and stops the proxy, settings-watch.ts and credentials.ts apply
// changes of the settings and of SecretStorage, status-ticker.ts keeps the status bar current.
import type * as vscode from 'vscode';
import { DEFAULT_PROVIDER_NAME, type ProviderConfig } from '../../proxy';
import type { UsageService } from '../dashboard/usage-service';
import type { ClaudeConnection } from '../environment';
import type { ProxyLog } from '../log';
import type { Prompts } from '../prompts';
import { isProviderKeySecret, PROXY_TOKEN_SECRET, type KeySource, type Secrets } from '../secrets';
import { runSelfTests, type SelfTestReport } from '../self-test';
import type { StatusBar } from '../status-bar';
import { providerSummaries, type ProviderSummary } from '../status-tooltip';
import type { TerminalEnvironment } from '../terminal-env';
import { applyKeys, applyToken } from './credentials';
import { ProxyLifecycle, type LifecycleParts } from './lifecycle';
import { LifecycleQueue } from './lifecycle-queue';
import { ProxySession, type ProxyState } from './proxy-state';
import { readCurrentSettings, watchSettings } from './settings-watch';
import { StatusTicker } from './status-ticker';

export class ProxyController implements vscode.Disposable {
  private readonly session = new ProxySession();
  private readonly queue = new LifecycleQueue();
  private readonly parts: LifecycleParts;
  private readonly lifecycle: ProxyLifecycle;
  private readonly disposables: vscode.Disposable[];
  readonly onDidChangeState: vscode.Event<ProxyState> = this.session.onDidChangeState;

  constructor(
    log: ProxyLog,
    secrets: Secrets,
    terminal: TerminalEnvironment,
    statusBar: StatusBar,
    /** Notifications (redacted; answerable by the tests). */
    prompts: Prompts,
    /** Where the usage of every request goes (the dashboard); optional for tests. */
    usage?: UsageService,
  ) {
    const { session, queue } = this;
    // First, so that the status bar shows a new state before anyone else hears of it.
    const ticker = new StatusTicker(session, statusBar, usage);
    this.parts = { session, queue, ticker, log, secrets, terminal, prompts, usage, readSettings: readCurrentSettings };
    this.lifecycle = new ProxyLifecycle(this.parts);
    this.disposables = [
      ticker,
      session,
      watchSettings(this.lifecycle, this.parts),
      secrets.onDidChange((event) => {
        // Another window (or this one) stored a key: the proxy sends it without a restart.
        if (isProviderKeySecret(event.key)) void queue.run(() => this.applyKeys());
        if (event.key === PROXY_TOKEN_SECRET) void queue.run(() => applyToken(session, secrets, log, () => this.lifecycle.applyTerminal()));
      }),
    ];
    const initial = readCurrentSettings();
    if (initial.ok) session.settings = initial.settings;
    log.level = session.settings?.logLevel ?? 'info';
    usage?.setKeepBodies(session.settings?.keepBodies ?? false);
    ticker.refresh();
  }

  get state(): ProxyState {
    return this.session.state;
  }

  get autoStart(): boolean {
    return this.session.settings?.autoStart ?? true;
  }

  get injectEnvironment(): boolean {
    return this.session.settings?.injectEnvironment ?? true;
  }

  get openaiKeySource(): KeySource {
    return this.session.keys[DEFAULT_PROVIDER_NAME]?.source ?? 'none';
  }

  /** The providers of the settings in use (none before valid settings were read). */
  get providers(): readonly ProviderConfig[] {
    return this.session.settings?.routeTable.providers ?? [];
  }

  /** Each provider's kind, base URL and key state, as the tooltip shows them. */
  providerStates(): ProviderSummary[] {
    return providerSummaries(this.session.settings, this.session.keys);
  }

  get requestsServed(): number {
    return this.session.served;
  }

  /** Where `claude` should go, or undefined while no proxy serves this window. */
  connection(): ClaudeConnection | undefined {
    return this.session.connection();
  }

  /** Starts the proxy; `interactive` asks for each key a provider needs and lacks, instead of only warning. */
  start(interactive = false): Promise<void> {
    return this.queue.run(() => this.lifecycle.start(interactive));
  }

  stop(): Promise<void> {
    return this.queue.run(() => this.lifecycle.stop());
  }

  restart(interactive = false): Promise<void> {
    return this.queue.run(() => this.lifecycle.restart(interactive));
  }

  /** Stores a provider's key (the OpenAI key for "openai") and hands it to the running proxy. */
  setProviderKey(provider: string, key: string): Promise<void> {
    return this.queue.run(async () => {
      await this.parts.secrets.setProviderKey(provider, key);
      await this.applyKeys();
    });
  }

  private async applyKeys(): Promise<void> {
    const { session, log, secrets, ticker } = this.parts;
    if (await applyKeys(session, secrets, log)) ticker.refresh();
  }

  /** A new client token: the proxy takes it at once, new terminals get it. */
  rotateToken(): Promise<void> {
    const { session, log, secrets } = this.parts;
    return this.queue.run(async () => {
      await secrets.rotateProxyToken();
      await applyToken(session, secrets, log, () => this.lifecycle.applyTerminal());
    });
  }

  /** Runs the self-tests against the live proxy (starting it first if needed). */
  async runSelfTests(progress?: (title: string, increment: number) => void, signal?: AbortSignal): Promise<SelfTestReport> {
    if (!this.connection()) await this.start(false);
    const connection = this.connection();
    if (!connection) {
      const state = this.session.state;
      throw new Error(`Cannot run the self-tests: ${state.kind === 'error' ? state.message : 'the proxy is not running'}`);
    }
    const log = this.parts.log;
    log.info('Running the self-tests');
    return runSelfTests({ proxyUrl: connection.url, token: connection.token, log: (line) => log.info(line), progress, signal });
  }

  dispose(): void {
    this.lifecycle.dispose();
    for (const disposable of this.disposables) disposable.dispose();
  }
}
