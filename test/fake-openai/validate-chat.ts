// POST /v1/chat/completions: reject what OpenAI rejects, with OpenAI's wording.
import { belowMin, checkType, fail, invalid, invalidType, invalidValue, missing, tooLong } from './errors';
import type { ModelRegistry } from './models';
import type { ModelSpec } from './types';
import { isObject } from './util';
import {
  checkEffort,
  checkFileData,
  checkFunctionName,
  checkFunctionParameters,
  checkImageUrl,
  checkSampling,
  findModel,
  onlyDefaultValue,
  unsupportedParameter,
} from './validate-common';

/** Every top-level parameter of the Chat Completions API. */
export const CHAT_PARAMS = new Set([
  'messages', 'model', 'audio', 'frequency_penalty', 'function_call', 'functions', 'logit_bias', 'logprobs',
  'max_completion_tokens', 'max_tokens', 'metadata', 'modalities', 'moderation', 'n', 'parallel_tool_calls',
  'prediction', 'presence_penalty', 'prompt_cache_key', 'prompt_cache_options', 'prompt_cache_retention',
  'reasoning_effort', 'response_format', 'safety_identifier', 'seed', 'service_tier', 'stop', 'store', 'stream',
  'stream_options', 'temperature', 'tool_choice', 'tools', 'top_logprobs', 'top_p', 'user', 'verbosity',
  'web_search_options',
]);

/** Sampling and other parameters reasoning models refuse outright. */
const NOT_FOR_REASONING = ['stop', 'presence_penalty', 'frequency_penalty', 'logprobs', 'top_logprobs', 'logit_bias'];

const ROLES = ['system', 'assistant', 'user', 'function', 'tool', 'developer'];
const PART_TYPES = ['text', 'image_url', 'input_audio', 'refusal', 'audio', 'file'];
const PARTS_BY_ROLE: Record<string, string[]> = {
  user: ['text', 'image_url', 'input_audio', 'file'],
  assistant: ['text', 'refusal'],
  system: ['text'],
  developer: ['text'],
  tool: ['text'],
  function: ['text'],
};

export interface ChatRequestInfo {
  spec: ModelSpec;
  stream: boolean;
  includeUsage: boolean;
}

export function validateChat(body: unknown, models: ModelRegistry): ChatRequestInfo {
  if (!isObject(body)) return invalidType('body', 'object', body);
  const unknown = Object.keys(body).filter((k) => !CHAT_PARAMS.has(k));
  if (unknown.length === 1) invalid(`Unrecognized request argument supplied: ${unknown[0]}`);
  if (unknown.length > 1) invalid(`Unrecognized request arguments supplied: ${unknown.join(', ')}`);

  if (body.model === undefined || body.model === null) invalid('you must provide a model parameter');
  checkType(body.model, 'string', 'model');
  const spec = findModel(models, body.model);
  if (!spec.chat) fail(404, 'This model is only supported in v1/responses and not in v1/chat/completions.', 'model');

  if (body.messages === undefined) missing('messages');
  if (!Array.isArray(body.messages)) invalidType('messages', 'array of objects', body.messages);
  if (body.messages.length === 0) {
    invalid("Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.", 'messages', 'empty_array');
  }

  checkModelParameters(body, spec);
  checkTools(body);
  body.messages.forEach((message: unknown, i: number) => checkMessage(message, i));
  checkToolCallPairing(body.messages);

  return { spec, stream: body.stream === true, includeUsage: body.stream === true && body.stream_options?.include_usage === true };
}

function checkModelParameters(body: Record<string, any>, spec: ModelSpec): void {
  if (body.stream !== undefined && body.stream !== null) checkType(body.stream, 'boolean', 'stream');
  if (body.stream_options !== undefined && body.stream_options !== null && body.stream !== true) {
    invalid("The 'stream_options' parameter is only allowed when 'stream' is enabled.", 'stream_options');
  }
  for (const param of ['max_tokens', 'max_completion_tokens']) {
    if (body[param] === undefined || body[param] === null) continue;
    checkType(body[param], 'integer', param);
    if (body[param] < 1) belowMin(param, 1, body[param]);
  }
  checkSampling(body);
  if (spec.reasoning) {
    if (body.max_tokens !== undefined && body.max_tokens !== null) {
      invalid("Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.", 'max_tokens', 'unsupported_parameter');
    }
    for (const param of ['temperature', 'top_p']) {
      if (body[param] !== undefined && body[param] !== null && body[param] !== 1) onlyDefaultValue(param, body[param]);
    }
    for (const param of NOT_FOR_REASONING) if (body[param] !== undefined && body[param] !== null) unsupportedParameter(param);
    checkEffort(spec, body.reasoning_effort, 'reasoning_effort');
  } else if (body.reasoning_effort !== undefined && body.reasoning_effort !== null) {
    invalid('Unrecognized request argument supplied: reasoning_effort');
  }
}

