// The integrated terminal's environment (environment.ts claudeEnvironment) for every new terminal
// while the proxy runs. Not persisted: the collection lives in
// memory only, so the token never reaches VS Code's workspace storage on disk.
import * as vscode from 'vscode';
import { claudeEnvironment, type ClaudeConnection } from './environment';

export class TerminalEnvironment {
  constructor(private readonly collection: vscode.GlobalEnvironmentVariableCollection) {
    collection.persistent = false;
  }

  apply(connection: ClaudeConnection): void {
    this.collection.persistent = false;
    this.collection.clear();
    const port = new URL(connection.url).port;
    this.collection.description = new vscode.MarkdownString(
      `Claude Proxy: \`claude\` talks to the proxy on port ${port} (ANTHROPIC_BASE_URL, ANTHROPIC_AUTH_TOKEN; ANTHROPIC_API_KEY blanked; `
      + `CLAUDE_CODE_AUTO_COMPACT_WINDOW, CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY).`,
    );
    for (const [name, value] of Object.entries(claudeEnvironment(connection))) this.collection.replace(name, value);
  }

  clear(): void {
    this.collection.clear();
    this.collection.description = undefined;
  }

  /** What the collection holds now (for the tests and the status tooltip). */
  entries(): Record<string, string> {
    const result: Record<string, string> = {};
    this.collection.forEach((variable, mutator) => {
      result[variable] = mutator.value;
    });
    return result;
  }

  /** The description shown in the terminal's environment info, or undefined when cleared. */
  get description(): string | undefined {
    const description = this.collection.description;
    return typeof description === 'string' ? description : description?.value;
  }

  get persistent(): boolean {
    return this.collection.persistent;
  }
}
