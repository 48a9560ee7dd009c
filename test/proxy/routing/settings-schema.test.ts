// The VS Code settings editor validates claudeProxy.routes against package.json's JSON schema,
// which forbids unknown fields: every field the route parser accepts must be declared there, or
// a valid route (one with fallbacks, say) is flagged as an error in the user's settings.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseRouteTable, routeSchema } from '../../../src/proxy/routing/table';

const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8'));
const routeItem = manifest.contributes.configuration.properties['claudeProxy.routes'].items;

test('package.json declares every route field the route parser accepts, and no other', () => {
  assert.equal(routeItem.additionalProperties, false);
  assert.deepEqual(Object.keys(routeItem.properties).sort(), Object.keys(routeSchema.shape).sort());
});

test('fallbacks in the settings schema: a list of route names, as the parser takes them', () => {
  const fallbacks = routeItem.properties.fallbacks;
  assert.equal(fallbacks.type, 'array');
  assert.equal(fallbacks.items.type, 'string');
  assert.deepEqual(fallbacks.default, []);
  const table = parseRouteTable({ routes: [{ name: 'a', model: 'm', fallbacks: ['b'] }, { name: 'b', model: 'n' }] });
  assert.deepEqual(table.routes[0].fallbacks, ['b']);
});
