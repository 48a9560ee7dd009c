// The dashboard's webview panel. Its HTML is set once, with a strict content security policy
// (nothing but the extension's own media/dashboard files, scripts only with this page's nonce);
// after that the page gets a snapshot and then deltas by postMessage, so rows and charts update
// in place. The page follows the theme through VS Code's CSS variables.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { latestRows, MAX_ROWS, noBodiesNote, parseWebviewMessage, rowOf, type DashboardSettings, type HostMessage, type WebviewCommand } from './protocol';
import { dashboardStats, type Range } from './stats';
import type { UsageChange, UsageService } from './usage-service';

export const DASHBOARD_VIEW_TYPE = 'claudeProxy.dashboard';
export const DASHBOARD_TITLE = 'Claude Proxy Dashboard';

/** How long new requests are gathered before one delta goes out (a burst makes one update). */
const COALESCE_MS = 150;

export interface DashboardHost {
  usage: UsageService;
  settings(): DashboardSettings;
  /** Runs a toolbar button's command (export, clear, open settings, open bodies). */
  command(command: WebviewCommand, id?: string): Promise<unknown>;
}

export class DashboardPanel implements vscode.Disposable {
  private range: Range = 'session';
  private ready = false;
  private queued: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;
  /** Every message posted, for the extension-host tests (only the last few are kept). */
  readonly posted: HostMessage[] = [];

  static create(extensionUri: vscode.Uri, host: DashboardHost, onDispose: () => void): DashboardPanel {
    const media = vscode.Uri.joinPath(extensionUri, 'media', 'dashboard');
    const panel = vscode.window.createWebviewPanel(DASHBOARD_VIEW_TYPE, DASHBOARD_TITLE, vscode.ViewColumn.Active, {
      enableScripts: true,
      enableCommandUris: false,
      enableForms: false,
      retainContextWhenHidden: true,
      localResourceRoots: [media],
    });
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.png');
    return new DashboardPanel(panel, media, host, onDispose);
  }

