import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_FLAGS } from '../../../test-utils/browser.js';
import { boardOf, moveRight, newDevice, offlineSwitch } from './board-page.js';
import { startDemoServer } from './demo-server.js';

let server: Awaited<ReturnType<typeof startDemoServer>>;
let browser: Browser;

beforeAll(async () => {
  server = await startDemoServer();
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_FLAGS,
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.dispose();
});

describe('the devtools', () => {
  it('list every event (pending, then confirmed with its position) and travel the board back in time, by keyboard', async () => {
    const device = await newDevice(browser, server.url, { width: 1440, height: 900 });
    try {
      const page = await device.open('/b/devtools');
      await page.getByRole('button', { name: 'Add a few sample cards' }).click();
      await expect.poll(() => boardOf(page).then((c) => c.done)).toEqual(['Ship v0.1']);
      await moveRight(page, 'Sketch the onboarding flow', 'Doing'); // board v6

      const toggle = page.getByRole('button', { name: 'Devtools' });
      await toggle.focus();
      await page.keyboard.press('Enter');
      const rows = page.getByTestId('log-row');
      // Five cards created and placed, one move: eleven events, newest first, all confirmed.
      await expect.poll(() => rows.count()).toBe(11);
      await expect
        .poll(() => rows.evaluateAll((rs) => rs.map((r) => r.getAttribute('data-pending'))))
        .toEqual(Array(11).fill('false'));
      expect(await rows.first().textContent()).toContain('#11');
      expect(await rows.first().textContent()).toContain('CardMoved');

      // Offline, a new event is pending on this device: no position yet.
      await offlineSwitch(page).click();
      await moveRight(page, 'Fix flaky login test', 'Done'); // board v7
      await expect.poll(() => rows.first().getAttribute('data-pending')).toBe('true');
      expect(await rows.first().textContent()).toContain('pending');
      await offlineSwitch(page).click();
      await expect.poll(() => rows.first().getAttribute('data-pending'), { timeout: 20_000 }).toBe('false');
      expect(await rows.first().textContent()).toContain('#12');

      // Select the board's 5th event: the board shows itself as of version 5, read only.
      const fifth = page.locator('[data-testid="log-row"][data-stream-id="board"][data-version="5"]');
      await fifth.getByRole('button').focus();
      await page.keyboard.press('Enter');
      await page.getByText('Viewing the board as of').waitFor();
      expect(await page.getByTestId('board').getAttribute('data-version')).toBe('5');
      await expect.poll(() => boardOf(page).then((c) => c.doing)).toEqual(['Offline mode for the editor']);
      expect(await page.getByTestId('travel-version').textContent()).toBe('v5 / 7');
      const state = page.getByRole('region', { name: 'State of board as of version 5' });
      expect(JSON.parse((await state.textContent()) ?? '')).toMatchObject({ archived: [] });

      // The slider moves through versions with the arrow keys.
      await page.getByRole('slider').focus();
      await page.keyboard.press('ArrowRight');
      await expect.poll(() => page.getByTestId('travel-version').textContent()).toBe('v6 / 7');
      await expect
        .poll(() => boardOf(page).then((c) => c.doing))
        .toEqual(['Offline mode for the editor', 'Sketch the onboarding flow']);

      // Back to now: the live board again.
      await page.getByRole('button', { name: 'Back to now' }).click();
      await expect.poll(() => page.getByTestId('board').getAttribute('data-version')).toBe('7');
      expect((await boardOf(page)).done).toEqual(['Ship v0.1', 'Fix flaky login test']);

      // A WIP limit is changed from the column's count, by keyboard; the log shows the event.
      await page.getByTestId('wip-doing').focus();
      await page.keyboard.press('Enter');
      await page.getByRole('combobox', { name: 'WIP limit of Doing' }).selectOption({ label: 'Limit 3' });
      await expect.poll(() => page.getByTestId('wip-doing').textContent()).toBe('2 / 3');
      await expect.poll(() => rows.first().textContent()).toContain('LimitSet');
      expect(device.problems).toEqual([]);
    } finally {
      await device.context.close();
    }
  });
});
