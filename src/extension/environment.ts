// What a shell needs so that `claude` talks to the proxy, and the same as lines to paste into an
// external shell. No `vscode` import: unit-tested in plain Node.

/** The variables set in each new integrated terminal while the proxy runs. ANTHROPIC_API_KEY is
 *  blanked: Claude Code would otherwise prefer a real Anthropic key inherited from the shell. */
export function claudeEnvironment(baseUrl: string, token: string): Record<string, string> {
  return {
    ANTHROPIC_BASE_URL: baseUrl,
    ANTHROPIC_AUTH_TOKEN: token,
    ANTHROPIC_API_KEY: '',
  };
}

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