  private constructor(readonly panel: vscode.WebviewPanel, private readonly media: vscode.Uri, private readonly host: DashboardHost, private readonly onDispose: () => void) {
    panel.webview.html = this.html();
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw) => this.receive(raw)),
      panel.onDidDispose(() => this.dispose()),
    );
    const unsubscribe = host.usage.onDidChange((change) => this.changed(change));
    this.disposables.push({ dispose: unsubscribe });
    // Other VS Code windows append to the same history: look for their entries when the panel shows.
    this.disposables.push(panel.onDidChangeViewState((event) => {
      if (event.webviewPanel.visible) void host.usage.refresh();
    }));
  }

  reveal(): void {
    this.panel.reveal(undefined, false);
  }

  /** The settings changed (keepBodies, prices problems). */
  settingsChanged(): void {
    this.post({ type: 'settings', settings: this.host.settings() });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    for (const disposable of this.disposables) disposable.dispose();
    this.panel.dispose();
    // Closed by the user or in code: the dashboard makes a new panel next time.
    this.onDispose();
  }

  private changed(change: UsageChange): void {
    if (!this.ready) return;
    switch (change.kind) {
      case 'append':
        this.queued.push(change.entry.id);
        this.timer ??= setTimeout(() => this.flush(), COALESCE_MS);
        break;
      case 'reset':
        this.queued = [];
        this.snapshot();
        break;
      case 'settings':
      case 'historyStatus':
        this.settingsChanged();
        break;
      case 'bodiesDropped':
        this.post({ type: 'bodiesDropped', ids: change.ids });
        break;
    }
  }

  private flush(): void {
    this.timer = undefined;
    const ids = new Set(this.queued.splice(0));
    if (ids.size === 0) return;
    const usage = this.host.usage;
    const entries = usage.entries();
    const rows = [];
    // The new entries are at the end of the history: walk back only as far as needed.
    for (let index = entries.length - 1; index >= 0 && rows.length < ids.size && entries.length - index <= MAX_ROWS + ids.size; index--) {
      if (ids.has(entries[index].id)) rows.push(rowOf(entries[index], usage.hasBodies(entries[index].id)));
    }
    rows.reverse();
    this.post({ type: 'append', rows: rows.slice(-MAX_ROWS), historySize: entries.length, stats: this.stats() });
  }

  private snapshot(): void {
    const usage = this.host.usage;
    this.post({
      type: 'snapshot',
      rows: latestRows(usage.entries(), (id) => usage.hasBodies(id)),
      historySize: usage.entries().length,
      stats: this.stats(),
      settings: this.host.settings(),
    });
  }

  private stats() {
    return dashboardStats(this.host.usage.entries(), { range: this.range, session: this.host.usage.session });
  }

  private receive(raw: unknown): void {
    const message = parseWebviewMessage(raw);
    if (!message) return;
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.snapshot();
        void this.host.usage.refresh();
        break;
      case 'range':
        this.range = message.range;
        this.post({ type: 'stats', stats: this.stats() });
        break;
      case 'select': {
        const usage = this.host.usage;
        const entry = usage.entry(message.id);
        const exchange = usage.bodiesOf(message.id);
        const row = entry && rowOf(entry, exchange !== undefined);
        this.post({ type: 'detail', id: message.id, row, exchange, note: exchange ? undefined : noBodiesNote(this.host.settings(), row, usage.session) });
        break;
      }
      case 'command':
        void this.host.command(message.command, message.id);
        break;
    }
  }

  private post(message: HostMessage): void {
    if (this.disposed) return;
    this.posted.push(message);
    if (this.posted.length > 50) this.posted.splice(0, this.posted.length - 50);
    void this.panel.webview.postMessage(message);
  }

  private html(): string {
    const webview = this.panel.webview;
    const nonce = randomBytes(16).toString('base64');
    const uri = (file: string) => webview.asWebviewUri(vscode.Uri.joinPath(this.media, file)).toString();
    const csp = [
      "default-src 'none'",
      `style-src ${webview.cspSource}`,
      `img-src ${webview.cspSource} data:`,
      `font-src ${webview.cspSource}`,
      `script-src 'nonce-${nonce}'`,
      "base-uri 'none'",
      "form-action 'none'",
    ].join('; ');
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${uri('dashboard.css')}">
<title>${DASHBOARD_TITLE}</title>
</head>
<body>
<main id="app" aria-busy="true">
  <header class="toolbar">
    <h1>Claude Proxy usage</h1>
    <div class="range" role="radiogroup" aria-label="Range of the totals and charts">
      <button type="button" role="radio" data-range="session" aria-checked="true">This session</button>
      <button type="button" role="radio" data-range="today" aria-checked="false">Today</button>
      <button type="button" role="radio" data-range="all" aria-checked="false">All history</button>
    </div>
    <div class="actions">
      <button type="button" class="secondary" data-command="exportCsv" title="Save the usage history as CSV">Export CSV</button>
      <button type="button" class="secondary" data-command="exportJson" title="Save the usage history as JSON">Export JSON</button>
      <button type="button" class="secondary" data-command="clear" title="Delete the usage history">Clear history</button>
    </div>
  </header>
  <p id="notice" class="notice" hidden></p>
  <section id="cards" class="cards" aria-label="Totals"></section>
  <section class="providers" aria-label="Usage per provider">
    <div class="section-head"><h2>Per provider</h2><span class="muted">the provider that served each request (claudeProxy.providers)</span></div>
    <div class="table-wrap">
      <table id="providers">
        <thead><tr>
          <th scope="col">Provider</th><th scope="col">Models</th><th scope="col" class="num">Requests</th><th scope="col" class="num">Failed</th>
          <th scope="col" class="num">Input</th><th scope="col" class="num">Cached</th><th scope="col" class="num">Output</th><th scope="col" class="num">Cost</th>
        </tr></thead>
        <tbody></tbody>
      </table>
    </div>
  </section>
  <section class="charts" aria-label="Charts">
    <figure class="chart"><figcaption>Tokens over time, per model</figcaption><svg id="chart-tokens" role="img" aria-label="Tokens over time per model"></svg><div class="legend" id="legend-tokens"></div></figure>
    <figure class="chart"><figcaption>Estimated cost per model: session and today</figcaption><svg id="chart-cost" role="img" aria-label="Cost per model"></svg><div class="legend" id="legend-cost"></div></figure>
    <figure class="chart"><figcaption>Cache-hit rate (cached input tokens)</figcaption><svg id="chart-cache" role="img" aria-label="Cache-hit rate"></svg></figure>
    <figure class="chart"><figcaption>Latency distribution (total time)</figcaption><svg id="chart-latency" role="img" aria-label="Latency distribution"></svg></figure>
  </section>
  <section class="requests" aria-label="Requests">
    <div class="section-head"><h2>Recent requests</h2><span id="row-count" class="muted"></span></div>
    <div class="table-wrap">
      <table id="requests">
        <thead><tr>
          <th scope="col">Time</th><th scope="col">Model</th><th scope="col">Provider</th><th scope="col">Status</th>
          <th scope="col" class="num" title="Time to first token">TTFT</th><th scope="col" class="num">Total</th>
          <th scope="col" class="num">Input</th><th scope="col" class="num">Cached</th><th scope="col" class="num">Output</th>
          <th scope="col" class="num">Reasoning</th><th scope="col" class="num">Cost</th>
        </tr></thead>
        <tbody></tbody>
      </table>
      <p id="empty" class="empty">No requests yet. Run <code>claude</code> in a terminal of this window: its requests show up here as they end.</p>
    </div>
  </section>
  <section id="detail" class="detail" hidden aria-label="Request details">
    <div class="section-head"><h2 id="detail-title">Request</h2>
      <div class="actions">
        <button type="button" class="secondary" id="detail-open" data-command="openBodies" hidden>Open as JSON</button>
        <button type="button" class="secondary" id="detail-settings" data-command="openSettings" hidden>Settings</button>
        <button type="button" class="secondary" id="detail-close" title="Close the details">Close</button>
      </div>
    </div>
    <dl id="detail-facts" class="facts"></dl>
    <p id="detail-note" class="notice" hidden></p>
    <div id="detail-tabs" class="tabs" role="tablist" hidden>
      <button type="button" role="tab" data-part="request" aria-selected="true">Claude Code's request</button>
      <button type="button" role="tab" data-part="upstreamRequest" aria-selected="false">Translated request (OpenAI)</button>
      <button type="button" role="tab" data-part="response" aria-selected="false">Response</button>
    </div>
    <pre id="detail-body" class="body" tabindex="0" hidden></pre>
  </section>
</main>
<script nonce="${nonce}" src="${uri('format.js')}"></script>
<script nonce="${nonce}" src="${uri('charts.js')}"></script>
<script nonce="${nonce}" src="${uri('dashboard.js')}"></script>
</body>
</html>`;
  }
}
