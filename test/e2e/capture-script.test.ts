// `npm run capture` (scripts/capture-claude-code.mjs): the installed Claude Code CLI against a
// logging server, its requests written in the fixtures' format.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { projectRoot } from '../helpers/processes';

const read = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

test('npm run capture writes fresh captures of every scenario, in the fixtures\' format, with test tokens', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'claude-captures-'));
  try {
    const run = spawnSync(process.execPath, ['scripts/capture-claude-code.mjs', outdir, '--timeout-ms=60000'], { cwd: projectRoot, encoding: 'utf8', timeout: 150000 });
    assert.equal(run.status, 0, run.stdout + run.stderr);
    const version = read(join(projectRoot, 'node_modules', '@anthropic-ai', 'claude-code', 'package.json')).version;
    assert.match(run.stdout, new RegExp(`Claude Code ${version.replace(/\./g, '\\.')}: captures in`));

    const files = readdirSync(outdir).sort();
    const fixtureKeys = Object.keys(read(join(projectRoot, 'test', 'fixtures', 'claude-code', '13-p-model-sonnet-5-5.json'))).sort();
    for (const file of files) {
      const text = readFileSync(join(outdir, file), 'utf8');
      const capture = JSON.parse(text);
      assert.deepEqual(Object.keys(capture).sort(), fixtureKeys, file);
      assert.equal(capture._claude_code_version, version);
      assert.match(capture.url, /^\//);
      if (capture.body !== null) assert.equal(String(capture.body_bytes), capture.headers['content-length'], file);
      assert.equal(capture.headers.authorization, 'Bearer test-token', file);
      assert.doesNotMatch(text, /capture-[0-9a-f]{24}/, `${file} holds the CLI's real token`);
    }
    const scenario = (name: string) => files.filter((file) => file.startsWith(`${name}-`)).map((file) => read(join(outdir, file)));
    const hello = scenario('hello');
    assert.ok(hello.some((capture) => capture.method === 'POST' && capture.url.startsWith('/v1/messages') && capture.body.stream === true));
    assert.ok(scenario('haiku').some((capture) => /haiku/.test(capture.body?.model)));
    // The second call of the round trip carries the output of the command the CLI ran.
    const results = scenario('bash').flatMap((capture) => capture.body?.messages ?? []).flatMap((message: any) => Array.isArray(message.content) ? message.content : []).filter((block: any) => block.type === 'tool_result');
    assert.ok(results.some((block: any) => JSON.stringify(block.content).includes('captured')), 'no tool_result with the command\'s output');
    assert.ok(scenario('count-tokens').some((capture) => capture.url.startsWith('/v1/messages/count_tokens')));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
});
