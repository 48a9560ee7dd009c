// The integrated terminal's environment: ANTHROPIC_BASE_URL and ANTHROPIC_AUTH_TOKEN for every new
// terminal while the proxy runs, ANTHROPIC_API_KEY blanked. Not persisted: the collection lives in
// memory only, so the token never reaches VS Code's workspace storage on disk.
import * as vscode from 'vscode';
import { claudeEnvironment } from './environment';

export class TerminalEnvironment {
  constructor(private readonly collection: vscode.GlobalEnvironmentVariableCollection) {
    collection.persistent = false;
  }

  apply(baseUrl: string, token: string): void {
    this.collection.persistent = false;
    this.collection.clear();
    const port = new URL(baseUrl).port;
    this.collection.description = new vscode.MarkdownString(
      `Claude Proxy: \`claude\` talks to the proxy on port ${port} (ANTHROPIC_BASE_URL, ANTHROPIC_AUTH_TOKEN; ANTHROPIC_API_KEY blanked).`,
    );
    for (const [name, value] of Object.entries(claudeEnvironment(baseUrl, token))) this.collection.replace(name, value);
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
