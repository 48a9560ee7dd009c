// Zod schemas for the Anthropic Messages API requests the proxy accepts.
// Lenient where Anthropic is lenient (unknown fields pass through: Claude Code adds new
// ones often), strict where a wrong shape would make the translation wrong. The policy for what
// Claude Code adds next is in the README ("Fields and blocks the proxy does not know").
// zod/mini's functional API (z.optional(x) for x.optional(), ...): a fraction of the classic
// API's code to load when the extension starts.
import * as z from 'zod/mini';
import '../../zod-english';

const nonEmpty = () => z.string().check(z.minLength(1));
const cacheControl = z.optional(z.looseObject({ type: z.string() }));

export const textBlock = z.looseObject({
  type: z.literal('text'),
  text: z.string(),
  cache_control: cacheControl,
});

const base64Source = z.object({ type: z.literal('base64'), media_type: z.string(), data: z.string() });
const urlSource = z.object({ type: z.literal('url'), url: z.string() });

export const imageBlock = z.looseObject({
  type: z.literal('image'),
  source: z.discriminatedUnion('type', [base64Source, urlSource]),
  cache_control: cacheControl,
});

const textSource = z.object({ type: z.literal('text'), media_type: z.optional(z.string()), data: z.string() });
export const documentBlock = z.looseObject({
  type: z.literal('document'),
  source: z.discriminatedUnion('type', [base64Source, urlSource, textSource]),
  title: z.nullish(z.string()),
  cache_control: cacheControl,
});

/** A block of a type the union does not know passes as a text block when it carries text (a string
 *  `text`): text is what a model can use of it. Any other unknown type fails the union, which
 *  validation.ts reports as `unknown block type "…"`. The known types are the union's own, so a
 *  type added to it keeps its strict schema. */
function orTextBlock<const Union extends z.ZodMiniDiscriminatedUnion>(union: Union) {
  const known = union._zod.propValues.type;
  const asText = (block: unknown): unknown => {
    if (block === null || typeof block !== 'object') return block;
    const { type, text } = block as { type?: unknown; text?: unknown };
    return typeof type === 'string' && typeof text === 'string' && !known.has(type) ? { ...block, type: 'text' } : block;
  };
  return z.pipe(z.transform(asText), union);
}

export const toolUseBlock = z.looseObject({
  type: z.literal('tool_use'),
  id: nonEmpty(),
  name: nonEmpty(),
  input: z.unknown(),
  cache_control: cacheControl,
});

/** Claude Code's ToolSearch answers with these: the named deferred tool is now loaded. */
export const toolReferenceBlock = z.looseObject({
  type: z.literal('tool_reference'),
  tool_name: nonEmpty(),
  cache_control: cacheControl,
});

export const toolResultBlock = z.looseObject({
  type: z.literal('tool_result'),
  tool_use_id: nonEmpty(),
  content: z.optional(z.union([z.string(), z.array(orTextBlock(z.discriminatedUnion('type', [textBlock, imageBlock, documentBlock, toolReferenceBlock])))])),
  is_error: z.optional(z.boolean()),
  cache_control: cacheControl,
});

export const thinkingBlock = z.looseObject({
  type: z.literal('thinking'),
  thinking: z.string(),
  signature: z.optional(z.string()),
});

export const redactedThinkingBlock = z.looseObject({
  type: z.literal('redacted_thinking'),
  data: z.string(),
});

/** A web search the server ran in an earlier answer (Claude Code keeps them in history). */
export const serverToolUseBlock = z.looseObject({
  type: z.literal('server_tool_use'),
  id: nonEmpty(),
  name: nonEmpty(),
  input: z.unknown(),
  cache_control: cacheControl,
});

/** Its results: web_search_result items, or a web_search_tool_result_error object. */
export const webSearchToolResultBlock = z.looseObject({
  type: z.literal('web_search_tool_result'),
  tool_use_id: nonEmpty(),
  content: z.union([z.array(z.looseObject({ type: z.string() })), z.looseObject({ type: z.string() })]),
  cache_control: cacheControl,
});

export const contentBlock = orTextBlock(z.discriminatedUnion('type', [
  textBlock, imageBlock, documentBlock, toolUseBlock, toolResultBlock, thinkingBlock, redactedThinkingBlock,
  serverToolUseBlock, webSearchToolResultBlock,
]));

export const message = z.looseObject({
  role: z.enum(['user', 'assistant', 'system']),
  content: z.union([z.string(), z.array(contentBlock)]),
});

export const tool = z.looseObject({
  name: nonEmpty(),
  description: z.optional(z.string()),
  input_schema: z.optional(z.record(z.string(), z.unknown())),
  type: z.optional(z.string()),
  defer_loading: z.optional(z.boolean()),
  cache_control: cacheControl,
});

export const toolChoice = z.discriminatedUnion('type', [
  z.object({ type: z.literal('auto'), disable_parallel_tool_use: z.optional(z.boolean()) }),
  z.object({ type: z.literal('any'), disable_parallel_tool_use: z.optional(z.boolean()) }),
  z.object({ type: z.literal('tool'), name: z.string(), disable_parallel_tool_use: z.optional(z.boolean()) }),
  z.object({ type: z.literal('none') }),
]);

/** Whether thinking blocks carry the summary ("summarized") or come empty with only their signature. */
const thinkingDisplay = z.nullish(z.enum(['summarized', 'omitted']));

export const thinking = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('enabled'), budget_tokens: z.number().check(z.int(), z.nonnegative()), display: thinkingDisplay }),
  z.looseObject({ type: z.literal('adaptive'), display: thinkingDisplay }),
  z.looseObject({ type: z.literal('disabled') }),
]);

export const outputConfig = z.looseObject({
  effort: z.optional(z.enum(['minimal', 'low', 'medium', 'high', 'max', 'xhigh'])),
  format: z.nullish(z.looseObject({
    type: z.literal('json_schema'),
    schema: z.record(z.string(), z.unknown()),
    name: z.optional(z.string()),
  })),
});

const system = z.union([z.string(), z.array(orTextBlock(z.discriminatedUnion('type', [textBlock])))]);

export const countTokensRequest = z.looseObject({
  model: nonEmpty(),
  messages: z.array(message),
  system: z.optional(system),
  tools: z.optional(z.array(tool)),
  tool_choice: z.optional(toolChoice),
  thinking: z.optional(thinking),
});

export const messagesRequest = z.extend(countTokensRequest, {
  max_tokens: z.number().check(z.int(), z.positive()),
  stream: z.optional(z.boolean()),
  temperature: z.optional(z.number().check(z.minimum(0), z.maximum(2))),
  top_p: z.optional(z.number().check(z.minimum(0), z.maximum(1))),
  top_k: z.optional(z.number().check(z.int())),
  stop_sequences: z.optional(z.array(z.string())),
  metadata: z.optional(z.looseObject({ user_id: z.nullish(z.string()) })),
  output_config: z.optional(outputConfig),
  context_management: z.optional(z.unknown()),
});

export type TextBlock = z.infer<typeof textBlock>;
export type ImageBlock = z.infer<typeof imageBlock>;
export type DocumentBlock = z.infer<typeof documentBlock>;
export type ToolReferenceBlock = z.infer<typeof toolReferenceBlock>;
export type ToolResultBlock = z.infer<typeof toolResultBlock>;
export type ContentBlock = z.infer<typeof contentBlock>;
export type AnthropicMessage = z.infer<typeof message>;
export type AnthropicTool = z.infer<typeof tool>;
export type MessagesRequest = z.infer<typeof messagesRequest>;
export type CountTokensRequest = z.infer<typeof countTokensRequest>;
