// The usage dashboard as one feature: the usage service (history in the extension's global
// storage), claudeProxy.prices and claudeProxy.dashboard.keepBodies, the webview panel, and what
// its commands do (show, export CSV/JSON, clear).
import { promises as fs } from 'node:fs';
import { homedir } from 'node:os';
import * as vscode from 'vscode';
import type { ProxyLog } from '../log';
import { SECTION } from '../settings';
import { DashboardPanel } from './dashboard-panel';
import { readPrices } from './prices-setting';
import type { DashboardSettings, WebviewCommand } from './protocol';
import { UsageService } from './usage-service';

export type ExportFormat = 'csv' | 'json';

export interface ExportOptions {
  format?: ExportFormat;
  /** Write here without asking (tests, scripts); else a save dialog asks. */
  path?: string;
}

export interface ClearOptions {
  /** false: clear without the confirmation dialog (tests, scripts). */
  confirm?: boolean;
}

export class Dashboard implements vscode.Disposable {
  readonly usage: UsageService;
  private panel: DashboardPanel | undefined;
  private priceProblems: string[] = [];
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly extensionUri: vscode.Uri, storage: vscode.Uri, private readonly log: ProxyLog, secrets: () => readonly (string | undefined)[]) {
    const config = vscode.workspace.getConfiguration(SECTION);
    this.usage = new UsageService({
      folder: storage.fsPath,
      secrets,
      keepBodies: config.get<boolean>('dashboard.keepBodies') === true,
    });
    this.applyPrices(false);
    this.disposables.push(vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(`${SECTION}.prices`)) this.applyPrices(true);
    }));
    // Told once per failing streak (the service says it again only after a write succeeded).
    const unsubscribe = this.usage.onDidChange((change) => {
      if (change.kind !== 'historyStatus') return;
      if (change.problem === undefined) {
        this.log.info(`The usage history is written again (${this.usage.folder})`);
        return;
      }
      this.log.error(`${change.problem}. New requests are kept in memory only.`);
      void vscode.window.showWarningMessage(`Claude Proxy: ${change.problem}. New requests are kept in memory only.`);
    });
    this.disposables.push({ dispose: unsubscribe });
  }

  /** Loads the history in the background; activation does not wait for it. */
  load(): Promise<void> {
    return this.usage.load().catch((error) => this.log.error(`Could not read the usage history in ${this.usage.folder}: ${(error as Error).message}`));
  }

  /** claudeProxy.dashboard.keepBodies, as validated by the controller's settings. */
  setKeepBodies(keep: boolean): void {
    this.usage.setKeepBodies(keep);
  }

  settings(): DashboardSettings {
    return { keepBodies: this.usage.keepBodies, maxBodies: this.usage.maxBodies, priceProblems: this.priceProblems, historyProblem: this.usage.historyProblem };
  }

  get panelOpen(): DashboardPanel | undefined {
    return this.panel;
  }

  show(): DashboardPanel {
    if (this.panel) {
      this.panel.reveal();
      return this.panel;
    }
    void this.load();
    const panel = DashboardPanel.create(this.extensionUri, {
      usage: this.usage,
      settings: () => this.settings(),
      command: (command, id) => this.runPanelCommand(command, id),
    }, () => {
      if (this.panel === panel) this.panel = undefined;
    });
    this.panel = panel;
    return panel;
  }

  /** Saves the history as CSV or JSON; returns the file's path, or undefined when cancelled. */
  async export(given: ExportOptions = {}): Promise<string | undefined> {
    const options: ExportOptions = typeof given === 'object' && given !== null ? given : {};
    const format = options.format ?? (await vscode.window.showQuickPick([
      { label: 'CSV', description: 'one row per request, for a spreadsheet', format: 'csv' as const },
      { label: 'JSON', description: 'an array of request entries', format: 'json' as const },
    ], { title: 'Claude Proxy: Export Usage History', placeHolder: 'Export as' }))?.format;
    if (format !== 'csv' && format !== 'json') return undefined;
    let path = typeof options.path === 'string' && options.path !== '' ? options.path : undefined;
    if (!path) {
      const day = new Date().toISOString().slice(0, 10);
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(homedir());
      const uri = await vscode.window.showSaveDialog({
        title: 'Claude Proxy: Export Usage History',
        defaultUri: vscode.Uri.joinPath(folder, `claude-proxy-usage-${day}.${format}`),
        filters: format === 'csv' ? { CSV: ['csv'] } : { JSON: ['json'] },
        saveLabel: 'Export',
      });
      if (!uri) return undefined;
      if (uri.scheme === 'file') {
        path = uri.fsPath;
      } else {
        const { text, count } = await this.usage.exportText(format);
        await vscode.workspace.fs.writeFile(uri, Buffer.from(text, 'utf8'));
        this.exported(count, uri.toString(), uri);
        return uri.toString();
      }
    }
    const { text, count } = await this.usage.exportText(format);
    await fs.writeFile(path, text, 'utf8');
    this.exported(count, path, vscode.Uri.file(path));
    return path;
  }

  /** Deletes the history (after a confirmation, unless `confirm: false`). Returns whether it did. */
  async clear(options: ClearOptions = {}): Promise<boolean> {
    if (options?.confirm !== false) {
      const clear = 'Clear History';
      const choice = await vscode.window.showWarningMessage('Delete the whole usage history of Claude Proxy?',
        { modal: true, detail: `${this.usage.entries().length} request(s) are recorded. This cannot be undone; export them first if you want to keep them.` }, clear);
      if (choice !== clear) return false;
    }
    await this.usage.clear();
    this.log.info('Usage history cleared');
    return true;
  }

  dispose(): void {
    this.panel?.dispose();
    this.panel = undefined;
    for (const disposable of this.disposables) disposable.dispose();
  }

  private exported(count: number, where: string, uri: vscode.Uri): void {
    this.log.info(`Usage history exported: ${count} request(s) to ${where}`);
    const open = 'Open';
    void vscode.window.showInformationMessage(`Claude Proxy: ${count} request(s) exported to ${where}.`, open)
      .then((choice) => choice === open && vscode.commands.executeCommand('vscode.open', uri));
  }

  private applyPrices(changed: boolean): void {
    const result = readPrices(vscode.workspace.getConfiguration(SECTION).get('prices'));
    if (result.ok) {
      this.priceProblems = [];
      this.usage.setPrices(result.prices);
      if (changed) this.log.info(`Prices applied: ${Object.keys(result.prices).length} models (claudeProxy.prices)`);
    } else {
      this.priceProblems = result.problems;
      const message = `Invalid prices: ${result.problems.join('; ')}. The dashboard keeps the ${changed ? 'previous' : 'built-in'} prices.`;
      this.log.error(message);
      void vscode.window.showErrorMessage(`Claude Proxy: ${message}`, 'Open Settings')
        .then((choice) => choice && vscode.commands.executeCommand('workbench.action.openSettings', `${SECTION}.prices`));
    }
    this.panel?.settingsChanged();
  }

  private async runPanelCommand(command: WebviewCommand, id?: string): Promise<unknown> {
    try {
      switch (command) {
        case 'exportCsv':
          return await this.export({ format: 'csv' });
        case 'exportJson':
          return await this.export({ format: 'json' });
        case 'clear':
          return await this.clear();
        case 'openSettings':
          return await vscode.commands.executeCommand('workbench.action.openSettings', `${SECTION}.dashboard.keepBodies`);
        case 'openBodies': {
          const exchange = id ? this.usage.bodiesOf(id) : undefined;
          if (!exchange) return undefined;
          const content = `{\n"request": ${exchange.request},\n"upstreamRequest": ${exchange.upstreamRequest},\n"response": ${exchange.response}\n}\n`;
          const document = await vscode.workspace.openTextDocument({ language: 'json', content });
          return await vscode.window.showTextDocument(document, { preview: true, viewColumn: vscode.ViewColumn.Beside });
        }
      }
    } catch (error) {
      const message = (error as Error)?.message ?? String(error);
      this.log.error(`Dashboard: ${command} failed: ${message}`);
      void vscode.window.showErrorMessage(`Claude Proxy: ${this.log.redact(message)}`);
    }
    return undefined;
  }
}
