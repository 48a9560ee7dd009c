// A strict fake of the OpenAI API (Chat Completions + Responses) for tests; see README.md.
export { startFakeOpenAI } from './server';
export type { AnswerCall, FakeOpenAI, FakeOpenAIOptions, ModelSpec, RecordedRequest, ScriptedAnswer, Usage } from './types';
export { BUILTIN_MODELS } from './models';
