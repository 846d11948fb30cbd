import { fileURLToPath } from 'node:url';
import { eventStoreCases, localStoreCases } from '@tidelog/core/testing';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserHarness, startBrowserHarness } from '../../../test-utils/browser.js';
import { knownHeadsCases } from './browser-test/known-heads-cases.js';
import './browser-test/page-api.js';

let harness: BrowserHarness;
let page: Page;

beforeAll(async () => {
  harness = await startBrowserHarness({
    entries: { page: fileURLToPath(new URL('./browser-test/store-page.ts', import.meta.url)) },
    stub: ['vitest'],
  });
  page = await harness.newPage();
});

afterAll(async () => {
  await harness?.close();
});

describe('EventStore conformance in headless Chromium', () => {
  for (const { name } of eventStoreCases) {
    it(name, async () => {
      const outcome = await page.evaluate(([n]) => window.tidelog.runCase('event', n), [name] as const);
      expect(outcome.error).toBeUndefined();
      expect(outcome.ok).toBe(true);
    });
  }
});

describe('LocalEventStore conformance in headless Chromium', () => {
  for (const { name } of localStoreCases) {
    it(name, async () => {
      const outcome = await page.evaluate(([n]) => window.tidelog.runCase('local', n), [name] as const);
      expect(outcome.error).toBeUndefined();
      expect(outcome.ok).toBe(true);
    });
  }
});

describe('appends at a known place, two stores on one database, in headless Chromium', () => {
  for (const { name } of knownHeadsCases) {
    it(name, async () => {
      const outcome = await page.evaluate(([n]) => window.tidelog.runKnownHeadsCase(n), [name] as const);
      expect(outcome.error).toBeUndefined();
      expect(outcome.ok).toBe(true);
    });
  }
});

describe('IdbEventStore in headless Chromium', () => {
  it('a page closed in the middle of a command transaction leaves no partial events', async () => {
    const tab = await harness.newPage();
    await tab.evaluate(() => window.tidelog.appendMany('crash', 'kept', 1, 3));
    expect(await tab.evaluate(() => window.tidelog.holdAppend('crash', 'torn', 2000))).toBe('holding');
    await tab.close();
    const next = await harness.newPage();
    expect(await next.evaluate(() => window.tidelog.inspect('crash', 'torn'))).toEqual({
      versions: [],
      pending: 0,
      outbox: 0,
    });
    expect((await next.evaluate(() => window.tidelog.inspect('crash', 'kept'))).versions).toEqual([1, 2, 3]);
    await next.close();
  });

  it('two tabs appending to one stream at once stay gapless', async () => {
    const [a, b] = [await harness.newPage(), await harness.newPage()];
    await Promise.all([
      a.evaluate(() => window.tidelog.appendMany('tabs', 'shared', 10, 5)),
      b.evaluate(() => window.tidelog.appendMany('tabs', 'shared', 10, 5)),
    ]);
    const { versions } = await a.evaluate(() => window.tidelog.inspect('tabs', 'shared'));
    expect(versions).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    const outcomes = await Promise.all([
      a.evaluate(() => window.tidelog.appendFirst('tabs', 'first')),
      b.evaluate(() => window.tidelog.appendFirst('tabs', 'first')),
    ]);
    expect(outcomes.sort()).toEqual(['VERSION_CONFLICT', 'ok']);
    await Promise.all([a.close(), b.close()]);
  });
});
