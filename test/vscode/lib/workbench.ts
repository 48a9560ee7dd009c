// What a person does in the VS Code workbench, as Playwright steps: the command palette, the
// status bar, the terminal, notifications, the output panel. Every wait is bounded.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ARTIFACTS, sleep, waitFor } from './code-server';

const clean = (text: string) => text.replace(/\u00a0/g, ' ');

export async function waitForWorkbench(page: Page): Promise<void> {
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
  await page.locator('.statusbar').waitFor({ state: 'visible', timeout: 60_000 });
}

/** F1, type the command's title, check it is the one highlighted, Enter. */
export async function runCommand(page: Page, title: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('Escape');
    await page.keyboard.press('F1');
    try {
      await input.waitFor({ state: 'visible', timeout: 10_000 });
      break;
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
  await input.fill(`>${title}`);
  const focused = page.locator('.quick-input-list .monaco-list-row.focused');
  let label = '';
  try {
    await waitFor(`the command palette to offer "${title}"`, async () => {
      label = clean(await focused.first().innerText({ timeout: 2000 }).catch(() => ''));
      return label.split('\n').some((line) => line.trim().endsWith(title));
    }, 15_000);
  } catch (error) {
    throw new Error(`${(error as Error).message}; the palette highlights "${label.replace(/\n/g, ' | ')}"`, { cause: error });
  }
  await page.keyboard.press('Enter');
}

/** Answers an input box (the one a command opened) with `text`. */
export async function answerInputBox(page: Page, expectTitle: RegExp, text: string): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  await waitFor('the input box', async () => expectTitle.test(clean(await widget.innerText({ timeout: 2000 }).catch(() => ''))), 20_000);
  await page.locator('.quick-input-widget input').fill(text);
  await page.keyboard.press('Enter');
}

export async function statusBarItem(page: Page, contains: string): Promise<string> {
  const item = page.locator('.statusbar-item', { hasText: contains });
  return clean(await item.first().innerText({ timeout: 2000 }).catch(() => ''));
}

export async function waitForStatusBar(page: Page, pattern: RegExp, timeoutMs = 30_000): Promise<string> {
  let last = '';
  try {
    return await waitFor(`the status bar to match ${pattern}`, async () => {
      last = await statusBarItem(page, 'Claude Proxy');
      return pattern.test(last) ? last : '';
    }, timeoutMs);
  } catch (error) {
    throw new Error(`${(error as Error).message}; it shows "${last}"`, { cause: error });
  }
}

/** The text of the terminals on screen (xterm's DOM renderer: one div per row). */
export async function terminalText(page: Page): Promise<string> {
  const rows = await page.locator('.xterm-rows').allInnerTexts().catch(() => [] as string[]);
  return clean(rows.join('\n'));
}

export async function newTerminal(page: Page): Promise<void> {
  const before = await page.locator('.xterm').count();
  await runCommand(page, 'Terminal: Create New Terminal');
  await waitFor('a new terminal', async () => (await page.locator('.xterm').count()) > before, 20_000);
  // The shell prompt shows up once bash is ready for input.
  await waitFor('the shell prompt', async () => /[$#] *$/m.test(await terminalText(page)), 20_000);
  await sleep(300);
}

/** Types a command into the focused terminal and presses Enter. */
export async function typeInTerminal(page: Page, command: string): Promise<void> {
  await page.locator('.terminal-wrapper.active .xterm, .xterm').last().click();
  await page.keyboard.type(command, { delay: 5 });
  await page.keyboard.press('Enter');
}

export async function waitForTerminal(page: Page, pattern: RegExp, timeoutMs = 30_000): Promise<string> {
  let last = '';
  try {
    return await waitFor(`the terminal to show ${pattern}`, async () => {
      last = await terminalText(page);
      // Long lines wrap over several rows: also try the text with the rows joined.
      return pattern.test(last) || pattern.test(last.replace(/\n/g, '')) ? last : '';
    }, timeoutMs, 500);
  } catch (error) {
    throw new Error(`${(error as Error).message}\n--- terminal ---\n${last.split('\n').filter((line) => line.trim()).slice(-30).join('\n')}`, { cause: error });
  }
}

/** Notifications as toasts or, when the workbench shows no toast (it does not while the page
 *  lacks focus), in the notification center. */
export async function notificationsText(page: Page): Promise<string> {
  const items = await page.locator('.notification-toast, .notifications-center .notification-list-item').allInnerTexts().catch(() => [] as string[]);
  return clean(items.join('\n'));
}

export async function showNotificationCenter(page: Page): Promise<void> {
  if (await page.locator('.notifications-center.visible').count() === 0) await runCommand(page, 'Notifications: Show Notifications');
}

export async function waitForNotification(page: Page, pattern: RegExp, timeoutMs = 60_000): Promise<string> {
  let last = '';
  try {
    return await waitFor(`a notification matching ${pattern}`, async () => {
      // Again on every poll: a key press or a busy workbench can close the center.
      await showNotificationCenter(page);
      last = await notificationsText(page);
      return pattern.test(last) ? last : '';
    }, timeoutMs, 500);
  } catch (error) {
    throw new Error(`${(error as Error).message}; notifications: ${last}`, { cause: error });
  }
}

/** The visible lines of the output panel (Show Log opens it). */
export async function outputText(page: Page): Promise<string> {
  const lines = await page.locator('.output-view .view-lines, .panel .view-lines').allInnerTexts().catch(() => [] as string[]);
  return clean(lines.join('\n'));
}

export async function screenshot(page: Page, name: string): Promise<string> {
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** Every line of the output panel's editor: waits for `until` on screen, then pages from the top
 *  to the bottom, since the editor renders only the lines in view. */
export async function readOutputPanel(page: Page, until: RegExp, timeoutMs = 20_000): Promise<string> {
  await waitFor(`the output panel to show ${until}`, async () => until.test((await outputText(page)).replace(/\n/g, '')), timeoutMs, 500);
  const editor = page.locator('.output-view .monaco-editor, .panel .monaco-editor').first();
  await editor.click();
  await page.keyboard.press('Control+Home');
  const seen: string[] = [];
  for (let pageNo = 0; pageNo < 50; pageNo++) {
    await sleep(150);
    const lines = await page.locator('.output-view .view-line, .panel .view-line').evaluateAll((nodes) =>
      nodes.map((node) => ({ top: parseFloat((node as unknown as { style: { top: string } }).style.top) || 0, text: node.textContent ?? '' })));
    lines.sort((a, b) => a.top - b.top);
    const text = lines.map((line) => clean(line.text)).join('\n');
    seen.push(text);
    if (until.test(text.replace(/\n/g, ''))) break;
    await page.keyboard.press('PageDown');
  }
  return seen.join('\n');
}
