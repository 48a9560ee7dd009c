// Keeps the status bar current: on every change of state, every finished request (refresh()) and
// every new or cleared usage entry, and every 500 ms while the proxy runs, so that the count of
// requests in flight follows them as they start, not only as they end.
import type * as vscode from 'vscode';
import type { UsageService } from '../dashboard/usage-service';
import type { StatusBar } from '../status-bar';
import { providerSummaries, routeSummaries } from '../status-tooltip';
import type { ProxySession } from './proxy-state';

export class StatusTicker implements vscode.Disposable {
  private shownActive = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly session: ProxySession, private readonly statusBar: StatusBar, private readonly usage?: UsageService) {
    if (usage) {
      const unsubscribe = usage.onDidChange((change) => {
        if (change.kind === 'append' || change.kind === 'reset') this.refresh();
      });
      this.subscriptions.push({ dispose: unsubscribe });
    }
    this.subscriptions.push(session.onDidChangeState(() => this.refresh()));
  }

  refresh(): void {
    const session = this.session;
    this.shownActive = session.server?.activeRequests ?? 0;
    this.statusBar.update({
      state: session.state,
      activeRequests: this.shownActive,
      served: session.served,
      routes: routeSummaries(session.settings),
      providers: providerSummaries(session.settings, session.keys),
      today: this.usage?.loaded ? this.usage.todayTotals() : undefined,
    });
  }

  /** While the proxy runs. */
  start(): void {
    this.stop();
    this.timer = setInterval(() => {
      if ((this.session.server?.activeRequests ?? 0) !== this.shownActive) this.refresh();
    }, 500);
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  dispose(): void {
    this.stop();
    for (const subscription of this.subscriptions) subscription.dispose();
  }
}
