// Starts this window's proxy on the current settings, key and token, or, when its port is taken by
// the proxy of another VS Code window, uses that one until it goes away; and stops either.
// Callers run start, stop and restart on the lifecycle queue.
import * as vscode from 'vscode';
import { ProxyServer } from '../../proxy';
import type { UsageService } from '../dashboard/usage-service';
import type { ProxyLog } from '../log';
import type { Prompts } from '../prompts';
import type { Secrets } from '../secrets';
import { SECTION, transportOf, type ExtensionSettings, type SettingsResult } from '../settings';
import type { TerminalEnvironment } from '../terminal-env';
import { describeRoute, providerSummaries, routeSummaries } from '../status-tooltip';
import { describeKeySource, proxyKeyOptions, readProviderKeys } from './credentials';
import type { LifecycleQueue } from './lifecycle-queue';
import { reportPortInUse } from './port-prompts';
import { isOurProxy } from './ports';
import type { ProxySession } from './proxy-state';
import { SharedProxyPoll } from './shared-proxy-poll';
import type { StatusTicker } from './status-ticker';

const SET_KEY = 'Set Provider API Key';

/** What the proxy's lifecycle works with (the settings watch uses the same). */
export interface LifecycleParts {
  session: ProxySession;
  queue: LifecycleQueue;
  ticker: StatusTicker;
  log: ProxyLog;
  secrets: Secrets;
  terminal: TerminalEnvironment;
  prompts: Prompts;
  /** Where the usage of every request goes (the dashboard); optional for tests. */
  usage?: UsageService;
  /** The claudeProxy.* settings as they are now. */
  readSettings: () => SettingsResult;
}

export class ProxyLifecycle {
  private readonly poll = new SharedProxyPoll();

  constructor(private readonly parts: LifecycleParts) {}

  /** `interactive` asks for each key a provider needs and lacks, instead of only warning. */
  async start(interactive: boolean): Promise<void> {
    const { session, log, secrets, prompts, usage, ticker } = this.parts;
    if (session.server || session.sharedUrl) return;
    const result = this.parts.readSettings();
    if (!result.ok) {
      this.fail(`Invalid settings: ${result.problems.join('; ')}`, 'Open Settings');
      return;
    }
    const settings = (session.settings = result.settings);
    log.level = settings.logLevel;
    for (const note of result.notes) log.warn(note);
    const keys = (session.keys = await readProviderKeys(secrets, settings, interactive));
    const token = await secrets.proxyToken();
    session.setState({ kind: 'starting' });
    const recordUsage = usage?.recorder();
    usage?.setKeepBodies(settings.keepBodies);
    const server = new ProxyServer({
      token,
      ...proxyKeyOptions(keys),
      openaiBaseUrl: settings.openaiBaseUrl,
      routes: settings.routeTable,
      host: '127.0.0.1',
      port: settings.port,
      logger: log,
      captureBodies: settings.keepBodies,
      idleTimeoutMs: settings.idleTimeoutMs,
      maxBodyBytes: settings.maxBodyBytes,
      requestReadTimeoutMs: settings.requestReadTimeoutMs,
      upstreamTransport: transportOf(settings),
      onRequestEnd: (record) => {
        session.served++;
        recordUsage?.(record);
        ticker.refresh();
      },
    });
    try {
      await server.start();
    } catch (error) {
      await server.stop().catch(() => undefined);
      if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
        if (await isOurProxy(settings.port, token)) this.useShared(settings.port, token, settings);
        else await reportPortInUse(settings.port, session, log, prompts);
      } else {
        this.fail(`Could not start the proxy: ${(error as Error).message}`);
      }
      return;
    }
    session.server = server;
    session.token = token;
    const url = server.url!;
    if (settings.injectEnvironment) this.applyTerminal();
    session.setState({ kind: 'running', url, port: server.port! });
    log.info(`Proxy listening on ${url}`);
    const providers = providerSummaries(settings, keys);
    for (const provider of providers) {
      const key = provider.key === 'set' ? `key ${describeKeySource(provider.keySource)}` : provider.key === 'missing' ? 'no key set' : 'no key needed';
      log.info(`Provider ${provider.name} (${provider.kind}) at ${provider.baseURL}, ${key}`);
    }
    for (const route of routeSummaries(settings)) log.info(`Route ${describeRoute(route)}`);
    const missing = providers.filter((provider) => provider.key === 'missing').map((provider) => provider.name);
    if (missing.length > 0) {
      const names = missing.map((name) => `"${name}"`).join(', ');
      log.warn(`No API key for provider ${names}: its model calls will fail until one is set`);
      void prompts.warning(`Claude Proxy is running without an API key for provider ${names}: Claude Code's requests to it will fail until you set one.`, SET_KEY)
        .then((choice) => choice === SET_KEY && vscode.commands.executeCommand('claudeProxy.setProviderKey', missing.length === 1 ? { provider: missing[0] } : undefined));
    }
    ticker.start();
  }

  async stop(): Promise<void> {
    const { session, log, terminal } = this.parts;
    this.parts.ticker.stop();
    this.poll.stop();
    const server = session.server;
    session.server = undefined;
    if (session.sharedUrl) log.info(`No longer using the proxy of another window on ${session.sharedUrl}`);
    session.sharedUrl = undefined;
    terminal.clear();
    if (server) {
      await server.stop();
      log.info('Proxy stopped');
    }
    session.setState({ kind: 'stopped' });
  }

  async restart(interactive = false): Promise<void> {
    await this.stop();
    await this.start(interactive);
  }

  /** New terminals get the current connection (URL, token, the routes' compaction window). */
  applyTerminal(): void {
    const connection = this.parts.session.connection();
    if (connection) this.parts.terminal.apply(connection);
  }

  /** At once, without waiting for the server to close: the extension is going away. */
  dispose(): void {
    const { session, terminal } = this.parts;
    this.parts.ticker.stop();
    this.poll.stop();
    const server = session.server;
    session.server = undefined;
    void server?.stop();
    terminal.clear();
  }

  private useShared(port: number, token: string, settings: ExtensionSettings): void {
    const { session, log, queue } = this.parts;
    const url = `http://127.0.0.1:${port}`;
    session.sharedUrl = url;
    session.token = token;
    if (settings.injectEnvironment) this.applyTerminal();
    session.setState({ kind: 'shared', url, port });
    log.info(`Port ${port} is served by the Claude proxy of another VS Code window: this window uses it, and takes over when it stops`);
    this.poll.start(port, token, () => {
      if (session.sharedUrl !== url) return;
      void queue.run(async () => {
        if (session.sharedUrl !== url) return;
        log.info(`The proxy of the other window on ${url} went away: starting this window's own`);
        await this.restart();
      });
    });
  }

  private fail(message: string, action?: 'Open Settings'): void {
    const { session, log, prompts } = this.parts;
    session.setState({ kind: 'error', message });
    log.error(message);
    const actions = action ? [action] : [];
    void prompts.error(`Claude Proxy: ${message}`, ...actions)
      .then((choice) => choice && vscode.commands.executeCommand('workbench.action.openSettings', SECTION));
  }
}
