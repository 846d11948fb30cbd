import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserHarness, startBrowserHarness } from '../../../../test-utils/browser.js';
import '../browser-test/page-api.js';

// A harness of its own: these tests kill the worker the other browser tests share.
let harness: BrowserHarness;
const entry = (f: string) => fileURLToPath(new URL(`../browser-test/${f}`, import.meta.url));

beforeAll(async () => {
  harness = await startBrowserHarness({
    entries: { page: entry('app-page.ts'), worker: entry('app-worker.ts') },
  });
});

afterAll(async () => {
  await harness?.close();
});

async function tab(query = '') {
  const page = await harness.newPage(`/${query}`);
  const hello = await page.evaluate(() => window.tl.connect());
  return { page, hello };
}

const lost = { name: 'WorkerLostError', code: 'WORKER_LOST' };

describe('when the worker dies, pages fail their calls with WORKER_LOST instead of hanging', () => {
  it('SharedWorker: the call in flight and later calls fail, in every tab, and the sync status says so', async () => {
    const a = await tab();
    const b = await tab();
    expect(a.hello.mode).toBe('shared-worker');
    expect(b.hello.instanceId).toBe(a.hello.instanceId);
    await a.page.evaluate(() => window.tl.startTracked('lost-1', 20_000));
    await a.page.evaluate(() => window.tl.killWorker());
    expect(await a.page.evaluate(() => window.tl.trackedOutcome())).toEqual({ ...lost, data: undefined });
    expect(await a.page.evaluate(() => window.tl.waitLost())).toEqual(lost);
    expect(await b.page.evaluate(() => window.tl.waitLost())).toEqual(lost);
    for (const { page } of [a, b]) {
      expect(await page.evaluate(() => window.tl.loadOutcome('lost-1'))).toEqual({
        ...lost,
        data: undefined,
      });
      expect(await page.evaluate(() => window.tl.syncSnapshot())).toEqual({
        state: 'error',
        code: 'WORKER_LOST',
      });
    }
    await a.page.close();
    await b.page.close();
  });

  it('SharedWorker: a tab opened afterwards gets a new worker and works', async () => {
    const next = await tab();
    expect(next.hello.mode).toBe('shared-worker');
    const after = await next.page.evaluate(() => window.tl.load('lost-1'));
    // The killed command is all or nothing.
    expect([0, 20_000]).toContain(after.version);
    expect(await next.page.evaluate(() => window.tl.execute('lost-2', 1))).toEqual({ version: 1, count: 1 });
    await next.page.close();
  });

  it("dedicated Worker: the leader's worker dies, and both the leader and its follower are told", async () => {
    const leader = await tab('?nosw');
    const follower = await tab('?nosw');
    expect(leader.hello.mode).toBe('dedicated-worker');
    expect(follower.hello.mode).toBe('follower');
    await follower.page.evaluate(() => window.tl.startTracked('lost-3', 20_000));
    await leader.page.evaluate(() => window.tl.killWorker());
    expect(await follower.page.evaluate(() => window.tl.trackedOutcome())).toEqual({
      ...lost,
      data: undefined,
    });
    for (const { page } of [leader, follower]) {
      expect(await page.evaluate(() => window.tl.waitLost())).toEqual(lost);
      expect(await page.evaluate(() => window.tl.loadOutcome('lost-3'))).toEqual({
        ...lost,
        data: undefined,
      });
    }
    await leader.page.close();
    await follower.page.close();
  });
});
