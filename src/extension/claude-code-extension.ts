// Offers to point the Claude Code VS Code extension at the proxy, and keeps it pointed there.
// Its setting is the only way to hand it the proxy token, and settings are plain text on disk:
// so nothing is written without the user's explicit yes, after saying so.
import * as vscode from 'vscode';
import type { ClaudeConnection } from './environment';
import {
  CLAUDE_CODE_EXTENSION_ID, CLAUDE_CODE_SECTION, CLAUDE_CODE_VARIABLES, pointsAtLocalProxy, withProxyVariables,
} from './claude-code-settings';

const OFFERED_KEY = 'claudeProxy.claudeCodeExtensionOffered';

export function claudeCodeExtensionInstalled(): boolean {
  return vscode.extensions.getExtension(CLAUDE_CODE_EXTENSION_ID) !== undefined;
}

/** Writes the proxy's variables into the Claude Code extension's user setting, after a modal
 *  warning (skipped only when `confirmed` is passed, for tests and scripts). */
export async function configureClaudeCodeExtension(connection: ClaudeConnection, confirmed = false): Promise<boolean> {
  if (!claudeCodeExtensionInstalled()) {
    throw new Error('the Claude Code extension (anthropic.claude-code) is not installed; the terminal needs nothing more');
  }
  if (!confirmed) {
    const write = 'Write to User Settings';
    const choice = await vscode.window.showWarningMessage(
      'The Claude Code extension ignores the terminal environment; it reads claudeCode.environmentVariables. '
      + 'This writes the proxy URL, the proxy token and the compaction window of your routes there, in your user settings file. The token only opens this '
      + 'local proxy (never OpenAI) and is replaced there when you rotate it.',
      { modal: true }, write,
    );
    if (choice !== write) return false;
  }
  const config = vscode.workspace.getConfiguration(CLAUDE_CODE_SECTION);
  await config.update(CLAUDE_CODE_VARIABLES, withProxyVariables(config.get(CLAUDE_CODE_VARIABLES), connection), vscode.ConfigurationTarget.Global);
  return true;
}

/** After a token rotation or a port change: updates the setting if it points at this proxy. */
export async function syncClaudeCodeExtension(connection: ClaudeConnection): Promise<void> {
  if (!claudeCodeExtensionInstalled()) return;
  const config = vscode.workspace.getConfiguration(CLAUDE_CODE_SECTION);
  const current = config.inspect(CLAUDE_CODE_VARIABLES)?.globalValue;
  if (!pointsAtLocalProxy(current)) return;
  await config.update(CLAUDE_CODE_VARIABLES, withProxyVariables(current, connection), vscode.ConfigurationTarget.Global);
}

/** Once, when the proxy first runs and the Claude Code extension is installed: offer to configure it. */
export async function offerClaudeCodeExtension(state: vscode.Memento, connection: () => ClaudeConnection | undefined): Promise<void> {
  if (!claudeCodeExtensionInstalled() || state.get(OFFERED_KEY)) return;
  const current = vscode.workspace.getConfiguration(CLAUDE_CODE_SECTION).inspect(CLAUDE_CODE_VARIABLES)?.globalValue;
  if (pointsAtLocalProxy(current)) return;
  await state.update(OFFERED_KEY, true);
  const configure = 'Configure Claude Code Extension';
  const choice = await vscode.window.showInformationMessage(
    'Claude Proxy: terminals are set up. The Claude Code extension needs its own setting to use the proxy.', configure, 'Not Now',
  );
  const target = connection();
  if (choice === configure && target) await configureClaudeCodeExtension(target);
}
