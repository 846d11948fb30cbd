import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserHarness, startBrowserHarness } from '../../../test-utils/browser.js';
import './browser-test/page-api.js';

// Its own browser: Chromium's IndexedDB backend takes an origin's quota when the origin
// first uses storage, so the override must come before any other IndexedDB use.
let harness: BrowserHarness;

beforeAll(async () => {
  harness = await startBrowserHarness({
    entries: { page: fileURLToPath(new URL('./browser-test/store-page.ts', import.meta.url)) },
    stub: ['vitest'],
  });
});

afterAll(async () => {
  await harness?.close();
});

describe('IdbEventStore at the storage quota (headless Chromium)', () => {
  it('a write over the storage quota is a StorageFullError and keeps nothing', async () => {
    const tab = await harness.newPage();
    const cdp = await harness.context.newCDPSession(tab);
    await cdp.send('Storage.overrideQuotaForOrigin', { origin: harness.origin, quotaSize: 2 * 1024 * 1024 });
    try {
      expect(await tab.evaluate(() => window.tidelog.appendBlob('quota', 'big', 8 * 1024 * 1024))).toBe(
        'STORAGE_FULL',
      );
      expect((await tab.evaluate(() => window.tidelog.inspect('quota', 'big'))).versions).toEqual([]);
    } finally {
      await cdp.send('Storage.overrideQuotaForOrigin', { origin: harness.origin });
      await tab.close();
    }
    const after = await harness.newPage();
    expect(await after.evaluate(() => window.tidelog.appendBlob('quota', 'big', 1000))).toBe('ok');
    await after.close();
  });
});
