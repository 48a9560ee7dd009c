// Playwright helpers for the dashboard webview: it lives in two nested iframes inside the
// workbench (VS Code's webview host frame, then the page's own `active-frame`).
import type { FrameLocator, Page } from 'playwright-core';
import { waitFor } from './code-server';
import { runCommand } from './workbench';

/** The dashboard page's frame (the only webview these tests open). */
export function dashboardFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
}

/** Waits until the page got its snapshot (body[data-ready]) and shows `rows` rows or more. */
export async function waitForDashboardRows(page: Page, rows: number, timeoutMs = 20_000): Promise<number> {
  const frame = dashboardFrame(page);
  let seen = -1;
  try {
    return await waitFor(`the dashboard to show ${rows} rows`, async () => {
      if (await frame.locator('body[data-ready="true"]').count() === 0) return 0;
      seen = await frame.locator('#requests tbody tr').count();
      return seen >= rows ? seen : 0;
    }, timeoutMs, 250);
  } catch (error) {
    throw new Error(`${(error as Error).message}; it shows ${seen}`, { cause: error });
  }
}

/** The text of one summary card, e.g. card(page, 'requests') -> "Requests\n12\nnone failed". */
export async function cardText(page: Page, key: string): Promise<string> {
  return dashboardFrame(page).locator(`[data-card="${key}"] .card-value`).innerText({ timeout: 5000 });
}

/** Puts a property on the first node `selector` finds in the page, to tell later whether that very node survived an update. */
export async function markNode(page: Page, selector: string, mark: string): Promise<void> {
  await dashboardFrame(page).locator(selector).first().evaluate((node, value) => {
    (node as unknown as Record<string, unknown>).testMark = value;
  }, mark, { timeout: 5000 });
}

/** The mark markNode put on the first node `selector` finds now; undefined when that node is a new one. */
export async function markOf(page: Page, selector: string): Promise<string | undefined> {
  return dashboardFrame(page).locator(selector).first().evaluate((node) => (node as unknown as Record<string, string | undefined>).testMark, undefined, { timeout: 5000 });
}

/** "Preferences: Color Theme", then the theme by its label; waits for the webview to follow. */
export async function setColorTheme(page: Page, label: string, bodyClass: string): Promise<void> {
  // The palette ranks "Browse Color Themes in Marketplace" first: pick the row by its label.
  const input = page.locator('.quick-input-widget input');
  await page.keyboard.press('Escape');
  await page.keyboard.press('F1');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill('>Preferences: Color Theme');
  await page.locator('.quick-input-list .monaco-list-row').filter({ hasText: /^Preferences: Color Theme(?!s)/ }).first().click({ timeout: 10_000 });
  await waitFor('the theme picker', async () => /theme/i.test((await input.getAttribute('placeholder', { timeout: 2000 })) ?? '') || /theme/i.test((await input.getAttribute('aria-label', { timeout: 2000 })) ?? ''), 10_000);
  await input.fill(label);
  const focused = page.locator('.quick-input-list .monaco-list-row.focused');
  await waitFor(`the theme picker to offer "${label}"`, async () => (await focused.first().innerText({ timeout: 2000 }).catch(() => '')).trim().startsWith(label), 10_000);
  await page.keyboard.press('Enter');
  const frame = dashboardFrame(page);
  await waitFor(`the dashboard to take the ${label} theme`, async () => ((await frame.locator('body').getAttribute('class', { timeout: 2000 })) ?? '').split(/\s+/).includes(bodyClass), 15_000);
}

/** Hides the panel (terminal) and both side bars, so that the editor (the dashboard) fills the
 *  window for screenshots. Waits for the palette to close between commands. */
export async function roomForTheEditor(page: Page): Promise<void> {
  const palette = page.locator('.quick-input-widget');
  for (const [part, command] of [['.part.panel', 'View: Toggle Panel Visibility'], ['.part.sidebar', 'View: Toggle Primary Side Bar Visibility'],
    ['.part.auxiliarybar', 'View: Toggle Secondary Side Bar Visibility']]) {
    if (!(await page.locator(part).first().isVisible())) continue;
    await runCommand(page, command);
    await palette.waitFor({ state: 'hidden', timeout: 5000 }).catch(() => undefined);
    await waitFor(`${part} to hide`, async () => !(await page.locator(part).first().isVisible()), 5000);
  }
}
