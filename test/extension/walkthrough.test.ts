// The walkthrough (package.json contributes.walkthroughs): each step's buttons and completion
// events name commands this extension contributes, and its media ships in the VSIX.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const ROOT = join(__dirname, '..', '..');
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const contributed = new Set<string>(manifest.contributes.commands.map((command: { command: string }) => command.command));

interface Step { id: string; title: string; description: string; media: { markdown?: string }; completionEvents: string[] }
const [walkthrough] = manifest.contributes.walkthroughs as { id: string; steps: Step[] }[];

test('the walkthrough goes from a key or a local server to the self-tests and a Claude terminal', () => {
  assert.equal(walkthrough.id, 'gettingStarted');
  assert.deepEqual(walkthrough.steps.map((step) => step.id), ['connect', 'selfTests', 'terminal', 'dashboard']);
  const completions = Object.fromEntries(walkthrough.steps.map((step) => [step.id, step.completionEvents]));
  assert.deepEqual(completions.connect, ['onCommand:claudeProxy.setOpenAIKey', 'onCommand:claudeProxy.useLocalServer', 'onCommand:claudeProxy.setProviderKey']);
  assert.deepEqual(completions.selfTests, ['onCommand:claudeProxy.runSelfTests']);
  assert.deepEqual(completions.terminal, ['onCommand:claudeProxy.openTerminal']);
});

test('every step: its completion events and buttons run contributed commands, and each button completes its step', () => {
  for (const step of walkthrough.steps) {
    const completes = step.completionEvents.map((event) => {
      assert.match(event, /^onCommand:/, `${step.id}: ${event}`);
      return event.slice('onCommand:'.length);
    });
    for (const command of completes) assert.ok(contributed.has(command), `${step.id}: ${command} is not a contributed command`);
    // A line holding only a link is a button.
    const buttons = [...step.description.matchAll(/^\[[^\]]+\]\(command:([\w.]+)\)$/gm)].map((match) => match[1]);
    assert.ok(buttons.length > 0, `${step.id} has a button`);
    for (const command of buttons) {
      assert.ok(contributed.has(command), `${step.id}: button ${command}`);
      assert.ok(completes.includes(command), `${step.id}: the button ${command} completes the step`);
    }
  }
});

test('each step\'s media exists and is packaged', () => {
  const ignore = readFileSync(join(ROOT, '.vscodeignore'), 'utf8');
  assert.match(ignore, /^!media\/walkthrough\/\*\*$/m);
  for (const step of walkthrough.steps) {
    const media = step.media.markdown ?? '';
    assert.ok(media.startsWith('media/walkthrough/'), step.id);
    assert.ok(existsSync(join(ROOT, media)), `${media} exists`);
  }
});
