// The "Claude Proxy" LogOutputChannel, as the proxy core's Logger. Every line goes through
// `redact` with the live secrets, whatever wrote it; the last lines are kept in memory for the
// self-test summary and the extension-host tests.
import * as vscode from 'vscode';
import { redact, type Logger, type LogLevel } from '../proxy';

const order: LogLevel[] = ['debug', 'info', 'warn', 'error', 'off'];
const KEEP = 1000;

export class ProxyLog implements Logger, vscode.Disposable {
  readonly channel: vscode.LogOutputChannel;
  private readonly recentLines: string[] = [];
  private minimum: LogLevel = 'info';

  constructor(private readonly secrets: () => (string | undefined)[]) {
    this.channel = vscode.window.createOutputChannel('Claude Proxy', { log: true });
  }

  /** claudeProxy.logLevel: lines below it are dropped (the channel's own level filters too). */
  set level(level: LogLevel) {
    this.minimum = level;
  }

  get level(): LogLevel {
    return this.minimum;
  }

  /** `text` without any secret known in this window (the current and the replaced ones). */
  redact(text: string): string {
    return redact(text, this.secrets());
  }

  debug(message: string): void {
    this.write('debug', message);
  }

  info(message: string): void {
    this.write('info', message);
  }

  warn(message: string): void {
    this.write('warn', message);
  }

  error(message: string): void {
    this.write('error', message);
  }

  /** The last lines written (redacted), oldest first. */
  recent(): string[] {
    return [...this.recentLines];
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }

  private write(level: Exclude<LogLevel, 'off'>, message: string): void {
    if (order.indexOf(level) < order.indexOf(this.minimum)) return;
    const clean = this.redact(message);
    this.recentLines.push(`${level.toUpperCase()} ${clean}`);
    if (this.recentLines.length > KEEP) this.recentLines.splice(0, this.recentLines.length - KEEP);
    this.channel[level](clean);
  }
}
