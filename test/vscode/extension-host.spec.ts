// Runs the extension-host mocha suite (test/vscode/suite) inside a real VS Code: code-server,
// opened in headless chromium with the `payload` URL that makes the workbench load the extension
// from this folder and call the suite's run(). Each mocha test is reported as a node:test subtest.
// Needs test/vscode/setup.sh first.   npm run test:vscode -- (or: node --import tsx --test test/vscode/extension-host.spec.ts)
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { SuiteResult } from './suite';
import { ARTIFACTS, ROOT, buildForTests, freePort, launchBrowser, missingPrerequisite, readJson, startCodeServer, waitFor } from './lib/code-server';

const SUITE_TIMEOUT_MS = 300_000;

test('the extension-host suite passes inside code-server', { timeout: SUITE_TIMEOUT_MS + 120_000 }, async (t) => {
  const missing = missingPrerequisite();
  assert.equal(missing, undefined, missing);
  const started = Date.now();
  const { suite } = buildForTests();
  mkdirSync(ARTIFACTS, { recursive: true });
  const resultsFile = join(ARTIFACTS, 'extension-host-results.json');
  rmSync(resultsFile, { force: true });

  const proxyPort = await freePort();
  // The suite puts a fake `claude` here; it is on the terminals' PATH as a user's would be.
  const fakeBin = mkdtempSync(join(tmpdir(), 'cop-fake-bin-'));
  const server = await startCodeServer({
    label: 'suite',
    settings: {
      'claudeProxy.port': proxyPort,
      // Nothing listens there: the suite points the proxy at its own fake OpenAI server.
      'claudeProxy.openaiBaseUrl': `http://127.0.0.1:${await freePort()}/v1`,
    },
    env: {
      CLAUDE_PROXY_SUITE_RESULTS: resultsFile,
      CLAUDE_PROXY_TEST_BIN: fakeBin,
      // A real Anthropic key in the user's shell, which the terminal environment must blank.
      ANTHROPIC_API_KEY: 'sk-ant-inherited-from-the-shell',
      ...(process.env.CLAUDE_PROXY_SUITE_GREP ? { CLAUDE_PROXY_SUITE_GREP: process.env.CLAUDE_PROXY_SUITE_GREP } : {}),
    },
    shellProfile: `export PATH="${fakeBin}:$PATH"`,
  });
  const browser = await launchBrowser();
  const console: string[] = [];
  try {
    const remote = (path: string) => `vscode-remote://127.0.0.1:${server.port}${path}`;
    const payload = JSON.stringify([['extensionDevelopmentPath', remote(ROOT)], ['extensionTestsPath', remote(suite)]]);
    let exitCode: number | undefined;
    await browser.page.exposeFunction('codeAutomationExit', (code: number) => { exitCode = code; });
    browser.page.on('console', (message) => console.push(message.text()));
    await browser.page.goto(`${server.url}/?folder=${encodeURIComponent(server.workspace)}&payload=${encodeURIComponent(payload)}`);
    await waitFor('the suite to finish (codeAutomationExit)', () => exitCode !== undefined, SUITE_TIMEOUT_MS, 500);
    await browser.page.screenshot({ path: join(ARTIFACTS, 'extension-host-suite.png') }).catch(() => undefined);

    const report = readJson<{ done: boolean; results: SuiteResult[]; info?: { vscodeVersion: string; activationMs: number } }>(resultsFile);
    assert.ok(report, `the suite wrote no results (exit code ${exitCode}). Browser console:\n${console.slice(-40).join('\n')}\ncode-server:\n${server.log().slice(-4000)}`);
    for (const result of report.results) {
      await t.test(result.title, { skip: result.state === 'pending' }, () => {
        if (result.state === 'failed') assert.fail(result.error);
      });
    }
    assert.ok(report.done, 'the suite did not finish');
    assert.ok(report.results.length > 0, 'the suite ran no test');
    assert.equal(exitCode, 0, `the extension host reported exit code ${exitCode}`);
    t.diagnostic(`VS Code ${report.info?.vscodeVersion}, activate() took ${report.info?.activationMs} ms`);
    t.diagnostic(`suite: ${report.results.length} tests in ${Math.round((Date.now() - started) / 1000)} s including the code-server start`);
  } finally {
    await browser.close();
    await server.stop();
    rmSync(fakeBin, { recursive: true, force: true });
  }
});