function checkTools(body: Record<string, any>): void {
  const hasTools = Array.isArray(body.tools) && body.tools.length > 0;
  if (body.tools !== undefined && body.tools !== null) {
    checkType(body.tools, 'array', 'tools');
    body.tools.forEach((tool: unknown, i: number) => checkTool(tool, i));
  }
  if (body.tool_choice !== undefined && body.tool_choice !== null) {
    if (!hasTools) invalid("Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.", 'tool_choice');
    const choice = body.tool_choice;
    if (typeof choice === 'string') {
      if (!['none', 'auto', 'required'].includes(choice)) invalidValue(choice, ['none', 'auto', 'required'], 'tool_choice');
    } else if (isObject(choice) && choice.type === 'function') {
      if (!isObject(choice.function)) missing('tool_choice.function');
      if (typeof choice.function.name !== 'string') missing('tool_choice.function.name');
    }
  }
  if (body.parallel_tool_calls !== undefined && body.parallel_tool_calls !== null && !hasTools) {
    invalid("Invalid value for 'parallel_tool_calls': 'parallel_tool_calls' is only allowed when 'tools' are specified.", 'parallel_tool_calls');
  }
}

function checkTool(tool: unknown, i: number): void {
  const at = `tools[${i}]`;
  if (!isObject(tool)) return invalidType(at, 'object', tool);
  if (tool.type === undefined) missing(`${at}.type`);
  if (tool.type === 'custom') return;
  if (tool.type !== 'function') invalidValue(tool.type, ['function', 'custom'], `${at}.type`);
  if (!isObject(tool.function)) missing(`${at}.function`);
  // Chat functions have no defer_loading (that is the Responses API's tool search) nor other extras.
  checkKeys(tool, ['type', 'function'], at);
  checkKeys(tool.function, ['name', 'description', 'parameters', 'strict'], `${at}.function`);
  if (tool.function.name === undefined) missing(`${at}.function.name`);
  checkFunctionName(tool.function.name, `${at}.function.name`);
  checkFunctionParameters(tool.function.name, tool.function.parameters, tool.function.strict === true, `${at}.function.parameters`);
}

function checkKeys(object: Record<string, unknown>, allowed: string[], at: string): void {
  const extra = Object.keys(object).find((key) => !allowed.includes(key));
  if (extra !== undefined) invalid(`Unknown parameter: '${at}.${extra}'.`, `${at}.${extra}`, 'unknown_parameter');
}

function checkMessage(message: unknown, i: number): void {
  const at = `messages[${i}]`;
  if (!isObject(message)) return invalidType(at, 'object', message);
  if (message.role === undefined) missing(`${at}.role`);
  if (!ROLES.includes(message.role)) invalidValue(message.role, ROLES, `${at}.role`);
  const hasToolCalls = message.role === 'assistant' && (message.tool_calls !== undefined || message.function_call !== undefined);
  checkContent(message.content, message.role, i, hasToolCalls);
  if (message.role === 'assistant' && message.tool_calls !== undefined && message.tool_calls !== null) checkToolCalls(message.tool_calls, i);
  if (message.role === 'tool') {
    if (message.tool_call_id === undefined) missing(`${at}.tool_call_id`);
    checkType(message.tool_call_id, 'string', `${at}.tool_call_id`);
  }
}

function checkContent(content: unknown, role: string, i: number, mayBeNull: boolean): void {
  const at = `messages[${i}].content`;
  if (content === undefined || content === null) {
    if (mayBeNull) return;
    return invalid("Invalid value for 'content': expected a string, got null.", `messages.[${i}].content`);
  }
  if (typeof content === 'string') return;
  if (!Array.isArray(content)) return invalidType(at, 'string', content);
  if (content.length === 0 && role === 'user') {
    invalid(`Invalid '${at}': empty array. Expected an array with minimum length 1, but got an empty array instead.`, at, 'empty_array');
  }
  content.forEach((part: unknown, j: number) => checkPart(part, role, i, `${at}[${j}]`));
}

