// The proxy inside the extension host, as the commands and the API see it: start / stop / restart,
// a new key or token, the self-tests. Composes the parts, which share the session (proxy-state.ts):
// every change runs on one queue (lifecycle-queue.ts), so a settings change during a start cannot
// race it; lifecycle.ts starts and stops the proxy, settings-watch.ts and credentials.ts apply
// changes of the settings and of SecretStorage, status-ticker.ts keeps the status bar current.
import type * as vscode from 'vscode';
import type { UsageService } from '../dashboard/usage-service';
import type { ClaudeConnection } from '../environment';
import type { ProxyLog } from '../log';
import type { Prompts } from '../prompts';
import { OPENAI_KEY_SECRET, PROXY_TOKEN_SECRET, type KeySource, type Secrets } from '../secrets';
import { runSelfTests, type SelfTestReport } from '../self-test';
import type { StatusBar } from '../status-bar';
import type { TerminalEnvironment } from '../terminal-env';
import { applyKey, applyToken } from './credentials';
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
        if (event.key === OPENAI_KEY_SECRET) void queue.run(() => applyKey(session, secrets, log));
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
    return this.session.keySource;
  }

  get requestsServed(): number {
    return this.session.served;
  }

  /** Where `claude` should go, or undefined while no proxy serves this window. */
  connection(): ClaudeConnection | undefined {
    return this.session.connection();
  }

  /** Starts the proxy; `interactive` asks for a missing OpenAI key instead of only warning. */
  start(interactive = false): Promise<void> {
    return this.queue.run(() => this.lifecycle.start(interactive));
  }

  stop(): Promise<void> {
    return this.queue.run(() => this.lifecycle.stop());
  }

  restart(interactive = false): Promise<void> {
    return this.queue.run(() => this.lifecycle.restart(interactive));
  }

  /** Stores a new OpenAI key and hands it to the running proxy. */
  setOpenaiKey(key: string): Promise<void> {
    const { session, log, secrets } = this.parts;
    return this.queue.run(async () => {
      await secrets.setOpenaiKey(key);
      await applyKey(session, secrets, log);
    });
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
