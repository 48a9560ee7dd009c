// Applies every change of the claudeProxy.* settings to the proxy in use: most in place, a new port
// or read timeout by a restart. An invalid change is reported and the last valid settings stay.
import * as vscode from 'vscode';
import { defaultTransport } from '../../proxy';
import { readSettings, SECTION, settingsDiff, transportOf, type SettingsResult } from '../settings';
import { routeSummaries } from '../status-tooltip';
import { applyKeys } from './credentials';
import type { LifecycleParts, ProxyLifecycle } from './lifecycle';

export function readCurrentSettings(): SettingsResult {
  const config = vscode.workspace.getConfiguration(SECTION);
  return readSettings((key) => config.get(key));
}

/** Applies each change on the lifecycle queue. */
export function watchSettings(lifecycle: ProxyLifecycle, parts: LifecycleParts): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((event) => {
    if (event.affectsConfiguration(SECTION)) void parts.queue.run(() => applySettings(lifecycle, parts));
  });
}

async function applySettings(lifecycle: ProxyLifecycle, parts: LifecycleParts): Promise<void> {
  const { session, log, prompts, terminal, usage, ticker } = parts;
  const result = parts.readSettings();
  if (!result.ok) {
    const message = `Invalid settings: ${result.problems.join('; ')}. The proxy keeps its last valid settings.`;
    log.error(message);
    void prompts.error(`Claude Proxy: ${message}`, 'Open Settings')
      .then((choice) => choice && vscode.commands.executeCommand('workbench.action.openSettings', SECTION));
    return;
  }
  const before = session.settings;
  const after = (session.settings = result.settings);
  log.level = after.logLevel;
  usage?.setKeepBodies(after.keepBodies);
  const server = session.server;
  if (server && before && before.keepBodies !== after.keepBodies) {
    server.reconfigure({ captureBodies: after.keepBodies });
    log.info(`Request bodies ${after.keepBodies ? 'kept for the dashboard' : 'no longer kept'} (claudeProxy.dashboard.keepBodies)`);
  }
  const diff = before ? settingsDiff(before, after) : { restart: true, reconfigure: true, limits: true, environment: true, logLevel: true, providers: true };
  if (diff.providers) {
    // The notes are about providers: told again only when they change.
    for (const note of result.notes) log.warn(note);
    // Before the routes reach the proxy, so that a route on a new provider has its key at once.
    await applyKeys(session, parts.secrets, log);
  }
  const updateTerminal = () => {
    if (after.injectEnvironment && session.token) lifecycle.applyTerminal();
    else terminal.clear();
  };
  if (session.sharedUrl) {
    // The window that owns the proxy applies the (user-wide) settings to it.
    if (diff.restart) await lifecycle.restart();
    // The routes set the terminal's compaction window too.
    else if (diff.environment || diff.reconfigure) updateTerminal();
    ticker.refresh();
    return;
  }
  if (!server) {
    // A start that failed on settings (invalid table, port in use) is tried again with the fix.
    if (session.state.kind === 'error') await lifecycle.start(false);
    else ticker.refresh();
    return;
  }
  if (diff.restart) {
    const changed = before && before.port === after.port
      ? `claudeProxy.requestReadTimeoutMs changed to ${after.requestReadTimeoutMs}`
      : `claudeProxy.port changed to ${after.port}`;
    log.info(`${changed}: restarting`);
    await lifecycle.restart();
    return;
  }
  if (diff.limits) {
    // Read per request: requests already in flight keep the limits they started with.
    server.reconfigure({ idleTimeoutMs: after.idleTimeoutMs, maxBodyBytes: after.maxBodyBytes });
    log.info(`Limits applied: claudeProxy.maxBodyBytes ${after.maxBodyBytes}, claudeProxy.idleTimeoutMs ${after.idleTimeoutMs || 'off'}`);
  }
  if (diff.reconfigure) {
    server.reconfigure({ openaiBaseUrl: after.openaiBaseUrl, routes: after.routeTable, upstreamTransport: transportOf(after) });
    const routes = routeSummaries(after).map((route) => `${route.names[0]} -> ${route.model} (${route.api}) on ${route.provider}`).join(', ');
    log.info(`Settings applied: upstream ${after.openaiBaseUrl} (${transportOf(after) ?? defaultTransport(after.openaiBaseUrl)}), routes ${routes}`);
  }
  if (diff.environment || diff.reconfigure) {
    updateTerminal();
    if (diff.environment) log.info(`Terminal environment ${after.injectEnvironment ? 'on' : 'off'} (claudeProxy.injectEnvironment)`);
  }
  ticker.refresh();
}