function checkPart(part: unknown, role: string, i: number, at: string): void {
  if (!isObject(part)) return invalidType(at, 'object', part);
  if (part.type === undefined) missing(`${at}.type`);
  if (!PART_TYPES.includes(part.type)) invalidValue(part.type, PART_TYPES, `${at}.type`);
  if (part.type === 'image_url' && role !== 'user') {
    invalid(`Invalid 'messages[${i}]'. Image URLs are only allowed for messages with role 'user', but this message with role '${role}' contains an image URL.`, `messages[${i}]`, 'invalid_value');
  }
  if (!PARTS_BY_ROLE[role].includes(part.type)) invalidValue(part.type, PARTS_BY_ROLE[role], `${at}.type`);
  if (part.type === 'text') {
    if (part.text === undefined) missing(`${at}.text`);
    checkType(part.text, 'string', `${at}.text`);
  }
  if (part.type === 'file') {
    if (part.file === undefined) missing(`${at}.file`);
    checkType(part.file, 'object', `${at}.file`);
    const extra = Object.keys(part.file).find((key) => !['file_data', 'file_id', 'filename'].includes(key));
    if (extra !== undefined) invalid(`Unknown parameter: '${at}.file.${extra}'.`, `${at}.file.${extra}`, 'unknown_parameter');
    if (part.file.file_data === undefined && part.file.file_id === undefined) missing(`${at}.file.file_data`);
    if (part.file.file_data !== undefined) checkFileData(part.file.file_data, `${at}.file.file_data`);
  }
  if (part.type === 'image_url') {
    if (part.image_url === undefined) missing(`${at}.image_url`);
    checkType(part.image_url, 'object', `${at}.image_url`);
    if (part.image_url.url === undefined) missing(`${at}.image_url.url`);
    checkImageUrl(part.image_url.url, `${at}.image_url.url`, `Invalid image URL: '${at}.image_url.url'.`);
    const detail = part.image_url.detail;
    if (detail !== undefined && !['auto', 'low', 'high'].includes(detail)) invalidValue(detail, ['auto', 'low', 'high'], `${at}.image_url.detail`);
  }
}

function checkToolCalls(toolCalls: unknown, i: number): void {
  checkType(toolCalls, 'array', `messages[${i}].tool_calls`);
  (toolCalls as unknown[]).forEach((call, k) => {
    const at = `messages[${i}].tool_calls[${k}]`;
    if (!isObject(call)) return invalidType(at, 'object', call);
    if (call.id === undefined) missing(`${at}.id`);
    checkType(call.id, 'string', `${at}.id`);
    if (call.id.length > 40) tooLong(`${at}.id`, 40, call.id.length);
    if (call.type === undefined) missing(`${at}.type`);
    if (call.type !== 'function') invalidValue(call.type, ['function'], `${at}.type`);
    if (!isObject(call.function)) missing(`${at}.function`);
    if (call.function.name === undefined) missing(`${at}.function.name`);
    checkFunctionName(call.function.name, `${at}.function.name`);
    if (call.function.arguments === undefined) missing(`${at}.function.arguments`);
    checkType(call.function.arguments, 'string', `${at}.function.arguments`);
  });
}

/** Every assistant tool call must be answered by the tool messages that directly follow it, and only those. */
function checkToolCallPairing(messages: Record<string, any>[]): void {
  let open: { index: number; ids: string[]; answered: Set<string> } | null = null;
  const closeOpen = () => {
    if (!open) return;
    const unanswered = open.ids.filter((id) => !open!.answered.has(id));
    if (unanswered.length > 0) {
      invalid(
        `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${unanswered.join(', ')}`,
        `messages.[${open.index}].role`,
      );
    }
    open = null;
  };
  messages.forEach((message, i) => {
    if (message.role === 'tool') {
      if (!open || !open.ids.includes(message.tool_call_id)) {
        invalid("Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.", `messages.[${i}].role`);
      }
      open!.answered.add(message.tool_call_id);
      return;
    }
    closeOpen();
    if (message.role === 'assistant' && Array.isArray(message.tool_calls) && message.tool_calls.length > 0) {
      open = { index: i, ids: message.tool_calls.map((c: any) => c.id), answered: new Set() };
    }
  });
  closeOpen();
}
