import assert from 'node:assert/strict';
import { test } from 'node:test';
import { messagesRequest } from '../../../src/proxy/anthropic/schema';
import { functionParameters } from '../../../src/proxy/openai/tools';
import { RepeatedPartsParser } from '../../../src/proxy/server/repeated-parts';
import { capturedMessageRequests } from '../../helpers/fixtures';

test('functionParameters: an object schema without combinators at the top, properties always present', () => {
  assert.deepEqual(functionParameters({ $schema: 'https://json-schema.org/draft/2020-12/schema', anyOf: [{}], properties: { a: { type: 'string' } } }),
    { properties: { a: { type: 'string' } }, type: 'object' });
  assert.deepEqual(functionParameters(undefined), { type: 'object', properties: {} });
});

test('functionParameters: a reused (frozen) schema gives the same parameters object each time, a fresh one a new object', () => {
  const parser = new RepeatedPartsParser();
  const [captured] = capturedMessageRequests().filter((request) => request.file.startsWith('01-'));
  const raw = Buffer.from(JSON.stringify(captured.body));
  parser.parse(raw, messagesRequest);
  const schema = parser.parse(raw, messagesRequest).tools![0].input_schema;
  assert.equal(functionParameters(schema), functionParameters(schema));
  const fresh = { type: 'object', properties: {} };
  assert.notEqual(functionParameters(fresh), functionParameters(fresh));
});
