// `npm run runTest`: the same extension-host suite in VS Code desktop, downloaded by
// @vscode/test-electron. It cannot run on machines without that download (use
// `npm run test:vscode`, which runs the suite in code-server, there).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { ARTIFACTS, BASE_SETTINGS, ROOT, buildForTests, freePort } from './lib/code-server';

async function main(): Promise<void> {
  const { suite } = buildForTests();
  const root = mkdtempSync(join(tmpdir(), 'cop-electron-'));
  const userDataDir = join(root, 'user');
  const workspace = join(root, 'workspace');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(workspace, { recursive: true });
  const settingsFile = join(userDataDir, 'User', 'settings.json');
  writeFileSync(settingsFile, JSON.stringify({
    ...BASE_SETTINGS,
    'claudeProxy.port': await freePort(),
    'claudeProxy.openaiBaseUrl': `http://127.0.0.1:${await freePort()}/v1`,
  }, null, 2));
  // VS Code and its terminals inherit this: the terminal environment must blank it.
  process.env.ANTHROPIC_API_KEY = 'sk-ant-inherited-from-the-shell';
  mkdirSync(ARTIFACTS, { recursive: true });
  const code = await runTests({
    version: process.env.VSCODE_TEST_VERSION ?? 'stable',
    extensionDevelopmentPath: ROOT,
    extensionTestsPath: suite,
    launchArgs: [workspace, '--user-data-dir', userDataDir, '--extensions-dir', join(root, 'ext'), '--disable-workspace-trust', '--disable-extensions'],
    extensionTestsEnv: {
      CLAUDE_PROXY_SUITE_RESULTS: join(ARTIFACTS, 'electron-results.json'),
      CLAUDE_PROXY_TEST_USER_SETTINGS: settingsFile,
      ANTHROPIC_API_KEY: process.env.ANTHROPIC_API_KEY,
    },
  });
  process.exit(code);
}

main().catch((error) => {
  console.error(`runTest failed: ${(error as Error).message}`);
  process.exit(1);
});
