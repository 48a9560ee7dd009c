// The extension's notifications and quick picks. Every message is redacted like the log; the last
// ones are kept, and the extension-host tests can answer them instead of a person (testing API).
// The input box for the OpenAI key (askForKey) goes to VS Code directly and is not recorded.
import * as vscode from 'vscode';

export interface Prompt {
  kind: 'info' | 'warning' | 'error' | 'pick';
  /** The notification's text, or the quick pick's title. */
  message: string;
  choices: string[];
}

/** Returns one of `prompt.choices`, or undefined to dismiss. */
export type PromptAnswer = (prompt: Prompt) => string | undefined;

const KEEP = 100;

export class Prompts {
  private readonly shown: Prompt[] = [];
  private answer: PromptAnswer | undefined;

  constructor(private readonly redact: (text: string) => string) {}

  info(message: string, ...choices: string[]): Thenable<string | undefined> {
    return this.notify('info', message, choices);
  }

  warning(message: string, ...choices: string[]): Thenable<string | undefined> {
    return this.notify('warning', message, choices);
  }

  error(message: string, ...choices: string[]): Thenable<string | undefined> {
    return this.notify('error', message, choices);
  }

  /** A quick pick of plain strings; `options.title` is what gets recorded. */
  pick<T extends string>(choices: readonly T[], options: vscode.QuickPickOptions): Thenable<T | undefined> {
    const prompt = this.record('pick', options.title ?? options.placeHolder ?? '', choices);
    if (this.answer) return Promise.resolve(this.answered(prompt) as T | undefined);
    return vscode.window.showQuickPick([...choices], options) as Thenable<T | undefined>;
  }

  /** What was shown (redacted), oldest first. */
  recent(): Prompt[] {
    return [...this.shown];
  }

  /** Tests: `answer` chooses for every prompt instead of showing it; undefined shows them again. */
  answerWith(answer: PromptAnswer | undefined): void {
    this.answer = answer;
  }

  private notify(kind: 'info' | 'warning' | 'error', message: string, choices: string[]): Thenable<string | undefined> {
    const prompt = this.record(kind, message, choices);
    if (this.answer) return Promise.resolve(this.answered(prompt));
    const show = kind === 'error' ? vscode.window.showErrorMessage : kind === 'warning' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
    return show(prompt.message, ...choices);
  }

  private record(kind: Prompt['kind'], message: string, choices: readonly string[]): Prompt {
    const prompt: Prompt = { kind, message: this.redact(message), choices: [...choices] };
    this.shown.push(prompt);
    if (this.shown.length > KEEP) this.shown.splice(0, this.shown.length - KEEP);
    return prompt;
  }

  private answered(prompt: Prompt): string | undefined {
    const choice = this.answer?.(prompt);
    return choice !== undefined && prompt.choices.includes(choice) ? choice : undefined;
  }
}

/** Asks for the OpenAI key (masked); undefined when cancelled. */
export async function askForKey(): Promise<string | undefined> {
  const key = await vscode.window.showInputBox({
    title: 'Claude Proxy: OpenAI API key',
    prompt: 'The key the proxy sends to OpenAI (or your OpenAI-compatible server). Kept in VS Code\'s SecretStorage only.',
    placeHolder: 'sk-...',
    password: true,
    ignoreFocusOut: true,
    validateInput: (value) => (value.trim() === '' ? 'Enter a key (Escape to cancel)' : undefined),
  });
  return key?.trim() || undefined;
}
