// POST /v1/responses: reject what OpenAI rejects, with OpenAI's wording.
import { belowMin, checkType, fail, invalid, invalidType, invalidValue, missing, tooLong } from './errors';
import type { ModelRegistry } from './models';
import type { ModelSpec } from './types';
import { isObject } from './util';
import { checkEffort, checkFileData, checkFunctionName, checkFunctionParameters, checkImageUrl, checkSampling, findModel, unsupportedParameter } from './validate-common';

/** Every top-level parameter of the Responses API. */
export const RESPONSES_PARAMS = new Set([
  'background', 'context_management', 'conversation', 'include', 'input', 'instructions', 'max_output_tokens',
  'max_tool_calls', 'metadata', 'model', 'moderation', 'parallel_tool_calls', 'previous_response_id', 'prompt',
  'prompt_cache_key', 'prompt_cache_options', 'prompt_cache_retention', 'reasoning', 'safety_identifier',
  'service_tier', 'store', 'stream', 'stream_options', 'temperature', 'text', 'tool_choice', 'tools', 'top_logprobs',
  'top_p', 'truncation', 'user',
]);

/** Chat Completions parameters that have another name here. */
const MOVED: Record<string, string> = {
  messages: 'input',
  max_tokens: 'max_output_tokens',
  max_completion_tokens: 'max_output_tokens',
  response_format: 'text.format',
  reasoning_effort: 'reasoning.effort',
};

export const INCLUDABLES = [
  'file_search_call.results', 'web_search_call.results', 'web_search_call.action.sources', 'message.input_image.image_url',
  'computer_call_output.output.image_url', 'code_interpreter_call.outputs', 'reasoning.encrypted_content', 'message.output_text.logprobs',
];

const ITEM_TYPES = [
  'message', 'file_search_call', 'computer_call', 'computer_call_output', 'web_search_call', 'function_call',
  'function_call_output', 'reasoning', 'image_generation_call', 'code_interpreter_call', 'local_shell_call',
  'local_shell_call_output', 'shell_call', 'shell_call_output', 'apply_patch_call', 'apply_patch_call_output',
  'mcp_list_tools', 'mcp_approval_request', 'mcp_approval_response', 'mcp_call', 'custom_tool_call',
  'custom_tool_call_output', 'item_reference', 'compaction',
];
const CONTENT_TYPES = ['input_text', 'input_image', 'output_text', 'refusal', 'input_file', 'computer_screenshot', 'summary_text'];
const TOOL_TYPES = [
  'function', 'file_search', 'computer_use_preview', 'web_search', 'web_search_preview', 'mcp', 'code_interpreter',
  'image_generation', 'local_shell', 'shell', 'custom', 'apply_patch',
];

/** What the fake remembers between calls. */
export interface ResponsesMemory {
  /** encrypted_content values this fake issued */
  encrypted: Set<string>;
  /** ids of responses (and their output items) created with store: true */
  responses: Set<string>;
  items: Set<string>;
}

export interface ResponsesRequestInfo {
  spec: ModelSpec;
  stream: boolean;
  store: boolean;
  includeEncrypted: boolean;
  summaryRequested: boolean;
  /** the request gives the model the hosted web_search tool */
  webSearch: boolean;
  /** include has web_search_call.action.sources */
  includeSources: boolean;
  maxToolCalls: number | undefined;
}

