import type { Browser, BrowserContext, Page } from 'playwright-core';

/** One device: a browser context (its own IndexedDB, SharedWorker and network switch). */
export interface Device {
  context: BrowserContext;
  /** Console errors, warnings and uncaught exceptions of every page of this device. */
  problems: string[];
  open(path: string): Promise<Page>;
}

/**
 * A fresh browser context with the viewport given, recording every console error or
 * warning and uncaught exception of its pages (the demo must have none).
 */
export async function newDevice(
  browser: Browser,
  origin: string,
  viewport: { width: number; height: number },
): Promise<Device> {
  const context = await browser.newContext({ viewport, baseURL: origin });
  const problems: string[] = [];
  const watch = (page: Page, name: string) => {
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning')
        problems.push(`${name} console.${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`${name} uncaught: ${e.message}`));
  };
  let tabs = 0;
  return {
    context,
    problems,
    async open(path) {
      const page = await context.newPage();
      watch(page, `tab ${++tabs}`);
      await page.goto(path);
      await page.getByTestId('board').waitFor();
      return page;
    },
  };
}

/** The board as a page shows it: column id → card titles, in order. */
export function boardOf(page: Page): Promise<Record<string, string[]>> {
  return page.evaluate(() => {
    const columns: Record<string, string[]> = {};
    for (const col of document.querySelectorAll<HTMLElement>('[data-testid^="column-"]')) {
      const id = col.dataset.testid!.slice('column-'.length);
      columns[id] = [...col.querySelectorAll<HTMLElement>('[data-testid="card-title"]')].map(
        (el) => el.textContent ?? '',
      );
    }
    return columns;
  });
}

/** Move a card one column to the right with its keyboard-reachable button. */
export async function moveRight(page: Page, title: string, to: string): Promise<void> {
  const button = page.getByRole('button', { name: `Move “${title}” to ${to}` });
  await button.focus();
  await page.keyboard.press('Enter');
}

/** Edit a card's title through its dialog, by keyboard. */
export async function renameCard(page: Page, title: string, next: string): Promise<void> {
  await page.getByRole('button', { name: title, exact: true }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Title').fill(next);
  await dialog.getByLabel('Title').press('Enter');
  await dialog.waitFor({ state: 'detached' });
}

/** The offline switch in the header. */
export const offlineSwitch = (page: Page) => page.getByRole('switch', { name: 'Work offline' });

/** The sync status the header shows (`data-state`, `data-pending`). */
export const syncState = (page: Page) =>
  page.getByTestId('sync-status').evaluate((el) => ({
    state: el.getAttribute('data-state'),
    pending: Number(el.getAttribute('data-pending')),
  }));
