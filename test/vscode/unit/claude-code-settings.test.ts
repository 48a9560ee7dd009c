// The Claude Code extension's claudeCode.environmentVariables list, as the proxy edits it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pointsAtLocalProxy, withoutProxyVariables, withProxyVariables } from '../../../src/extension/claude-code-settings';

test('the proxy variables are set and a real Anthropic key blanked; the user\'s other entries stay', () => {
  const existing = [
    { name: 'HTTPS_PROXY', value: 'http://corp:8080' },
    { name: 'ANTHROPIC_API_KEY', value: 'sk-ant-real' },
    { name: 'ANTHROPIC_BASE_URL', value: 'http://127.0.0.1:4000' },
    { bogus: true },
  ];
  assert.deepEqual(withProxyVariables(existing, 'http://127.0.0.1:4100', 'cop-token'), [
    { name: 'HTTPS_PROXY', value: 'http://corp:8080' },
    { name: 'ANTHROPIC_BASE_URL', value: 'http://127.0.0.1:4100' },
    { name: 'ANTHROPIC_AUTH_TOKEN', value: 'cop-token' },
    { name: 'ANTHROPIC_API_KEY', value: '' },
  ]);
  assert.deepEqual(withProxyVariables(undefined, 'u', 't').map((v) => v.name), ['ANTHROPIC_BASE_URL', 'ANTHROPIC_AUTH_TOKEN', 'ANTHROPIC_API_KEY']);
});

test('removing takes out only the proxy variables', () => {
  const configured = withProxyVariables([{ name: 'FOO', value: '1' }], 'http://127.0.0.1:4000', 't');
  assert.deepEqual(withoutProxyVariables(configured), [{ name: 'FOO', value: '1' }]);
});

test('only a list pointing at a loopback proxy counts as configured (rotation updates only that)', () => {
  assert.ok(pointsAtLocalProxy(withProxyVariables([], 'http://127.0.0.1:4000', 't')));
  assert.ok(pointsAtLocalProxy([{ name: 'ANTHROPIC_BASE_URL', value: 'http://localhost:4000/' }]));
  assert.ok(!pointsAtLocalProxy([{ name: 'ANTHROPIC_BASE_URL', value: 'https://litellm.corp.example' }]));
  assert.ok(!pointsAtLocalProxy(undefined));
  assert.ok(!pointsAtLocalProxy([]));
});
