// The extension's notifications and quick picks. Every message is redacted like the log; the last
// ones are kept, and the extension-host tests can answer them instead of a person (testing API).
// The input boxes (a provider's key, a URL) go to VS Code directly and are not recorded.
import * as vscode from 'vscode';
import { DEFAULT_PROVIDER_NAME } from '../proxy';
import { hostOf } from './provider-facts';

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

  /** A quick pick of items (label, description, detail); the labels are what gets recorded and
   *  what an answer chooses. */
  pickItem<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions): Thenable<T | undefined> {
    const prompt = this.record('pick', options.title ?? options.placeHolder ?? '', items.map((item) => item.label));
    if (this.answer) {
      const label = this.answered(prompt);
      return Promise.resolve(items.find((item) => item.label === label));
    }
    return vscode.window.showQuickPick([...items], options);
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

/** Asks for a provider's key (masked); undefined when cancelled. */
export async function askForProviderKey(provider: { name: string; kind: string; baseURL?: string }): Promise<string | undefined> {
  const openai = provider.name === DEFAULT_PROVIDER_NAME;
  const where = provider.baseURL ? hostOf(provider.baseURL) : openai ? 'OpenAI' : `provider "${provider.name}"`;
  const key = await vscode.window.showInputBox({
    title: openai ? 'Claude Proxy: OpenAI API key' : `Claude Proxy: API key of provider "${provider.name}" (${provider.kind})`,
    prompt: `The key the proxy sends to ${where}. Kept in VS Code's SecretStorage only.`,
    placeHolder: provider.kind === 'azure' ? 'the Azure OpenAI resource\'s key' : provider.kind === 'openai' ? 'sk-...' : 'the server\'s API key',
    password: true,
    ignoreFocusOut: true,
    validateInput: (value) => (value.trim() === '' ? 'Enter a key (Escape to cancel)' : undefined),
  });
  return key?.trim() || undefined;
}
