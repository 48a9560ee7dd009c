// The models the fake knows. Add a line to support another model.
import type { ModelSpec } from './types';

const GPT5 = ['minimal', 'low', 'medium', 'high'];
const GPT51 = ['none', 'low', 'medium', 'high'];
const CODEX = ['low', 'medium', 'high'];
const O_SERIES = ['low', 'medium', 'high'];

export const BUILTIN_MODELS: ModelSpec[] = [
  { id: 'gpt-5', snapshot: 'gpt-5-2025-08-07', reasoning: true, efforts: GPT5, chat: true },
  { id: 'gpt-5-mini', snapshot: 'gpt-5-mini-2025-08-07', reasoning: true, efforts: GPT5, chat: true },
  { id: 'gpt-5-nano', snapshot: 'gpt-5-nano-2025-08-07', reasoning: true, efforts: GPT5, chat: true },
  { id: 'gpt-5-codex', snapshot: 'gpt-5-codex', reasoning: true, efforts: CODEX, chat: false },
  { id: 'gpt-5.1', snapshot: 'gpt-5.1-2025-11-13', reasoning: true, efforts: GPT51, chat: true },
  { id: 'gpt-5.1-codex', snapshot: 'gpt-5.1-codex', reasoning: true, efforts: CODEX, chat: false },
  { id: 'gpt-4.1', snapshot: 'gpt-4.1-2025-04-14', reasoning: false, chat: true },
  { id: 'gpt-4.1-mini', snapshot: 'gpt-4.1-mini-2025-04-14', reasoning: false, chat: true },
  // OpenAI's web search guide: web search is not supported in gpt-4.1-nano.
  { id: 'gpt-4.1-nano', snapshot: 'gpt-4.1-nano-2025-04-14', reasoning: false, chat: true, webSearch: false },
  { id: 'gpt-4o', snapshot: 'gpt-4o-2024-08-06', reasoning: false, chat: true },
  { id: 'gpt-4o-mini', snapshot: 'gpt-4o-mini-2024-07-18', reasoning: false, chat: true },
  { id: 'o3', snapshot: 'o3-2025-04-16', reasoning: true, efforts: O_SERIES, chat: true },
  { id: 'o4-mini', snapshot: 'o4-mini-2025-04-16', reasoning: true, efforts: O_SERIES, chat: true },
];

export class ModelRegistry {
  private byName = new Map<string, ModelSpec>();

  constructor(extra: ModelSpec[] = []) {
    for (const spec of [...BUILTIN_MODELS, ...extra]) {
      this.byName.set(spec.id, spec);
      if (spec.snapshot !== spec.id) this.byName.set(spec.snapshot, spec);
    }
  }

  /** Accepts both the alias and the dated snapshot name. */
  find(name: string): ModelSpec | undefined {
    return this.byName.get(name);
  }

  list(): ModelSpec[] {
    return [...new Set(this.byName.values())];
  }
}
