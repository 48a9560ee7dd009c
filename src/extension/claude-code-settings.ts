// The Claude Code VS Code extension starts its own `claude` process and ignores the terminal
// environment; it takes variables from its setting `claudeCode.environmentVariables`, a list of
// {name, value}. Pure functions here (no `vscode`), so they are tested in plain Node.
import { CLAUDE_VARIABLE_NAMES, claudeEnvironment, type ClaudeConnection } from './environment';

export const CLAUDE_CODE_EXTENSION_ID = 'anthropic.claude-code';
export const CLAUDE_CODE_SECTION = 'claudeCode';
export const CLAUDE_CODE_VARIABLES = 'environmentVariables';

export interface NamedVariable {
  name: string;
  value: string;
}

const PROXY_NAMES = new Set<string>(CLAUDE_VARIABLE_NAMES);

/** The user's list with the proxy's variables set (the terminal's, compaction window included):
 *  other entries stay as they were. A real Anthropic key is blanked, as in the terminal, so it is
 *  neither sent nor preferred. */
export function withProxyVariables(existing: unknown, connection: ClaudeConnection): NamedVariable[] {
  return [
    ...otherVariables(existing),
    ...Object.entries(claudeEnvironment(connection)).map(([name, value]) => ({ name, value })),
  ];
}

/** True when the list points Claude Code at a proxy on this machine (one we configured). */
export function pointsAtLocalProxy(existing: unknown): boolean {
  return asVariables(existing).some((variable) => variable.name === 'ANTHROPIC_BASE_URL' && /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?\/?$/.test(variable.value));
}

function otherVariables(existing: unknown): NamedVariable[] {
  return asVariables(existing).filter((variable) => !PROXY_NAMES.has(variable.name));
}

function asVariables(existing: unknown): NamedVariable[] {
  if (!Array.isArray(existing)) return [];
  return (existing as unknown[]).filter((item): item is NamedVariable => {
    const variable = item as { name?: unknown; value?: unknown } | null | undefined;
    return typeof variable?.name === 'string' && typeof variable?.value === 'string';
  });
}
