import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserHarness, startBrowserHarness } from '../../../../test-utils/browser.js';
import '../browser-test/page-api.js';

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

describe('SharedWorker runtime in headless Chromium', () => {
  it('two tabs of one origin share one SharedWorker and a command in one reaches the other', async () => {
    const a = await tab();
    const b = await tab();
    expect(a.hello).toMatchObject({ mode: 'shared-worker', storage: 'indexeddb' });
    expect(b.hello.mode).toBe('shared-worker');
    expect(b.hello.instanceId).toBe(a.hello.instanceId);
    await b.page.evaluate(() => window.tl.subscribe('shared-1'));
    expect(await a.page.evaluate(() => window.tl.execute('shared-1', 5))).toEqual({ version: 1, count: 5 });
    const seen = await b.page.evaluate(() => window.tl.waitForVersion('shared-1', 1));
    expect(seen).toMatchObject({ version: 1, state: { count: 5 } });
    expect(await b.page.evaluate(() => window.tl.decrementTooMuch('shared-1'))).toEqual({
      name: 'DomainError',
      code: 'INSUFFICIENT',
      data: { count: 5 },
    });
    await a.page.close();
    await b.page.close();
  });

  it("releases a closed tab's subscriptions", async () => {
    const keeper = await tab();
    const baseline = await keeper.page.evaluate(() => window.tl.liveListeners());
    const closing = await tab();
    await closing.page.evaluate(async () => {
      window.tl.subscribe('leak-1');
      window.tl.subscribe('leak-2');
      await window.tl.execute('leak-1', 1);
      await window.tl.waitForVersion('leak-1', 1);
    });
    expect(await keeper.page.evaluate(() => window.tl.liveListeners())).toBe(baseline + 2);
    await closing.page.close();
    // The worker learns of the closed tab when its Web Lock is released.
    await expect
      .poll(() => keeper.page.evaluate(() => window.tl.liveListeners()), { timeout: 20_000 })
      .toBe(baseline);
    await keeper.page.close();
  });

  it('a tab closed in the middle of a command leaves no partial command', async () => {
    const witness = await tab();
    const closing = await tab();
    await closing.page.evaluate(() => window.tl.startBig('torn-1', 20_000));
    await closing.page.close();
    await witness.page.evaluate(() => window.tl.settled());
    const after = await witness.page.evaluate(() => window.tl.load('torn-1'));
    expect([0, 20_000]).toContain(after.version);
    expect(after.count).toBe(after.version);
    expect(await witness.page.evaluate(() => window.tl.execute('torn-1', 1))).toEqual({
      version: after.version + 1,
      count: after.count + 1,
    });
    await witness.page.close();
  });

  it("a process manager's dead letter made from one tab reaches another, which retries and clears it", async () => {
    const a = await tab();
    const b = await tab();
    // No tab holds a subscription: once earlier tabs are released, the worker has no listener.
    await expect.poll(() => a.page.evaluate(() => window.tl.liveListeners()), { timeout: 20_000 }).toBe(0);
    await a.page.evaluate(() => window.tl.watchDeadLetters());
    await a.page.evaluate(() => window.tl.settled()); // a round trip: the worker has it now
    expect(await b.page.evaluate(() => window.tl.liveListeners())).toBe(1);

    await b.page.evaluate(() => window.tl.execute('source', 2));
    await b.page.evaluate(() => window.tl.decrement('source', 1));
    const [letter] = await a.page.evaluate(() => window.tl.waitForDeadLetters(1));
    expect(letter?.code).toBe('INSUFFICIENT');
    expect(await b.page.evaluate(() => window.tl.deadLetters())).toContainEqual(letter);
    // Still failing: the command's error comes back to the page with its class name, code and data.
    expect(await a.page.evaluate((id) => window.tl.retryDeadLetter(id), letter!.id)).toEqual({
      name: 'DomainError',
      code: 'INSUFFICIENT',
      data: { count: 0 },
    });
    await b.page.evaluate(() => window.tl.execute('empty', 1));
    expect(await a.page.evaluate((id) => window.tl.retryDeadLetter(id), letter!.id)).toEqual({
      retried: true,
    });
    expect(await b.page.evaluate(() => window.tl.load('empty'))).toEqual({ version: 2, count: 0 });
    expect(await b.page.evaluate(() => window.tl.deadLetters())).not.toContainEqual(letter);
    expect(await a.page.evaluate((id) => window.tl.retryDeadLetter(id), letter!.id)).toEqual({
      retried: false,
    });

    await b.page.evaluate(() => window.tl.decrement('source', 1));
    await a.page.evaluate(() => window.tl.waitForDeadLetters(2));
    await b.page.evaluate(() => window.tl.clearDeadLetters());
    expect(await a.page.evaluate(() => window.tl.deadLetters())).toEqual([]);

    await a.page.evaluate(() => window.tl.unwatchDeadLetters());
    await a.page.evaluate(() => window.tl.settled());
    expect(await b.page.evaluate(() => window.tl.liveListeners())).toBe(0);
    await a.page.close();
    await b.page.close();
  });

  it('a lone tab closed mid-command (the worker dies with it) leaves all or nothing', async () => {
    const closing = await tab();
    await closing.page.evaluate(() => window.tl.startBig('torn-2', 20_000));
    await closing.page.close();
    const next = await tab();
    const after = await next.page.evaluate(() => window.tl.load('torn-2'));
    expect([0, 20_000]).toContain(after.version);
    expect(after.count).toBe(after.version);
    await next.page.close();
  });
});

describe('without SharedWorker', () => {
  it('one tab leads with a dedicated Worker, the others follow, and a follower takes over', async () => {
    const leader = await tab('?nosw');
    const follower = await tab('?nosw');
    expect(leader.hello.mode).toBe('dedicated-worker');
    expect(follower.hello).toMatchObject({ mode: 'follower', storage: 'indexeddb' });
    expect(follower.hello.instanceId).toBe(leader.hello.instanceId);
    await leader.page.evaluate(() => window.tl.subscribe('fb-1'));
    await follower.page.evaluate(() => window.tl.subscribe('fb-1'));
    expect(await follower.page.evaluate(() => window.tl.execute('fb-1', 2))).toEqual({
      version: 1,
      count: 2,
    });
    expect(await leader.page.evaluate(() => window.tl.waitForVersion('fb-1', 1))).toMatchObject({
      state: { count: 2 },
    });
    await leader.page.close();
    await expect
      .poll(() => follower.page.evaluate(() => window.tl.mode()), { timeout: 20_000 })
      .toBe('dedicated-worker');
    expect(await follower.page.evaluate(() => window.tl.execute('fb-1', 3))).toEqual({
      version: 2,
      count: 5,
    });
    expect(await follower.page.evaluate(() => window.tl.waitForVersion('fb-1', 2))).toMatchObject({
      state: { count: 5 },
    });
    await follower.page.close();
  });

  it('falls back to an in-page runtime without workers', async () => {
    const lone = await tab('?nosw&noworker');
    expect(lone.hello).toMatchObject({ mode: 'in-page', storage: 'indexeddb' });
    expect(await lone.page.evaluate(() => window.tl.execute('inpage-1', 1))).toEqual({
      version: 1,
      count: 1,
    });
    await lone.page.close();
  });
});
