// What the parts of the proxy controller share, and what the rest of the extension reads: the
// state the status bar and the API show, the proxy serving this window (its own or another
// window's), and the settings and credentials it runs on.
import * as vscode from 'vscode';
import { autoCompactWindow, type ProxyServer } from '../../proxy';
import type { ClaudeConnection } from '../environment';
import type { ProviderKeys } from '../secrets';
import type { ExtensionSettings } from '../settings';

export type ProxyState =
  | { kind: 'stopped' }
  | { kind: 'starting' }
  | { kind: 'running'; url: string; port: number }
  /** Another VS Code window's proxy already serves claudeProxy.port with the same token (shared
   *  SecretStorage): this window uses it, and takes over when it goes away. */
  | { kind: 'shared'; url: string; port: number }
  | { kind: 'error'; message: string };

export class ProxySession implements vscode.Disposable {
  /** This window's own proxy, while it runs. */
  server: ProxyServer | undefined;
  /** The URL of another window's proxy, while this window uses it. */
  sharedUrl: string | undefined;
  /** The last valid settings: an invalid change leaves the proxy on these. */
  settings: ExtensionSettings | undefined;
  /** The token of the proxy in use (this window's or the other window's). */
  token: string | undefined;
  /** The keys the proxy in this window was given. */
  keys: ProviderKeys = {};
  /** Requests this window's proxy has answered. */
  served = 0;
  private current: ProxyState = { kind: 'stopped' };
  private readonly emitter = new vscode.EventEmitter<ProxyState>();
  readonly onDidChangeState = this.emitter.event;

  get state(): ProxyState {
    return this.current;
  }

  setState(state: ProxyState): void {
    this.current = state;
    this.emitter.fire(state);
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

  dispose(): void {
    this.emitter.dispose();
  }
}
