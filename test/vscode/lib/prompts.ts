// For the extension-host suites: runs an action with every notification, quick pick and input box
// answered by `choose` (dismissed by default) instead of shown.
import type { TestingApi } from '../../../src/extension/extension';
import type { Prompt } from '../../../src/extension/prompts';

/** The action's result and the prompts it showed. */
export async function withPrompts<T>(testing: TestingApi, action: () => Thenable<T>, choose: (prompt: Prompt) => string | undefined = () => undefined): Promise<{ result: T; shown: Prompt[] }> {
  const shown: Prompt[] = [];
  testing.answerPrompts((prompt) => {
    shown.push(prompt);
    return choose(prompt);
  });
  try {
    return { result: await action(), shown };
  } finally {
    testing.answerPrompts(undefined);
  }
}
