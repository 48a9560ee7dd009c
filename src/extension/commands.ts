// The commands (category "Claude Proxy") and the status-bar quick pick.
import * as vscode from 'vscode';
import type { ClearOptions, Dashboard, ExportOptions } from './dashboard/dashboard';
import { configureClaudeCodeExtension, syncClaudeCodeExtension } from './claude-code-extension';
import { claudeEnvironment, exportLines, shells, type Shell } from './environment';
import type { ProxyLog } from './log';
import { useLocalServer, type UseLocalServerOptions } from './local-server';
import type { Prompts } from './prompts';
import { setOpenaiKey, setProviderKey, type SetProviderKeyOptions } from './provider-keys';
import type { ProxyController } from './proxy/proxy-controller';
import type { SelfTestReport } from './self-test';

interface CommandInfo {
  id: string;
  title: string;
  icon: string;
  /** Typed per command; `never[]` so that any command's own parameter list fits. */
  run: (...args: never[]) => unknown;
}

export function registerCommands(controller: ProxyController, log: ProxyLog, prompts: Prompts, dashboard?: Dashboard): vscode.Disposable[] {
  const commands: CommandInfo[] = [
    { id: 'claudeProxy.start', title: 'Start Claude proxy', icon: 'play', run: () => controller.start(true) },
    { id: 'claudeProxy.stop', title: 'Stop Claude proxy', icon: 'debug-stop', run: () => controller.stop() },
    { id: 'claudeProxy.restart', title: 'Restart Claude proxy', icon: 'debug-restart', run: () => controller.restart(true) },
    ...(dashboard ? [
      { id: 'claudeProxy.showDashboard', title: 'Show Dashboard', icon: 'graph', run: () => void dashboard.show() },
      // Both take an optional argument, so that tests and scripts can skip the dialogs:
      // exportUsage({ format: 'csv' | 'json', path }) and clearUsageHistory({ confirm: false }).
      { id: 'claudeProxy.exportUsage', title: 'Export Usage History', icon: 'save', run: (options?: ExportOptions) => dashboard.export(options ?? {}) },
      { id: 'claudeProxy.clearUsageHistory', title: 'Clear Usage History', icon: 'clear-all', run: (options?: ClearOptions) => dashboard.clear(options ?? {}) },
    ] : []),
    { id: 'claudeProxy.runSelfTests', title: 'Run Self-Tests', icon: 'beaker', run: () => runSelfTestsWithProgress(controller, log, prompts) },
    { id: 'claudeProxy.exportEnvironment', title: 'Export Environment', icon: 'export', run: (shell?: Shell) => exportEnvironment(controller, prompts, shell) },
    { id: 'claudeProxy.openTerminal', title: 'Open Claude Code Terminal', icon: 'terminal', run: () => openClaudeTerminal(controller) },
    { id: 'claudeProxy.setOpenAIKey', title: 'Set OpenAI API Key', icon: 'key', run: (key?: string) => setOpenaiKey(controller, prompts, key) },
    // Takes { provider, key } to skip the dialogs (the tooltip's link gives the provider; tests and scripts both).
    { id: 'claudeProxy.setProviderKey', title: 'Set Provider API Key', icon: 'key', run: (options?: SetProviderKeyOptions) => setProviderKey(controller, prompts, options) },
    // Takes { baseURL, model, scope: 'haiku' | 'all' } to skip the dialogs.
    { id: 'claudeProxy.useLocalServer', title: 'Use a Local Server', icon: 'server', run: (options?: UseLocalServerOptions) => useLocalServer(prompts, log, options) },
    { id: 'claudeProxy.rotateToken', title: 'Rotate Proxy Token', icon: 'refresh', run: () => rotateToken(controller, prompts) },
    // Takes { confirmed: true } to skip the warning (tests and scripts).
    {
      id: 'claudeProxy.configureClaudeCodeExtension', title: 'Configure Claude Code Extension', icon: 'extensions',
      run: async (options?: { confirmed?: boolean }) => configureClaudeCodeExtension(await requireConnection(controller), options?.confirmed === true),
    },
    { id: 'claudeProxy.showLog', title: 'Show Log', icon: 'output', run: () => log.show() },
  ];
  const disposables = commands.map((command) => vscode.commands.registerCommand(command.id, async (...args: unknown[]) => {
    try {
      // VS Code passes a command's arguments untyped: each command takes its callers' arguments on trust.
      return await (command.run as (...args: unknown[]) => unknown)(...args);
    } catch (error) {
      const message = (error as Error)?.message ?? String(error);
      log.error(`${command.title} failed: ${message}`);
      void prompts.error(`Claude Proxy: ${message}`);
      return undefined;
    }
  }));
  disposables.push(vscode.commands.registerCommand('claudeProxy.showMenu', async () => {
    const running = controller.state.kind === 'running' || controller.state.kind === 'shared';
    const items = commands
      .filter((command) => !(running && command.id === 'claudeProxy.start') && !(!running && command.id === 'claudeProxy.stop'))
      .map((command) => ({ label: `$(${command.icon}) ${command.title}`, id: command.id }));
    const choice = await vscode.window.showQuickPick(items, { title: 'Claude Proxy', placeHolder: 'Choose a Claude Proxy command' });
    if (choice) await vscode.commands.executeCommand(choice.id);
  }));
  return disposables;
}