export function validateResponses(body: unknown, models: ModelRegistry, memory: ResponsesMemory): ResponsesRequestInfo {
  if (!isObject(body)) return invalidType('body', 'object', body);
  for (const key of Object.keys(body)) {
    if (RESPONSES_PARAMS.has(key)) continue;
    if (MOVED[key]) {
      invalid(
        `Unsupported parameter: '${key}'. In the Responses API, this parameter has moved to '${MOVED[key]}'. Try again with the new parameter. See the API documentation for more information: https://platform.openai.com/docs/api-reference/responses/create.`,
        key,
        'unsupported_parameter',
      );
    }
    invalid(`Unknown parameter: '${key}'.`, key, 'unknown_parameter');
  }
  if (body.model === undefined || body.model === null) missing('model');
  checkType(body.model, 'string', 'model');
  const spec = findModel(models, body.model);

  const store = body.store !== false;
  const include: string[] = body.include ?? [];
  checkType(include, 'array', 'include');
  include.forEach((value, i) => INCLUDABLES.includes(value) || invalidValue(value, INCLUDABLES, `include[${i}]`));
  const includeEncrypted = include.includes('reasoning.encrypted_content');

  checkModelParameters(body, spec, includeEncrypted);
  if (includeEncrypted && store) {
    // House rule, stricter than OpenAI (which accepts this): the proxy must use the stateless flow.
    invalid(
      "Fake OpenAI: include ['reasoning.encrypted_content'] is only used for the stateless flow, send it with store: false (with store not false OpenAI keeps the conversation).",
      'store',
      'invalid_value',
    );
  }
  if (body.previous_response_id !== undefined && body.previous_response_id !== null && !memory.responses.has(body.previous_response_id)) {
    fail(404, `Previous response with id '${body.previous_response_id}' not found.`, 'previous_response_id', 'previous_response_not_found');
  }
  checkTools(body);
  const webSearch = checkWebSearch(body, spec);
  if (body.instructions !== undefined && body.instructions !== null) checkType(body.instructions, 'string', 'instructions');
  if (Array.isArray(body.input)) {
    body.input.forEach((item: unknown, i: number) => checkItem(item, i));
    checkItemOrder(body.input, store, memory);
  } else if (body.input !== undefined) {
    checkType(body.input, 'string', 'input');
  }
  const summary = body.reasoning?.summary ?? body.reasoning?.generate_summary;
  return {
    spec, stream: body.stream === true, store, includeEncrypted, summaryRequested: summary !== undefined && summary !== null,
    webSearch, includeSources: include.includes('web_search_call.action.sources'), maxToolCalls: body.max_tool_calls ?? undefined,
  };
}

const WEB_SEARCH_KEYS = ['type', 'filters', 'search_context_size', 'user_location', 'external_web_access'];
const LOCATION_KEYS = ['type', 'city', 'country', 'region', 'timezone'];

/** The hosted web_search tool: its parameters, the models that have it, the efforts it runs at. */
function checkWebSearch(body: Record<string, any>, spec: ModelSpec): boolean {
  if (body.max_tool_calls !== undefined && body.max_tool_calls !== null) {
    checkType(body.max_tool_calls, 'integer', 'max_tool_calls');
    if (body.max_tool_calls < 1) belowMin('max_tool_calls', 1, body.max_tool_calls);
  }
  const at = Array.isArray(body.tools) ? body.tools.findIndex((tool: any) => isObject(tool) && tool.type === 'web_search') : -1;
  if (at === -1) return false;
  const tool = body.tools[at];
  const where = `tools[${at}]`;
  checkKeys(tool, WEB_SEARCH_KEYS, where);
  if (tool.filters !== undefined && tool.filters !== null) {
    checkType(tool.filters, 'object', `${where}.filters`);
    checkKeys(tool.filters, ['allowed_domains'], `${where}.filters`);
    const domains = tool.filters.allowed_domains;
    if (domains !== undefined && domains !== null) {
      checkType(domains, 'array', `${where}.filters.allowed_domains`);
      domains.forEach((domain: unknown, i: number) => checkType(domain, 'string', `${where}.filters.allowed_domains[${i}]`));
    }
  }
  if (tool.search_context_size !== undefined && !['low', 'medium', 'high'].includes(tool.search_context_size)) {
    invalidValue(tool.search_context_size, ['low', 'medium', 'high'], `${where}.search_context_size`);
  }
  const location = tool.user_location;
  if (location !== undefined && location !== null) {
    checkType(location, 'object', `${where}.user_location`);
    checkKeys(location, LOCATION_KEYS, `${where}.user_location`);
    if (location.type !== undefined && location.type !== 'approximate') invalidValue(location.type, ['approximate'], `${where}.user_location.type`);
    for (const key of LOCATION_KEYS.slice(1)) if (location[key] !== undefined && location[key] !== null) checkType(location[key], 'string', `${where}.user_location.${key}`);
  }
  if (spec.webSearch === false) invalid(`Hosted tool 'web_search' is not supported with ${spec.snapshot}.`, 'tools');
  if (spec.reasoning && (body.reasoning?.effort ?? 'medium') === 'minimal') {
    invalid("The following tools cannot be used with reasoning.effort 'minimal': web_search.", 'tools');
  }
  return true;
}

