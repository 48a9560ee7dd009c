// Owns the proxy inside the extension host: start / stop / restart, live settings and secrets,
// the terminal environment and the status bar. Every change goes through one queue, so a
// settings change during a start cannot race it.
import * as vscode from 'vscode';
import { autoCompactWindow, defaultTransport, ProxyServer } from '../proxy';
import type { UsageService } from './dashboard/usage-service';
import type { ProxyLog } from './log';
import { findFreePort, isOurProxy } from './ports';
import type { Prompts } from './prompts';
import { OPENAI_KEY_SECRET, PROXY_TOKEN_SECRET, type KeySource, type Secrets } from './secrets';
import { runSelfTests, type SelfTestReport } from './self-test';
import { readSettings, SECTION, settingsDiff, transportOf, type ExtensionSettings, type SettingsResult } from './settings';
import type { RouteSummary, StatusBar } from './status-bar';
import type { TerminalEnvironment } from './terminal-env';
import type { ClaudeConnection } from './environment';

export type ProxyState =
  | { kind: 'stopped' }
  | { kind: 'starting' }
  | { kind: 'running'; url: string; port: number }
  /** Another VS Code window's proxy already serves claudeProxy.port with the same token (shared
   *  SecretStorage): this window uses it, and takes over when it goes away. */
  | { kind: 'shared'; url: string; port: number }
  | { kind: 'error'; message: string };

export const SET_KEY = 'Set OpenAI API Key';

export class ProxyController implements vscode.Disposable {
  private server: ProxyServer | undefined;
  private current: ProxyState = { kind: 'stopped' };
  /** The last valid settings: an invalid change leaves the proxy on these. */
  private settings: ExtensionSettings | undefined;
  private token: string | undefined;
  private keySource: KeySource = 'none';
  private key: string | undefined;
  private served = 0;
  private shownActive = 0;
  private ticker: NodeJS.Timeout | undefined;
  private sharedUrl: string | undefined;
  private watcher: NodeJS.Timeout | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly stateEmitter = new vscode.EventEmitter<ProxyState>();
  private readonly disposables: vscode.Disposable[] = [];
  readonly onDidChangeState = this.stateEmitter.event;

