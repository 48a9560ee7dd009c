// claudeProxy.port is taken by another program (not a Claude proxy): the error state, and the
// offer of the next free port, which its button writes to the user settings.
import * as vscode from 'vscode';
import type { ProxyLog } from '../log';
import type { Prompts } from '../prompts';
import { SECTION } from '../settings';
import { findFreePort } from './ports';
import type { ProxySession } from './proxy-state';

export async function reportPortInUse(port: number, session: ProxySession, log: ProxyLog, prompts: Prompts): Promise<void> {
  const next = await findFreePort(port + 1);
  const message = `Port ${port} (claudeProxy.port) is already in use by another program.`;
  session.setState({ kind: 'error', message });
  log.error(message + (next ? ` Port ${next} is free.` : ''));
  if (!next) {
    void prompts.error(`Claude Proxy: ${message} Choose another port in the settings.`);
    return;
  }
  const use = `Use Port ${next}`;
  void prompts.error(`Claude Proxy: ${message} Port ${next} is free.`, use, 'Open Settings').then(async (choice) => {
    if (choice === use) await vscode.workspace.getConfiguration(SECTION).update('port', next, vscode.ConfigurationTarget.Global);
    else if (choice) await vscode.commands.executeCommand('workbench.action.openSettings', `${SECTION}.port`);
  });
}