function checkModelParameters(body: Record<string, any>, spec: ModelSpec, includeEncrypted: boolean): void {
  if (body.stream !== undefined && body.stream !== null) checkType(body.stream, 'boolean', 'stream');
  if (body.stream_options !== undefined && body.stream_options !== null && body.stream !== true) {
    invalid("The 'stream_options' parameter is only allowed when 'stream' is enabled.", 'stream_options');
  }
  if (body.max_output_tokens !== undefined && body.max_output_tokens !== null) {
    checkType(body.max_output_tokens, 'integer', 'max_output_tokens');
    if (body.max_output_tokens < 16) belowMin('max_output_tokens', 16, body.max_output_tokens);
  }
  checkSampling(body);
  const reasoning = body.reasoning;
  if (reasoning !== undefined && reasoning !== null) {
    checkType(reasoning, 'object', 'reasoning');
    for (const key of Object.keys(reasoning)) {
      if (!['effort', 'summary', 'generate_summary'].includes(key)) invalid(`Unknown parameter: 'reasoning.${key}'.`, `reasoning.${key}`, 'unknown_parameter');
    }
  }
  if (spec.reasoning) {
    for (const param of ['temperature', 'top_p']) {
      if (body[param] !== undefined && body[param] !== null && body[param] !== 1) {
        invalid(`Unsupported parameter: '${param}' is not supported with this model.`, param);
      }
    }
    checkEffort(spec, reasoning?.effort, 'reasoning.effort');
    const summary = reasoning?.summary;
    if (summary !== undefined && summary !== null && !['auto', 'concise', 'detailed'].includes(summary)) {
      invalidValue(summary, ['auto', 'concise', 'detailed'], 'reasoning.summary');
    }
  } else {
    for (const key of ['effort', 'summary', 'generate_summary']) {
      if (reasoning?.[key] !== undefined && reasoning?.[key] !== null) unsupportedParameter(`reasoning.${key}`);
    }
    if (includeEncrypted) invalid('Encrypted content is not supported with this model.', 'include', 'unsupported_parameter');
  }
}

function checkTools(body: Record<string, any>): void {
  if (body.tools !== undefined && body.tools !== null) {
    checkType(body.tools, 'array', 'tools');
    body.tools.forEach((tool: unknown, i: number) => {
      const at = `tools[${i}]`;
      if (!isObject(tool)) return invalidType(at, 'object', tool);
      if (tool.type === undefined) missing(`${at}.type`);
      if (!TOOL_TYPES.includes(tool.type)) invalidValue(tool.type, TOOL_TYPES, `${at}.type`);
      if (tool.type !== 'function') return;
      if (tool.name === undefined) missing(`${at}.name`);
      checkKeys(tool, ['type', 'name', 'description', 'parameters', 'strict', 'defer_loading', 'allowed_callers', 'output_schema'], at);
      checkFunctionName(tool.name, `${at}.name`);
      checkFunctionParameters(tool.name, tool.parameters, tool.strict === true, `${at}.parameters`);
    });
    // A deferred function needs OpenAI's own tool_search tool (gpt-5.4 and later), which this fake does not model.
    if (body.tools.some((tool: any) => isObject(tool) && tool.defer_loading === true)) {
      invalid("Invalid Value: 'tools.defer_loading'. Deferred tools require tools.tool_search.", 'tools', 'invalid_value');
    }
  }
  const choice = body.tool_choice;
  if (isObject(choice) && choice.type === 'function' && typeof choice.name !== 'string') missing('tool_choice.name');
  if (typeof choice === 'string' && !['none', 'auto', 'required'].includes(choice)) invalidValue(choice, ['none', 'auto', 'required'], 'tool_choice');
}

