import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserHarness, startBrowserHarness } from '../../../../test-utils/browser.js';
import '../browser-test/process-page-api.js';

let harness: BrowserHarness;

beforeAll(async () => {
  harness = await startBrowserHarness({
    entries: { page: fileURLToPath(new URL('../browser-test/process-page.ts', import.meta.url)) },
  });
});

afterAll(async () => {
  await harness?.close();
});

/** Navigate (a reload: the runtime of the page before dies with it, unclosed) and start a runtime. */
async function load(page: Page, query = '') {
  await page.goto(`${harness.origin}/${query}`, { waitUntil: 'load' });
  expect(await page.evaluate(() => window.pm.start())).toEqual({ storage: 'indexeddb' });
}

describe('process managers in headless Chromium (real IndexedDB)', () => {
  it('a reaction cut off by a reload runs after it, once, even when the reload hit between command and checkpoint', async () => {
    const page = await harness.newPage('/?hold');
    await page.evaluate(() => window.pm.start());
    // The command commits; the page is reloaded before the process manager heard of it.
    expect(await page.evaluate(() => window.pm.execute('c-1', 3))).toBe(1);
    expect((await page.evaluate(() => window.pm.stream('mirror-c-1'))).version).toBe(0);

    await load(page);
    await page.evaluate(() => window.pm.settled());
    expect(await page.evaluate(() => window.pm.stream('mirror-c-1'))).toEqual({
      version: 1,
      count: 3,
      types: ['Incremented'],
    });
    expect(await page.evaluate(() => window.pm.execute('stock', 1))).toBe(1);
    await page.evaluate(() => window.pm.settled());

    // Now the reload hits after the stock command committed, before any checkpoint is saved.
    await load(page, '?crash');
    await page.evaluate(() => window.pm.execute('order-1', 1));
    await page.evaluate(() => window.pm.checkpointReached());
    await expect
      .poll(() => page.evaluate(async () => (await window.pm.stream('stock')).version), { timeout: 10_000 })
      .toBe(2);

    for (let reload = 0; reload < 2; reload++) {
      await load(page);
      await page.evaluate(() => window.pm.settled());
      expect(await page.evaluate(() => window.pm.stream('stock'))).toEqual({
        version: 2,
        count: 0,
        types: ['Incremented', 'Decremented'],
      });
      expect((await page.evaluate(() => window.pm.stream('mirror-order-1'))).version).toBe(1);
      expect((await page.evaluate(() => window.pm.stream('mirror-c-1'))).version).toBe(1);
      expect(await page.evaluate(() => window.pm.deadLetters())).toEqual([]);
    }
    await page.close();
  });
});
