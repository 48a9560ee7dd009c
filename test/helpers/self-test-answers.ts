// What the fake OpenAI answers to one run of the extension's self-tests: per route, a message and
// a tool call, each streamed and not (src/extension/self-test.ts). Shared by the plain-Node tests
// and the extension-host suite.
import type { ScriptedAnswer } from '../fake-openai';

export function selfTestAnswers(routes: number): ScriptedAnswer[] {
  const answers: ScriptedAnswer[] = [];
  for (let i = 0; i < routes; i++) {
    answers.push(
      { kind: 'text', chunks: ['po', 'ng'] },
      { kind: 'text', chunks: ['po', 'ng'] },
      { kind: 'tool_calls', calls: [{ name: 'get_weather', fragments: ['{"city":', '"Paris"}'] }] },
      { kind: 'tool_calls', calls: [{ name: 'get_weather', fragments: ['{"city":', '"Paris"}'] }] },
    );
  }
  return answers;
}