function checkKeys(object: Record<string, unknown>, allowed: string[], at: string): void {
  const extra = Object.keys(object).find((k) => !allowed.includes(k));
  if (extra !== undefined) invalid(`Unknown parameter: '${at}.${extra}'.`, `${at}.${extra}`, 'unknown_parameter');
}

function checkItem(item: unknown, i: number): void {
  const at = `input[${i}]`;
  if (!isObject(item)) return invalidType(at, 'object', item);
  const type = item.type ?? (item.role !== undefined ? 'message' : undefined);
  if (type === undefined) missing(`${at}.type`);
  if (!ITEM_TYPES.includes(type)) invalidValue(type, ITEM_TYPES, `${at}.type`);
  if (type === 'message') checkMessageItem(item, at);
  if (type === 'function_call') {
    checkKeys(item, ['type', 'id', 'call_id', 'name', 'arguments', 'status', 'namespace', 'caller'], at);
    checkCallId(item.call_id, `${at}.call_id`);
    if (item.name === undefined) missing(`${at}.name`);
    checkFunctionName(item.name, `${at}.name`);
    if (item.arguments === undefined) missing(`${at}.arguments`);
    checkType(item.arguments, 'string', `${at}.arguments`);
  }
  if (type === 'function_call_output') {
    checkKeys(item, ['type', 'id', 'call_id', 'output', 'status', 'caller'], at);
    checkCallId(item.call_id, `${at}.call_id`);
    if (item.output === undefined) missing(`${at}.output`);
    if (Array.isArray(item.output)) item.output.forEach((part: unknown, j: number) => checkPart(part, ['input_text', 'input_image', 'input_file'], `${at}.output[${j}]`));
    else checkType(item.output, 'string', `${at}.output`);
  }
  if (type === 'reasoning') {
    checkKeys(item, ['type', 'id', 'summary', 'encrypted_content', 'content', 'status'], at);
    if (item.summary === undefined) missing(`${at}.summary`);
    checkType(item.summary, 'array', `${at}.summary`);
    item.summary.forEach((part: unknown, j: number) => checkPart(part, ['summary_text'], `${at}.summary[${j}]`));
  }
  if (type === 'item_reference' && typeof item.id !== 'string') missing(`${at}.id`);
}

function checkCallId(callId: unknown, param: string): void {
  if (callId === undefined) missing(param);
  checkType(callId, 'string', param);
  if ((callId as string).length > 64) tooLong(param, 64, (callId as string).length);
}

function checkMessageItem(item: Record<string, any>, at: string): void {
  checkKeys(item, ['type', 'role', 'content', 'id', 'status', 'phase'], at);
  const roles = ['assistant', 'system', 'developer', 'user'];
  if (item.role === undefined) missing(`${at}.role`);
  if (!roles.includes(item.role)) invalidValue(item.role, roles, `${at}.role`);
  if (item.content === undefined) missing(`${at}.content`);
  if (typeof item.content === 'string') return;
  checkType(item.content, 'array', `${at}.content`);
  const allowed = item.role === 'assistant' ? ['output_text', 'refusal'] : ['input_text', 'input_image', 'input_file'];
  item.content.forEach((part: unknown, j: number) => checkPart(part, allowed, `${at}.content[${j}]`));
}

const PART_KEYS: Record<string, string[]> = {
  input_text: ['type', 'text', 'prompt_cache_breakpoint'],
  output_text: ['type', 'text', 'annotations', 'logprobs'],
  summary_text: ['type', 'text'],
  refusal: ['type', 'refusal'],
  input_image: ['type', 'image_url', 'file_id', 'detail', 'prompt_cache_breakpoint'],
  input_file: ['type', 'file_data', 'file_id', 'file_url', 'filename', 'detail', 'prompt_cache_breakpoint'],
};

