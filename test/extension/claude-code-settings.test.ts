// The Claude Code extension's claudeCode.environmentVariables list, as the proxy edits it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pointsAtLocalProxy, withProxyVariables } from '../../src/extension/claude-code-settings';

test('the proxy variables are set and a real Anthropic key blanked; the user\'s other entries stay', () => {
  const existing = [
    { name: 'HTTPS_PROXY', value: 'http://corp:8080' },
    { name: 'ANTHROPIC_API_KEY', value: 'sk-ant-real' },
    { name: 'ANTHROPIC_BASE_URL', value: 'http://127.0.0.1:4000' },
    { bogus: true },
  ];
  assert.deepEqual(withProxyVariables(existing, { url: 'http://127.0.0.1:4100', token: 'cop-token', autoCompactWindow: 272000 }), [
    { name: 'HTTPS_PROXY', value: 'http://corp:8080' },
    { name: 'ANTHROPIC_BASE_URL', value: 'http://127.0.0.1:4100' },
    { name: 'ANTHROPIC_AUTH_TOKEN', value: 'cop-token' },
    { name: 'ANTHROPIC_API_KEY', value: '' },
    { name: 'CLAUDE_CODE_AUTO_COMPACT_WINDOW', value: '272000' },
    { name: 'CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY', value: '1' },
  ]);
  assert.deepEqual(withProxyVariables(undefined, { url: 'u', token: 't' }).map((v) => v.name),
    ['ANTHROPIC_BASE_URL', 'ANTHROPIC_AUTH_TOKEN', 'ANTHROPIC_API_KEY', 'CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY'], 'no window known: none set');
});

test('a compaction window written before is replaced, not doubled', () => {
  const before = withProxyVariables([], { url: 'http://127.0.0.1:4000', token: 't', autoCompactWindow: 272000 });
  const after = withProxyVariables(before, { url: 'http://127.0.0.1:4000', token: 't', autoCompactWindow: 111616 });
  assert.deepEqual(after.filter((v) => v.name === 'CLAUDE_CODE_AUTO_COMPACT_WINDOW'), [{ name: 'CLAUDE_CODE_AUTO_COMPACT_WINDOW', value: '111616' }]);
});

test('only a list pointing at a loopback proxy counts as configured (rotation updates only that)', () => {
  assert.ok(pointsAtLocalProxy(withProxyVariables([], { url: 'http://127.0.0.1:4000', token: 't' })));
  assert.ok(pointsAtLocalProxy([{ name: 'ANTHROPIC_BASE_URL', value: 'http://localhost:4000/' }]));
  assert.ok(!pointsAtLocalProxy([{ name: 'ANTHROPIC_BASE_URL', value: 'https://litellm.corp.example' }]));
  assert.ok(!pointsAtLocalProxy(undefined));
  assert.ok(!pointsAtLocalProxy([]));
});