async function runSelfTestsWithProgress(controller: ProxyController, log: ProxyLog, prompts: Prompts): Promise<SelfTestReport> {
  const report = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Claude Proxy self-tests', cancellable: true },
    async (progress, cancel) => {
      const abort = new AbortController();
      const subscription = cancel.onCancellationRequested(() => abort.abort());
      try {
        return await controller.runSelfTests((title, increment) => progress.report({ message: title, increment }), abort.signal);
      } finally {
        subscription.dispose();
      }
    },
  );
  const showLog = 'Show Log';
  const done = report.failed === 0
    ? prompts.info(`Claude Proxy: ${report.summary}`, showLog)
    : prompts.error(`Claude Proxy: ${report.summary}. ${report.firstFix ?? ''}`, showLog);
  void done.then((choice) => choice === showLog && log.show());
  return report;
}

async function requireConnection(controller: ProxyController): Promise<{ url: string; token: string }> {
  if (!controller.connection()) await controller.start(true);
  const connection = controller.connection();
  if (!connection) throw new Error(controller.state.kind === 'error' ? controller.state.message : 'the proxy is not running');
  return connection;
}

async function exportEnvironment(controller: ProxyController, prompts: Prompts, preset?: Shell): Promise<string | undefined> {
  const connection = await requireConnection(controller);
  const shell = preset ?? (await prompts.pick(shells, { title: 'Claude Proxy: Export Environment', placeHolder: 'Lines for which shell?' }));
  if (!shell) return undefined;
  const text = exportLines(shell, claudeEnvironment(connection));
  await vscode.env.clipboard.writeText(text);
  const comment = shell === 'PowerShell' ? '#' : shell === 'cmd' ? 'REM' : '#';
  const header = `${comment} Claude Proxy: run these lines in the shell where you start claude (${shell}).\n`
    + `${comment} The token changes with "Claude Proxy: Rotate Proxy Token"; do not commit it.\n`;
  const document = await vscode.workspace.openTextDocument({
    content: header + text,
    language: shell === 'PowerShell' ? 'powershell' : shell === 'cmd' ? 'bat' : shell === 'fish' ? 'fish' : 'shellscript',
  });
  await vscode.window.showTextDocument(document, { preview: true });
  void prompts.info(`Claude Proxy: the environment for ${shell} is copied to the clipboard.`);
  return text;
}

async function openClaudeTerminal(controller: ProxyController): Promise<vscode.Terminal> {
  const connection = await requireConnection(controller);
  const terminal = vscode.window.createTerminal({
    name: 'Claude Code',
    iconPath: new vscode.ThemeIcon('sparkle'),
    // With the injection on, the environment collection sets it; else this terminal gets it alone.
    env: controller.injectEnvironment ? undefined : claudeEnvironment(connection),
    isTransient: true,
  });
  terminal.show();
  terminal.sendText('claude');
  return terminal;
}

async function rotateToken(controller: ProxyController, prompts: Prompts): Promise<void> {
  await controller.rotateToken();
  const connection = controller.connection();
  if (connection) await syncClaudeCodeExtension(connection);
  void prompts.info('Claude Proxy: new proxy token. New terminals get it; reopen terminals opened before, and run Export Environment again for external shells.');
}