function checkPart(part: unknown, allowed: string[], at: string): void {
  if (!isObject(part)) return invalidType(at, 'object', part);
  if (part.type === undefined) missing(`${at}.type`);
  if (!CONTENT_TYPES.includes(part.type)) invalidValue(part.type, CONTENT_TYPES, at);
  if (!allowed.includes(part.type)) invalidValue(part.type, allowed, at);
  if (PART_KEYS[part.type]) checkKeys(part, PART_KEYS[part.type], at);
  if (['input_text', 'output_text', 'summary_text'].includes(part.type)) {
    if (part.text === undefined) missing(`${at}.text`);
    checkType(part.text, 'string', `${at}.text`);
  }
  if (part.type === 'input_file') {
    if (part.file_data === undefined && part.file_id === undefined && part.file_url === undefined) missing(`${at}.file_data`);
    if (part.file_data !== undefined) checkFileData(part.file_data, `${at}.file_data`);
    if (part.file_url !== undefined && !(typeof part.file_url === 'string' && /^https?:\/\/\S+$/i.test(part.file_url))) {
      invalid(`Invalid '${at}.file_url': expected an http(s) URL.`, `${at}.file_url`, 'invalid_value');
    }
  }
  if (part.type === 'input_image') {
    if (part.image_url === undefined && part.file_id === undefined) missing(`${at}.image_url`);
    if (part.image_url !== undefined) checkImageUrl(part.image_url, `${at}.image_url`, `Invalid '${at}.image_url'.`);
    if (part.detail !== undefined && !['auto', 'low', 'high', 'original'].includes(part.detail)) {
      invalidValue(part.detail, ['auto', 'low', 'high', 'original'], `${at}.detail`);
    }
  }
}

/** Tool outputs must answer earlier calls, every call needs its output, reasoning must be replayable. */
function checkItemOrder(input: Record<string, any>[], store: boolean, memory: ResponsesMemory): void {
  const itemType = (item: Record<string, any>) => item.type ?? 'message';
  const calls: string[] = [];
  const answered = new Set<string>();
  input.forEach((item, i) => {
    const type = itemType(item);
    if (type === 'function_call') calls.push(item.call_id);
    if (type === 'function_call_output') {
      if (!calls.includes(item.call_id)) invalid(`No tool call found for function call output with call_id ${item.call_id}.`, 'input');
      answered.add(item.call_id);
    }
    if (type === 'reasoning') {
      checkReasoningItem(item, i, store, memory);
      const next = input.slice(i + 1).find((later) => itemType(later) !== 'reasoning');
      const follows = next && (itemType(next) === 'function_call' || (itemType(next) === 'message' && next.role === 'assistant'));
      if (!follows) invalid(`Item '${item.id ?? `input[${i}]`}' of type 'reasoning' was provided without its required following item.`, 'input');
    }
  });
  const unanswered = calls.find((id) => !answered.has(id));
  if (unanswered !== undefined) invalid(`No tool output found for function call ${unanswered}.`, 'input');
}

function checkReasoningItem(item: Record<string, any>, i: number, store: boolean, memory: ResponsesMemory): void {
  const content = item.encrypted_content;
  if (content === undefined || content === null) {
    if (store && memory.items.has(item.id)) return;
    const hint = store ? '' : ' Items are not persisted when `store` is set to false. Try again with `store` set to true, or remove this item from your input.';
    fail(404, `Item with id '${item.id ?? `input[${i}]`}' not found.${hint}`, 'input');
  }
  checkType(content, 'string', `input[${i}].encrypted_content`);
  if (!memory.encrypted.has(content)) {
    const shown = content.length > 8 ? `${content.slice(0, 4)}...${content.slice(-4)}` : content;
    invalid(`The encrypted content ${shown} could not be verified.`, null, 'invalid_encrypted_content');
  }
}
