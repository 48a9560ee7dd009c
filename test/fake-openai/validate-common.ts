// Checks shared by the Chat Completions and Responses validators.
import { invalid, invalidValue, modelNotFound, quoteList, tooLong } from './errors';
import type { ModelRegistry } from './models';
import type { ModelSpec } from './types';
import { isObject } from './util';

const NAME_PATTERN = /^[a-zA-Z0-9_-]+$/;

/** Function names: ^[a-zA-Z0-9_-]{1,64}$ */
export function checkFunctionName(name: unknown, param: string): void {
  if (typeof name !== 'string' || !NAME_PATTERN.test(name)) {
    invalid(`Invalid '${param}': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.`, param, 'invalid_value');
  }
  if ((name as string).length > 64) tooLong(param, 64, (name as string).length);
}

/** Function parameters must be a JSON Schema of type object; strict schemas must also close every object. */
export function checkFunctionParameters(name: string, schema: unknown, strict: boolean, param: string): void {
  if (schema === undefined || schema === null) return;
  const type = isObject(schema) ? schema.type : undefined;
  if (type !== 'object') {
    const got = type === undefined ? 'None' : String(type);
    invalid(`Invalid schema for function '${name}': schema must be a JSON Schema of 'type: "object"', got 'type: "${got}"'.`, param, 'invalid_function_parameters');
  }
  if (strict) checkStrictSchema(name, schema as Record<string, any>, [], param);
}

function checkStrictSchema(name: string, schema: Record<string, any>, path: string[], param: string): void {
  const context = `(${path.map((p) => `'${p}'`).join(', ')}${path.length === 1 ? ',' : ''})`;
  const bad = (what: string) => invalid(`Invalid schema for function '${name}': In context=${context}, ${what}`, param, 'invalid_function_parameters');
  if (schema.type === 'object' || isObject(schema.properties)) {
    if (schema.additionalProperties !== false) bad("'additionalProperties' is required to be supplied and to be false.");
    const keys = Object.keys(schema.properties ?? {});
    const required: unknown[] = Array.isArray(schema.required) ? schema.required : [];
    const absent = keys.find((k) => !required.includes(k));
    if (absent !== undefined) bad(`'required' is required to be supplied and to be an array including every key in properties. Missing '${absent}'.`);
    for (const key of keys) checkStrictSchema(name, schema.properties[key] ?? {}, [...path, 'properties', key], param);
  }
  if (isObject(schema.items)) checkStrictSchema(name, schema.items, [...path, 'items'], param);
  for (const combo of ['anyOf', 'allOf', 'oneOf']) {
    if (Array.isArray(schema[combo])) schema[combo].forEach((s: unknown, i: number) => isObject(s) && checkStrictSchema(name, s, [...path, combo, String(i)], param));
  }
}

const DATA_IMAGE = /^data:image\/(png|jpeg|jpg|gif|webp);base64,/i;

/** Image URLs must be http(s) or a base64 data URL with an image MIME type. */
export function checkImageUrl(url: unknown, param: string, label: string): void {
  if (typeof url !== 'string') return void invalid(`Invalid type for '${param}': expected a string, but got ${url === null ? 'null' : typeof url} instead.`, param, 'invalid_type');
  if (/^https?:\/\/[^\s]+$/i.test(url)) return;
  const example = "Expected a base64-encoded data URL with an image MIME type (e.g. 'data:image/png;base64,aW1nIGJ5dGVzIGhlcmU='),";
  if (!url.startsWith('data:')) invalid(`${label} ${example} but got a value without the 'data:' prefix.`, param, 'invalid_value');
  if (!DATA_IMAGE.test(url)) invalid(`${label} ${example} but got an unsupported MIME type or encoding.`, param, 'invalid_value');
  if (url.slice(url.indexOf(',') + 1).length === 0) invalid(`${label} ${example} but got empty base64-encoded bytes.`, param, 'invalid_value');
}

/** file_data is a base64 data URL of a PDF, as OpenAI's file-input guide sends it. */
export function checkFileData(data: unknown, param: string): void {
  if (typeof data !== 'string') return void invalid(`Invalid type for '${param}': expected a string, but got ${data === null ? 'null' : typeof data} instead.`, param, 'invalid_type');
  const example = "Expected a base64-encoded data URL with an application/pdf MIME type (e.g. 'data:application/pdf;base64,SGVsbG8sIFdvcmxkIQ=='),";
  if (!data.startsWith('data:')) invalid(`Invalid file data: '${param}'. ${example} but got a value without the 'data:' prefix.`, param, 'invalid_value');
  if (!/^data:application\/pdf;base64,[A-Za-z0-9+/]+=*$/.test(data)) invalid(`Invalid file data: '${param}'. ${example} but got an unsupported MIME type or encoding.`, param, 'invalid_value');
}

export function findModel(models: ModelRegistry, model: string): ModelSpec {
  return models.find(model) ?? modelNotFound(model);
}

/** Effort values: 'reasoning_effort' (chat) or 'reasoning.effort' (responses). */
export function checkEffort(spec: ModelSpec, effort: unknown, param: string): void {
  if (effort === undefined || effort === null) return;
  const all = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh'];
  if (typeof effort !== 'string' || !all.includes(effort)) invalidValue(effort, all, param);
  const supported = spec.efforts ?? all;
  if (!supported.includes(effort)) {
    invalid(`Unsupported value: '${param}' does not support '${effort}' with this model. Supported values are: ${quoteList(supported)}.`, param, 'unsupported_value');
  }
}

export function unsupportedParameter(param: string): never {
  return invalid(`Unsupported parameter: '${param}' is not supported with this model.`, param, 'unsupported_parameter');
}

export function onlyDefaultValue(param: string, value: unknown): never {
  return invalid(`Unsupported value: '${param}' does not support ${String(value)} with this model. Only the default (1) value is supported.`, param, 'unsupported_value');
}

/** temperature in [0, 2], top_p in [0, 1] (any model). */
export function checkSampling(body: Record<string, any>): void {
  for (const [param, max] of [['temperature', 2], ['top_p', 1]] as const) {
    const value = body[param];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'number') invalid(`Invalid type for '${param}': expected a decimal, but got ${typeof value} instead.`, param, 'invalid_type');
    if (value < 0) invalid(`Invalid '${param}': decimal below minimum value. Expected a value >= 0, but got ${value} instead.`, param, 'decimal_below_min_value');
    if (value > max) invalid(`Invalid '${param}': decimal above maximum value. Expected a value <= ${max}, but got ${value} instead.`, param, 'decimal_above_max_value');
  }
}
