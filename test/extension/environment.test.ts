// The terminal variables and the Export Environment lines for each shell.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { claudeEnvironment, exportLines } from '../../src/extension/environment';

const vars = claudeEnvironment({ url: 'http://127.0.0.1:4000', token: 'cop-abc_DEF-123' });

test('the terminal gets the base URL and the token, a blank ANTHROPIC_API_KEY, and model discovery', () => {
  assert.deepEqual(vars, {
    ANTHROPIC_BASE_URL: 'http://127.0.0.1:4000', ANTHROPIC_AUTH_TOKEN: 'cop-abc_DEF-123', ANTHROPIC_API_KEY: '', CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY: '1',
  });
});

test('the routes\' smallest input window becomes CLAUDE_CODE_AUTO_COMPACT_WINDOW', () => {
  const withWindow = claudeEnvironment({ url: 'http://127.0.0.1:4000', token: 't', autoCompactWindow: 272000 });
  assert.equal(withWindow.CLAUDE_CODE_AUTO_COMPACT_WINDOW, '272000');
});

test('bash / zsh lines export the two variables and unset the Anthropic key, and bash runs them', () => {
  const text = exportLines('bash / zsh', vars);
  assert.equal(text, 'export ANTHROPIC_BASE_URL=http://127.0.0.1:4000\nexport ANTHROPIC_AUTH_TOKEN=cop-abc_DEF-123\nunset ANTHROPIC_API_KEY\n'
    + 'export CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY=1\n');
  const out = execFileSync('bash', ['-c', `${text}echo "$ANTHROPIC_BASE_URL|$ANTHROPIC_AUTH_TOKEN|\${ANTHROPIC_API_KEY-unset}"`], {
    env: { PATH: process.env.PATH, ANTHROPIC_API_KEY: 'sk-ant-real' }, encoding: 'utf8',
  });
  assert.equal(out.trim(), 'http://127.0.0.1:4000|cop-abc_DEF-123|unset');
});

test('values with shell characters are quoted', () => {
  const text = exportLines('bash / zsh', { A: "it's $HOME" });
  const out = execFileSync('bash', ['-c', `${text}printf %s "$A"`], { env: { PATH: process.env.PATH }, encoding: 'utf8' });
  assert.equal(out, "it's $HOME");
});

test('fish, PowerShell and cmd lines', () => {
  assert.equal(exportLines('fish', vars), 'set -gx ANTHROPIC_BASE_URL http://127.0.0.1:4000\nset -gx ANTHROPIC_AUTH_TOKEN cop-abc_DEF-123\nset -e ANTHROPIC_API_KEY\n'
    + 'set -gx CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY 1\n');
  assert.equal(exportLines('PowerShell', vars),
    "$env:ANTHROPIC_BASE_URL = 'http://127.0.0.1:4000'\n$env:ANTHROPIC_AUTH_TOKEN = 'cop-abc_DEF-123'\nRemove-Item Env:ANTHROPIC_API_KEY -ErrorAction SilentlyContinue\n"
    + "$env:CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY = '1'\n");
  assert.equal(exportLines('cmd', vars), 'set ANTHROPIC_BASE_URL=http://127.0.0.1:4000\nset ANTHROPIC_AUTH_TOKEN=cop-abc_DEF-123\nset ANTHROPIC_API_KEY=\n'
    + 'set CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY=1\n');
});
