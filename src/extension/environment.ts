// What a shell needs so that `claude` talks to the proxy, and the same as lines to paste into an
// external shell. No `vscode` import: unit-tested in plain Node.

/** Where `claude` goes, and the smallest input window of the routes behind it
 *  (proxy/routing/model-facts.ts autoCompactWindow; undefined when no route's window is known). */
export interface ClaudeConnection {
  url: string;
  token: string;
  autoCompactWindow?: number;
}

/** The variables set in each new integrated terminal while the proxy runs. ANTHROPIC_API_KEY is
 *  blanked: Claude Code would otherwise prefer a real Anthropic key inherited from the shell.
 *  Claude Code takes every Claude model to have a 1M-token window; CLAUDE_CODE_AUTO_COMPACT_WINDOW
 *  makes it compact before the upstream's limit. Model discovery fills /model from GET /v1/models. */
export function claudeEnvironment(connection: ClaudeConnection): Record<string, string> {
  return {
    ANTHROPIC_BASE_URL: connection.url,
    ANTHROPIC_AUTH_TOKEN: connection.token,
    ANTHROPIC_API_KEY: '',
    ...(connection.autoCompactWindow === undefined ? {} : { CLAUDE_CODE_AUTO_COMPACT_WINDOW: String(connection.autoCompactWindow) }),
    CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY: '1',
  };
}

/** Every name claudeEnvironment may set, so that a stale one is removed with the rest. */
export const CLAUDE_VARIABLE_NAMES = [
  'ANTHROPIC_BASE_URL', 'ANTHROPIC_AUTH_TOKEN', 'ANTHROPIC_API_KEY', 'CLAUDE_CODE_AUTO_COMPACT_WINDOW', 'CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY',
] as const;

export const shells = ['bash / zsh', 'fish', 'PowerShell', 'cmd'] as const;
export type Shell = (typeof shells)[number];

/** Lines that set the environment in the given shell (the API key line unsets the variable). */
export function exportLines(shell: Shell, variables: Record<string, string>): string {
  const lines: string[] = [];
  for (const [name, value] of Object.entries(variables)) {
    switch (shell) {
      case 'bash / zsh':
        lines.push(value === '' ? `unset ${name}` : `export ${name}=${posixQuote(value)}`);
        break;
      case 'fish':
        lines.push(value === '' ? `set -e ${name}` : `set -gx ${name} ${posixQuote(value)}`);
        break;
      case 'PowerShell':
        lines.push(value === '' ? `Remove-Item Env:${name} -ErrorAction SilentlyContinue` : `$env:${name} = '${value.replace(/'/g, "''")}'`);
        break;
      case 'cmd':
        lines.push(`set ${name}=${value}`);
        break;
    }
  }
  return `${lines.join('\n')}\n`;
}

function posixQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
