// One status-bar item: the proxy's state and live request count; the tooltip (status-tooltip.ts)
// shows the providers and the routes; a click opens the quick pick of commands.
import * as vscode from 'vscode';
import { describeState, TOOLTIP_COMMANDS, tooltipMarkdown, type TooltipView } from './status-tooltip';

export class StatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;

  constructor() {
    this.item = vscode.window.createStatusBarItem('claudeProxy.status', vscode.StatusBarAlignment.Right, 100);
    this.item.name = 'Claude Proxy';
    this.item.command = 'claudeProxy.showMenu';
    this.item.show();
  }

  update(view: TooltipView): void {
    const { state, activeRequests } = view;
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
    const tooltip = new vscode.MarkdownString(tooltipMarkdown(view), true);
    tooltip.isTrusted = { enabledCommands: TOOLTIP_COMMANDS };
    item.tooltip = tooltip;
    item.accessibilityInformation = { label: `Claude Proxy: ${describeState(state)}` };
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
