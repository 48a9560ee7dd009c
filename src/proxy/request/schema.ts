// Zod schemas for the Anthropic Messages API requests the proxy accepts.
// Lenient where Anthropic is lenient (unknown fields pass through: Claude Code adds new
// ones often), strict where a wrong shape would make the translation wrong.
import { z } from 'zod';

const cacheControl = z.object({ type: z.string() }).passthrough().optional();

export const textBlock = z.object({
  type: z.literal('text'),
  text: z.string(),
  cache_control: cacheControl,
}).passthrough();

const base64Source = z.object({ type: z.literal('base64'), media_type: z.string(), data: z.string() });
const urlSource = z.object({ type: z.literal('url'), url: z.string() });

export const imageBlock = z.object({
  type: z.literal('image'),
  source: z.discriminatedUnion('type', [base64Source, urlSource]),
  cache_control: cacheControl,
}).passthrough();

const textSource = z.object({ type: z.literal('text'), media_type: z.string().optional(), data: z.string() });
export const documentBlock = z.object({
  type: z.literal('document'),
  source: z.discriminatedUnion('type', [base64Source, urlSource, textSource]),
  title: z.string().nullish(),
  cache_control: cacheControl,
}).passthrough();

export const toolUseBlock = z.object({
  type: z.literal('tool_use'),
  id: z.string().min(1),
  name: z.string().min(1),
  input: z.unknown(),
  cache_control: cacheControl,
}).passthrough();

export const toolResultBlock = z.object({
  type: z.literal('tool_result'),
  tool_use_id: z.string().min(1),
  content: z.union([z.string(), z.array(z.discriminatedUnion('type', [textBlock, imageBlock, documentBlock]))]).optional(),
  is_error: z.boolean().optional(),
  cache_control: cacheControl,
}).passthrough();

export const thinkingBlock = z.object({
  type: z.literal('thinking'),
  thinking: z.string(),
  signature: z.string().optional(),
}).passthrough();

export const redactedThinkingBlock = z.object({
  type: z.literal('redacted_thinking'),
  data: z.string(),
}).passthrough();

export const contentBlock = z.discriminatedUnion('type', [
  textBlock, imageBlock, documentBlock, toolUseBlock, toolResultBlock, thinkingBlock, redactedThinkingBlock,
]);

export const message = z.object({
  role: z.enum(['user', 'assistant', 'system']),
  content: z.union([z.string(), z.array(contentBlock)]),
}).passthrough();

export const tool = z.object({
  name: z.string().min(1),
  description: z.string().optional(),
  input_schema: z.record(z.string(), z.unknown()).optional(),
  type: z.string().optional(),
  cache_control: cacheControl,
}).passthrough();

export const toolChoice = z.discriminatedUnion('type', [
  z.object({ type: z.literal('auto'), disable_parallel_tool_use: z.boolean().optional() }),
  z.object({ type: z.literal('any'), disable_parallel_tool_use: z.boolean().optional() }),
  z.object({ type: z.literal('tool'), name: z.string(), disable_parallel_tool_use: z.boolean().optional() }),
  z.object({ type: z.literal('none') }),
]);

export const thinking = z.discriminatedUnion('type', [
  z.object({ type: z.literal('enabled'), budget_tokens: z.number().int().nonnegative() }).passthrough(),
  z.object({ type: z.literal('adaptive') }).passthrough(),
  z.object({ type: z.literal('disabled') }).passthrough(),
]);

export const outputConfig = z.object({
  effort: z.enum(['minimal', 'low', 'medium', 'high', 'max', 'xhigh']).optional(),
  format: z.object({
    type: z.literal('json_schema'),
    schema: z.record(z.string(), z.unknown()),
    name: z.string().optional(),
  }).passthrough().nullish(),
}).passthrough();

const system = z.union([z.string(), z.array(textBlock)]);

export const countTokensRequest = z.object({
  model: z.string().min(1),
  messages: z.array(message),
  system: system.optional(),
  tools: z.array(tool).optional(),
  tool_choice: toolChoice.optional(),
  thinking: thinking.optional(),
}).passthrough();

export const messagesRequest = countTokensRequest.extend({
  max_tokens: z.number().int().positive(),
  stream: z.boolean().optional(),
  temperature: z.number().min(0).max(2).optional(),
  top_p: z.number().min(0).max(1).optional(),
  top_k: z.number().int().optional(),
  stop_sequences: z.array(z.string()).optional(),
  metadata: z.object({ user_id: z.string().nullish() }).passthrough().optional(),
  output_config: outputConfig.optional(),
  context_management: z.unknown().optional(),
}).passthrough();

export type TextBlock = z.infer<typeof textBlock>;
export type ImageBlock = z.infer<typeof imageBlock>;
export type DocumentBlock = z.infer<typeof documentBlock>;
export type ToolUseBlock = z.infer<typeof toolUseBlock>;
export type ToolResultBlock = z.infer<typeof toolResultBlock>;
export type ThinkingBlock = z.infer<typeof thinkingBlock>;
export type RedactedThinkingBlock = z.infer<typeof redactedThinkingBlock>;
export type ContentBlock = z.infer<typeof contentBlock>;
export type AnthropicMessage = z.infer<typeof message>;
export type AnthropicTool = z.infer<typeof tool>;
export type ToolChoice = z.infer<typeof toolChoice>;
export type MessagesRequest = z.infer<typeof messagesRequest>;
export type CountTokensRequest = z.infer<typeof countTokensRequest>;
