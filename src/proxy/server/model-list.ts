// GET /v1/models: every exact Claude name served. With CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY=1
// Claude Code adds these to /model ("From gateway") with their display_name and description, so
// each one names the upstream model, its provider (when the table has more than OpenAI), the API
// and the window behind it.
import type { ResolvedRoute, RouteTable } from '../routing/match';

interface ModelEntry {
  type: 'model';
  id: string;
  display_name: string;
  description: string;
  created_at: string;
}

const API_NAMES = { chat: 'Chat Completions API', responses: 'Responses API' } as const;

export function modelList(routes: RouteTable): unknown {
  const created = new Date(0).toISOString();
  const named = routes.namesProviders();
  const data: ModelEntry[] = routes.routes().flatMap((route) => [route.name, ...route.aliases].map((id) => ({
    type: 'model' as const,
    id,
    display_name: `${displayName(id)} → ${route.model}${named ? ` (${route.provider})` : ''}`,
    description: describe(route, id, named),
    created_at: created,
  })));
  return { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null };
}

/** "claude-sonnet-4-5" -> "Sonnet 4.5", "claude-fast" -> "Fast": Claude Code's own style. */
export function displayName(id: string): string {
  const words = id.replace(/^claude-/i, '').split('-').filter(Boolean);
  const name = words.filter((word) => !/^\d+$/.test(word)).map((word) => word[0].toUpperCase() + word.slice(1)).join(' ');
  const version = words.filter((word) => /^\d+$/.test(word) && word.length < 8).join('.');
  return [name || id, version].filter(Boolean).join(' ');
}

function describe(route: ResolvedRoute, id: string, namesProvider: boolean): string {
  const window = route.inputWindow === undefined ? 'input window unknown' : `${route.inputWindow.toLocaleString('en-US')}-token input window`;
  const effort = route.reasoningEffort ? `, ${route.reasoningEffort} effort` : '';
  const alias = id === route.name ? '' : ` (alias of ${route.name})`;
  const model = namesProvider ? `${route.model} on provider "${route.provider}"` : `OpenAI ${route.model}`;
  return `${model} via the ${API_NAMES[route.api]}${effort}, ${window}${alias}`;
}
