// One status-bar item: the proxy's state and live request count; the tooltip lists the routes;
// a click opens the quick pick of commands.
import * as vscode from 'vscode';
import { todayLine } from './dashboard/format';
import type { Totals } from './dashboard/stats';
import type { ProxyState, RouteSummary } from './proxy/proxy-state';

export class StatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;

  constructor() {
    this.item = vscode.window.createStatusBarItem('claudeProxy.status', vscode.StatusBarAlignment.Right, 100);
    this.item.name = 'Claude Proxy';
    this.item.command = 'claudeProxy.showMenu';
    this.item.show();
  }

  /** `today`: today's usage for the tooltip (undefined until the history is loaded). */
  update(state: ProxyState, activeRequests: number, served: number, routes: RouteSummary[], today?: Totals): void {
    const item = this.item;
    item.backgroundColor = undefined;
    switch (state.kind) {
      case 'stopped':
        item.text = '$(circle-slash) Claude Proxy: stopped';
        break;
      case 'starting':
        item.text = '$(sync~spin) Claude Proxy: starting';
        break;
      case 'running':
        item.text = `$(radio-tower) Claude Proxy :${state.port}${activeRequests > 0 ? ` $(sync~spin) ${activeRequests}` : ''}`;
        break;
      case 'shared':
        item.text = `$(radio-tower) Claude Proxy :${state.port} (other window)`;
        break;
      case 'error':
        item.text = '$(error) Claude Proxy: error';
        item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
        break;
    }
    const tooltip = new vscode.MarkdownString(undefined, true);
    tooltip.appendMarkdown(`**Claude OpenAI Proxy** — ${describe(state)}\n\n`);
    if (state.kind === 'running') tooltip.appendMarkdown(`${activeRequests} request(s) in flight, ${served} served\n\n`);
    if (today) tooltip.appendMarkdown(`${todayLine(today)}\n\n`);
    if (routes.length > 0) {
      tooltip.appendMarkdown('| Claude model | OpenAI model | API |\n|---|---|---|\n');
      for (const route of routes) {
        const names = [...route.names, ...route.patterns].map((name) => `\`${name}\``).join(', ');
        tooltip.appendMarkdown(`| ${names} | \`${route.model}\` | ${route.api} |\n`);
      }
    }
    tooltip.appendMarkdown('\n[$(graph) Show Dashboard](command:claudeProxy.showDashboard "Requests, tokens, cache hits, latency and cost") · Click for the Claude Proxy commands.');
    tooltip.isTrusted = { enabledCommands: ['claudeProxy.showDashboard'] };
    item.tooltip = tooltip;
    item.accessibilityInformation = { label: `Claude Proxy: ${describe(state)}` };
  }

  get text(): string {
    return this.item.text;
  }

  get tooltipText(): string {
    const tooltip = this.item.tooltip;
    return typeof tooltip === 'string' ? tooltip : tooltip?.value ?? '';
  }

  dispose(): void {
    this.item.dispose();
  }
}

function describe(state: ProxyState): string {
  switch (state.kind) {
    case 'stopped':
      return 'stopped';
    case 'starting':
      return 'starting';
    case 'running':
      return `listening on ${state.url}`;
    case 'shared':
      return `using the proxy of another VS Code window on ${state.url}`;
    case 'error':
      return `error: ${state.message}`;
  }
}