  constructor(
    private readonly log: ProxyLog,
    private readonly secrets: Secrets,
    private readonly terminal: TerminalEnvironment,
    private readonly statusBar: StatusBar,
    /** Notifications (redacted; answerable by the tests). */
    private readonly prompts: Prompts,
    /** Where the usage of every request goes (the dashboard); optional for tests. */
    private readonly usage?: UsageService,
  ) {
    if (usage) {
      const unsubscribe = usage.onDidChange((change) => {
        if (change.kind === 'append' || change.kind === 'reset') this.refresh();
      });
      this.disposables.push({ dispose: unsubscribe });
    }
    this.disposables.push(
      this.stateEmitter,
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration(SECTION)) void this.serialize(() => this.applySettings());
      }),
      secrets.onDidChange((event) => {
        if (event.key === OPENAI_KEY_SECRET) void this.serialize(() => this.applyKey());
        if (event.key === PROXY_TOKEN_SECRET) void this.serialize(() => this.applyToken());
      }),
    );
    const initial = this.read();
    if (initial.ok) this.settings = initial.settings;
    this.log.level = this.settings?.logLevel ?? 'info';
    this.usage?.setKeepBodies(this.settings?.keepBodies ?? false);
    this.refresh();
  }

  get state(): ProxyState {
    return this.current;
  }

  get autoStart(): boolean {
    return this.settings?.autoStart ?? true;
  }

  get url(): string | undefined {
    return this.server?.url ?? this.sharedUrl;
  }

  /** Where `claude` should go, or undefined while no proxy serves this window. */
  connection(): ClaudeConnection | undefined {
    const url = this.url;
    if (!url || !this.token) return undefined;
    return { url, token: this.token, autoCompactWindow: this.settings && autoCompactWindow(this.settings.routeTable.routes) };
  }

  /** New terminals get the current connection (URL, token, the routes' compaction window). */
  private applyTerminal(): void {
    const connection = this.connection();
    if (connection) this.terminal.apply(connection);
  }

  get injectEnvironment(): boolean {
    return this.settings?.injectEnvironment ?? true;
  }

  get openaiKeySource(): KeySource {
    return this.keySource;
  }

  get requestsServed(): number {
    return this.served;
  }

  /** Starts the proxy; `interactive` asks for a missing OpenAI key instead of only warning. */
  start(interactive = false): Promise<void> {
    return this.serialize(() => this.doStart(interactive));
  }

  stop(): Promise<void> {
    return this.serialize(() => this.doStop());
  }

  restart(interactive = false): Promise<void> {
    return this.serialize(async () => {
      await this.doStop();
      await this.doStart(interactive);
    });
  }

  /** Stores a new OpenAI key and hands it to the running proxy. */
  setOpenaiKey(key: string): Promise<void> {
    return this.serialize(async () => {
      await this.secrets.setOpenaiKey(key);
      await this.applyKey();
    });
  }

  /** A new client token: the proxy takes it at once, new terminals get it. */
  rotateToken(): Promise<void> {
    return this.serialize(async () => {
      await this.secrets.rotateProxyToken();
      await this.applyToken();
    });
  }

  /** Runs the self-tests against the live proxy (starting it first if needed). */
  async runSelfTests(progress?: (title: string, increment: number) => void, signal?: AbortSignal): Promise<SelfTestReport> {
    if (!this.connection()) await this.start(false);
    const connection = this.connection();
    if (!connection) {
      const message = this.current.kind === 'error' ? this.current.message : 'the proxy is not running';
      throw new Error(`Cannot run the self-tests: ${message}`);
    }
    this.log.info('Running the self-tests');
    return runSelfTests({
      proxyUrl: connection.url,
      token: connection.token,
      log: (line) => this.log.info(line),
      progress,
      signal,
    });
  }

  routeSummary(): RouteSummary[] {
    return (this.settings?.routeTable.routes ?? []).map((route) => ({
      names: [route.name, ...route.aliases], patterns: route.patterns, model: route.model, api: route.api,
    }));
  }

  dispose(): void {
    this.stopTicker();
    this.stopWatcher();
    const server = this.server;
    this.server = undefined;
    void server?.stop();
    this.terminal.clear();
    for (const disposable of this.disposables) disposable.dispose();
  }

  private serialize<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private read(): SettingsResult {
    const config = vscode.workspace.getConfiguration(SECTION);
    return readSettings((key) => config.get(key));
  }

  private async doStart(interactive: boolean): Promise<void> {
    if (this.server || this.sharedUrl) return;
    const result = this.read();
    if (!result.ok) {
      this.fail(`Invalid settings: ${result.problems.join('; ')}`, 'Open Settings');
      return;
    }
    const settings = (this.settings = result.settings);
    this.log.level = settings.logLevel;
    let { key, source } = await this.secrets.openaiKey();
    if (!key && interactive) {
      const entered = await askForKey();
      if (entered) {
        await this.secrets.setOpenaiKey(entered);
        ({ key, source } = await this.secrets.openaiKey());
      }
    }
    this.keySource = source;
    this.key = key;
    const token = await this.secrets.proxyToken();
    this.setState({ kind: 'starting' });
    const recordUsage = this.usage?.recorder();
    this.usage?.setKeepBodies(settings.keepBodies);
    const server = new ProxyServer({
      token,
      openaiApiKey: key,
      openaiBaseUrl: settings.openaiBaseUrl,
      routes: settings.routeTable,
      host: '127.0.0.1',
      port: settings.port,
      logger: this.log,
      captureBodies: settings.keepBodies,
      idleTimeoutMs: settings.idleTimeoutMs,
      maxBodyBytes: settings.maxBodyBytes,
      requestReadTimeoutMs: settings.requestReadTimeoutMs,
      upstreamTransport: transportOf(settings),
      onRequestEnd: (record) => {
        this.served++;
        recordUsage?.(record);
        this.refresh();
      },
    });
    try {
      await server.start();
    } catch (error) {
      await server.stop().catch(() => undefined);
      if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
        if (await isOurProxy(settings.port, token)) this.attachShared(settings.port, token, settings);
        else await this.portInUse(settings.port);
      } else {
        this.fail(`Could not start the proxy: ${(error as Error).message}`);
      }
      return;
    }
    this.server = server;
    this.token = token;
    const url = server.url!;
    if (settings.injectEnvironment) this.applyTerminal();
    this.setState({ kind: 'running', url, port: server.port! });
    this.log.info(`Proxy listening on ${url}, upstream ${settings.openaiBaseUrl}, OpenAI key: ${describeKeySource(source)}`);
    for (const route of this.routeSummary()) this.log.info(`Route ${route.names.join(', ')}${route.patterns.length ? ` (${route.patterns.join(', ')})` : ''} -> ${route.model} (${route.api})`);
    if (!key) {
      this.log.warn('No OpenAI API key: model calls will fail until one is set');
      void this.prompts.warning('Claude Proxy is running without an OpenAI API key: Claude Code\'s requests will fail until you set one.', SET_KEY)
        .then((choice) => choice === SET_KEY && vscode.commands.executeCommand('claudeProxy.setOpenAIKey'));
    }
    this.startTicker();
  }

  private async doStop(): Promise<void> {
    this.stopTicker();
    this.stopWatcher();
    const server = this.server;
    this.server = undefined;
    if (this.sharedUrl) this.log.info(`No longer using the proxy of another window on ${this.sharedUrl}`);
    this.sharedUrl = undefined;
    this.terminal.clear();
    if (server) {
      await server.stop();
      this.log.info('Proxy stopped');
    }
    this.setState({ kind: 'stopped' });
  }

  private async applySettings(): Promise<void> {
    const result = this.read();
    if (!result.ok) {
      const message = `Invalid settings: ${result.problems.join('; ')}. The proxy keeps its last valid settings.`;
      this.log.error(message);
      void this.prompts.error(`Claude Proxy: ${message}`, 'Open Settings')
        .then((choice) => choice && vscode.commands.executeCommand('workbench.action.openSettings', SECTION));
      return;
    }
    const before = this.settings;
    const after = (this.settings = result.settings);
    this.log.level = after.logLevel;
    this.usage?.setKeepBodies(after.keepBodies);
    if (this.server && before && before.keepBodies !== after.keepBodies) {
      this.server.reconfigure({ captureBodies: after.keepBodies });
      this.log.info(`Request bodies ${after.keepBodies ? 'kept for the dashboard' : 'no longer kept'} (claudeProxy.dashboard.keepBodies)`);
    }
    const diff = before ? settingsDiff(before, after) : { restart: true, reconfigure: true, limits: true, environment: true, logLevel: true };
    if (this.sharedUrl) {
      // The window that owns the proxy applies the (user-wide) settings to it.
      if (diff.restart) {
        await this.doStop();
        await this.doStart(false);
      } else if (diff.environment || diff.reconfigure) {
        // The routes set the terminal's compaction window too.
        if (after.injectEnvironment && this.token) this.applyTerminal();
        else this.terminal.clear();
      }
      this.refresh();
      return;
    }
    if (!this.server) {
      // A start that failed on settings (invalid table, port in use) is tried again with the fix.
      if (this.current.kind === 'error') await this.doStart(false);
      else this.refresh();
      return;
    }
    if (diff.restart) {
      const changed = before && before.port === after.port
        ? `claudeProxy.requestReadTimeoutMs changed to ${after.requestReadTimeoutMs}`
        : `claudeProxy.port changed to ${after.port}`;
      this.log.info(`${changed}: restarting`);
      await this.doStop();
      await this.doStart(false);
      return;
    }
    if (diff.limits) {
      // Read per request: requests already in flight keep the limits they started with.
      this.server.reconfigure({ idleTimeoutMs: after.idleTimeoutMs, maxBodyBytes: after.maxBodyBytes });
      this.log.info(`Limits applied: claudeProxy.maxBodyBytes ${after.maxBodyBytes}, claudeProxy.idleTimeoutMs ${after.idleTimeoutMs || 'off'}`);
    }
    if (diff.reconfigure) {
      this.server.reconfigure({ openaiBaseUrl: after.openaiBaseUrl, routes: after.routeTable, upstreamTransport: transportOf(after) });
      this.log.info(`Settings applied: upstream ${after.openaiBaseUrl} (${transportOf(after) ?? defaultTransport(after.openaiBaseUrl)}), routes ${this.routeSummary().map((route) => `${route.names[0]} -> ${route.model} (${route.api})`).join(', ')}`);
    }
    if (diff.environment || diff.reconfigure) {
      if (after.injectEnvironment && this.token) this.applyTerminal();
      else this.terminal.clear();
      if (diff.environment) this.log.info(`Terminal environment ${after.injectEnvironment ? 'on' : 'off'} (claudeProxy.injectEnvironment)`);
    }
    this.refresh();
  }

  private async applyKey(): Promise<void> {
    const { key, source } = await this.secrets.openaiKey();
    if (key === this.key && source === this.keySource) return;
    this.keySource = source;
    this.key = key;
    if (this.server) {
      this.server.reconfigure({ openaiApiKey: key });
      this.log.info(`OpenAI key updated: ${describeKeySource(source)}`);
    }
  }

  private async applyToken(): Promise<void> {
    const token = await this.secrets.proxyToken();
    if (token === this.token) return;
    this.token = token;
    if (this.server) {
      this.server.reconfigure({ token });
      if (this.settings?.injectEnvironment) this.applyTerminal();
      this.log.info('Proxy token changed: new terminals get the new one; terminals opened before must be reopened');
    } else if (this.sharedUrl && this.settings?.injectEnvironment) {
      this.applyTerminal();
    }
  }

  private attachShared(port: number, token: string, settings: ExtensionSettings): void {
    const url = `http://127.0.0.1:${port}`;
    this.sharedUrl = url;
    this.token = token;
    if (settings.injectEnvironment) this.applyTerminal();
    this.setState({ kind: 'shared', url, port });
    this.log.info(`Port ${port} is served by the Claude proxy of another VS Code window: this window uses it, and takes over when it stops`);
    this.stopWatcher();
    this.watcher = setInterval(() => {
      void isOurProxy(port, token).then((alive) => {
        if (alive || this.sharedUrl !== url) return;
        void this.serialize(async () => {
          if (this.sharedUrl !== url) return;
          this.log.info(`The proxy of the other window on ${url} went away: starting this window's own`);
          await this.doStop();
          await this.doStart(false);
        });
      });
    }, 2000);
    this.watcher.unref?.();
  }

  private stopWatcher(): void {
    if (this.watcher) clearInterval(this.watcher);
    this.watcher = undefined;
  }

  private async portInUse(port: number): Promise<void> {
    const next = await findFreePort(port + 1);
    const message = `Port ${port} (claudeProxy.port) is already in use by another program.`;
    this.setState({ kind: 'error', message });
    this.log.error(message + (next ? ` Port ${next} is free.` : ''));
    if (!next) {
      void this.prompts.error(`Claude Proxy: ${message} Choose another port in the settings.`);
      return;
    }
    const use = `Use Port ${next}`;
    void this.prompts.error(`Claude Proxy: ${message} Port ${next} is free.`, use, 'Open Settings').then(async (choice) => {
      if (choice === use) await vscode.workspace.getConfiguration(SECTION).update('port', next, vscode.ConfigurationTarget.Global);
      else if (choice) await vscode.commands.executeCommand('workbench.action.openSettings', `${SECTION}.port`);
    });
  }

  private fail(message: string, action?: 'Open Settings'): void {
    this.setState({ kind: 'error', message });
    this.log.error(message);
    const actions = action ? [action] : [];
    void this.prompts.error(`Claude Proxy: ${message}`, ...actions)
      .then((choice) => choice && vscode.commands.executeCommand('workbench.action.openSettings', SECTION));
  }

  private setState(state: ProxyState): void {
    this.current = state;
    this.refresh();
    this.stateEmitter.fire(state);
  }

  private refresh(): void {
    this.shownActive = this.server?.activeRequests ?? 0;
    this.statusBar.update(this.current, this.shownActive, this.served, this.routeSummary(), this.usage?.loaded ? this.usage.todayTotals() : undefined);
  }

  /** The request count in the status bar follows requests as they start, not only as they end. */
  private startTicker(): void {
    this.stopTicker();
    this.ticker = setInterval(() => {
      if ((this.server?.activeRequests ?? 0) !== this.shownActive) this.refresh();
    }, 500);
    this.ticker.unref?.();
  }

  private stopTicker(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
  }
}

export async function askForKey(): Promise<string | undefined> {
  const key = await vscode.window.showInputBox({
    title: 'Claude Proxy: OpenAI API key',
    prompt: 'The key the proxy sends to OpenAI (or your OpenAI-compatible server). Kept in VS Code\'s SecretStorage only.',
    placeHolder: 'sk-...',
    password: true,
    ignoreFocusOut: true,
    validateInput: (value) => (value.trim() === '' ? 'Enter a key (Escape to cancel)' : undefined),
  });
  return key?.trim() || undefined;
}

function describeKeySource(source: KeySource): string {
  return source === 'secret-storage' ? 'from SecretStorage' : source === 'environment' ? 'from OPENAI_API_KEY' : 'none set';
}
