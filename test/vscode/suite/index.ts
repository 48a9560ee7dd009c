// The extension-host test entry, as @vscode/test-electron (and code-server's `payload` URL) call
// it: `run()` runs the mocha suite inside the extension host and rejects when a test fails. It
// also writes the results as JSON, because the browser console garbles mocha's output.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Mocha from 'mocha';

export interface SuiteResult {
  title: string;
  state: 'passed' | 'failed' | 'pending';
  ms?: number;
  error?: string;
}

export async function run(): Promise<void> {
  const resultsFile = process.env.CLAUDE_PROXY_SUITE_RESULTS ?? join(__dirname, 'results.json');
  const results: SuiteResult[] = [];
  const save = (done: boolean) => {
    mkdirSync(dirname(resultsFile), { recursive: true });
    writeFileSync(resultsFile, JSON.stringify({ done, results, info: (globalThis as { suiteInfo?: unknown }).suiteInfo }, null, 2));
  };
  save(false);
  const mocha = new Mocha({ ui: 'bdd', timeout: 90_000, color: false, reporter: 'spec', grep: process.env.CLAUDE_PROXY_SUITE_GREP });
  mocha.suite.emit('pre-require', globalThis, 'extension-host-suite', mocha);
  await import('./extension.suite');
  await import('./dashboard.suite');
  await import('./providers.suite');
  await new Promise<void>((resolve, reject) => {
    const runner = mocha.run((failures) => {
      save(true);
      if (failures > 0) reject(new Error(`${failures} extension-host test(s) failed`));
      else resolve();
    });
    runner.on('pass', (test) => {
      results.push({ title: test.fullTitle(), state: 'passed', ms: test.duration });
      save(false);
    });
    runner.on('fail', (test, error: Error) => {
      results.push({ title: test.fullTitle(), state: 'failed', ms: test.duration, error: error?.stack ?? String(error) });
      save(false);
    });
    runner.on('pending', (test) => {
      results.push({ title: test.fullTitle(), state: 'pending' });
    });
  });
}
