import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getRequestListener } from '@hono/node-server';
import { createSyncServer } from '@tidelog/server';
import { createSqliteServerStore } from '@tidelog/server/sqlite';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserHarness, startBrowserHarness } from '../../../../test-utils/browser.js';
import '../browser-test/page-api.js';

/**
 * The real sync server (SQLite file, `@hono/node-server`) on loopback, port 0. Each device
 * reaches it under a path of its own (`/<device>/v1/…`), so the test can take one device
 * off the network: its open connections (the live stream too) are cut and new ones refused,
 * as the network would. Pages come from another origin, hence the CORS headers.
 */
async function startSyncServer(dir: string) {
  const store = createSqliteServerStore({ filename: join(dir, 'sync.sqlite') });
  const app = createSyncServer({ store });
  const listener = getRequestListener(app.fetch);
  const offline = new Set<string>();
  const sockets = new Map<string, Set<Socket>>();
  const server = createServer((req, res) => {
    const [, device = '', ...rest] = (req.url ?? '/').split('/');
    if (offline.has(device)) return void req.socket.destroy();
    const open = sockets.get(device) ?? new Set<Socket>();
    sockets.set(device, open);
    open.add(req.socket);
    req.socket.once('close', () => open.delete(req.socket));
    res.setHeader('access-control-allow-origin', '*');
    if (req.method === 'OPTIONS') {
      res
        .writeHead(204, {
          'access-control-allow-methods': 'GET, POST',
          'access-control-allow-headers': req.headers['access-control-request-headers'] ?? '*',
          'access-control-max-age': '600',
        })
        .end();
      return;
    }
    req.url = `/${rest.join('/')}`;
    void listener(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (device: string) => `http://127.0.0.1:${port}/${device}`,
    offline(device: string) {
      offline.add(device);
      for (const socket of sockets.get(device) ?? []) socket.destroy();
    },
    online(device: string) {
      offline.delete(device);
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await app.close();
      await store.close();
    },
  };
}

const entry = (f: string) => fileURLToPath(new URL(`../browser-test/${f}`, import.meta.url));
const entries = { page: entry('sync-page.ts'), 'sync-worker': entry('sync-worker.ts') };

let dir: string;
let server: Awaited<ReturnType<typeof startSyncServer>>;
// Two devices: two browsers, each with its own profile (IndexedDB, SharedWorker).
let phone: BrowserHarness;
let laptop: BrowserHarness;
const space = `proof-${Date.now()}`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tidelog-sync-browser-'));
  server = await startSyncServer(dir);
  phone = await startBrowserHarness({ entries });
  laptop = await startBrowserHarness({ entries });
});

afterAll(async () => {
  await phone?.close();
  await laptop?.close();
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

async function tab(device: BrowserHarness, name: string, path = '/', mode = 'shared-worker'): Promise<Page> {
  const page = await device.newPage(path);
  const hello = await page.evaluate(([url, s]) => window.sync.connect(url, s), [
    server.url(name),
    space,
  ] as const);
  expect(hello.mode).toBe(mode);
  return page;
}

/** The laptop's tab of the first test, still open for the second. */
let laptopTab: Page;

describe('sync through the SharedWorker, in real Chromium, against a running server', () => {
  it('two devices edit one stream, one of them offline; both converge, a third tab sees it live, a rejected command is kept', async () => {
    const phoneTab = await tab(phone, 'phone');
    const phoneWatcher = await tab(phone, 'phone');
    laptopTab = await tab(laptop, 'laptop');
    for (const page of [phoneTab, phoneWatcher, laptopTab])
      await page.evaluate(() => window.sync.subscribe('c-1'));

    // Online: the phone's command reaches the laptop live.
    expect(await phoneTab.evaluate(() => window.sync.execute('c-1', 10))).toEqual({ version: 1, count: 10 });
    expect(await phoneTab.evaluate(() => window.sync.syncNow())).toMatchObject({
      pending: 0,
      cursor: 1,
      head: 1,
    });
    expect(await laptopTab.evaluate(() => window.sync.waitFor('c-1', 1, 10))).toEqual({
      version: 1,
      count: 10,
    });

    // The phone goes offline and edits; the laptop edits too, online.
    // setOffline cuts the pages only: Chromium's SharedWorker still reaches the server (a
    // run without the server-side cut pushes at once), so the server cuts the phone too.
    await phone.context.setOffline(true);
    server.offline('phone');
    expect(await phoneTab.evaluate(() => window.sync.execute('c-1', 5))).toEqual({ version: 2, count: 15 });
    expect(await phoneTab.evaluate(() => window.sync.decrement('c-1', 12))).toEqual({ version: 3, count: 3 });
    expect(await phoneTab.evaluate(() => window.sync.syncNow())).toMatchObject({
      error: { code: 'SYNC_UNREACHABLE' },
    });
    expect(await phoneWatcher.evaluate(() => window.sync.waitFor('c-1', 3, 3))).toEqual({
      version: 3,
      count: 3,
    });
    expect(await laptopTab.evaluate(() => window.sync.decrement('c-1', 4))).toEqual({ version: 2, count: 6 });
    expect(await laptopTab.evaluate(() => window.sync.syncNow())).toMatchObject({ pending: 0, head: 2 });

    // Back online: the phone pulls the laptop's event, replays its own two commands on it
    // (6 + 5 = 11; 11 - 12 breaks the rule: rejected), pushes the one that holds.
    await phone.context.setOffline(false);
    server.online('phone');
    expect(await phoneTab.evaluate(() => window.sync.syncNow())).toMatchObject({
      pending: 0,
      head: 3,
      cursor: 3,
    });
    const converged = { version: 3, count: 11 };
    expect(await phoneTab.evaluate(() => window.sync.load('c-1'))).toEqual(converged);
    expect(await phoneWatcher.evaluate(() => window.sync.waitFor('c-1', 3, 11))).toEqual(converged);
    expect(await laptopTab.evaluate(() => window.sync.waitFor('c-1', 3, 11))).toEqual(converged);
    expect(await laptopTab.evaluate(() => window.sync.load('c-1'))).toEqual(converged);
    expect(await phoneWatcher.evaluate(() => window.sync.rejected())).toEqual([
      { command: 'decrement', payload: { by: 12 }, code: 'INSUFFICIENT' },
    ]);
    expect(await laptopTab.evaluate(() => window.sync.rejected())).toEqual([]);
    // The watcher tab follows the worker's sync status live.
    expect(
      await phoneWatcher.evaluate(() => window.sync.waitStatus({ pending: 0, rejected: 1 })),
    ).toMatchObject({
      cursor: 3,
      head: 3,
    });

    // The phone's worker dies: its tabs' calls fail with the clear error instead of hanging.
    await phoneTab.evaluate(() => window.sync.killWorker());
    for (const page of [phoneTab, phoneWatcher]) {
      expect(await page.evaluate(() => window.sync.load('c-1'))).toEqual({
        error: { name: 'WorkerLostError', code: 'WORKER_LOST' },
      });
      expect(await page.evaluate(() => window.sync.syncStatus())).toMatchObject({
        state: 'error',
        code: 'WORKER_LOST',
      });
    }
  });

  it('in-page fallback: one tab of the origin syncs, the others keep their commands pending, and the next tab takes over', async () => {
    const tablet = await startBrowserHarness({ entries });
    try {
      const first = await tab(tablet, 'tablet', '/?inpage', 'in-page');
      const second = await tab(tablet, 'tablet', '/?inpage', 'in-page');
      expect(await first.evaluate(() => window.sync.syncNow())).toMatchObject({
        pending: 0,
        cursor: 3,
        head: 3,
      });
      expect(await second.evaluate(() => window.sync.syncNow())).toEqual({
        error: { name: 'SyncDisabledError', code: 'SYNC_DISABLED' },
      });
      // The second tab reads what the first one pulled (one store); its command waits in the
      // shared outbox, and the syncing tab, told over a BroadcastChannel, pushes it unasked:
      // the other device sees it live.
      expect(await second.evaluate(() => window.sync.load('c-1'))).toEqual({ version: 3, count: 11 });
      expect(await second.evaluate(() => window.sync.execute('c-1', 1))).toEqual({ version: 4, count: 12 });
      expect(await laptopTab.evaluate(() => window.sync.waitFor('c-1', 4, 12))).toEqual({
        version: 4,
        count: 12,
      });
      await second.evaluate(() => window.sync.subscribe('c-1'));
      // The syncing tab closes: the second one takes over the sync loop.
      await first.close();
      expect(
        await second.evaluate(() => window.sync.waitStatus({ state: 'live', pending: 0 })),
      ).toMatchObject({
        cursor: 4,
        head: 4,
      });
      expect(await second.evaluate(() => window.sync.load('c-1'))).toEqual({ version: 4, count: 12 });
      expect(await laptopTab.evaluate(() => window.sync.waitFor('c-1', 4, 12))).toEqual({
        version: 4,
        count: 12,
      });
    } finally {
      await tablet.close();
    }
  });

  it("dedicated-Worker fallback: the leader tab's worker syncs for its followers, and a follower takes over", async () => {
    const desktop = await startBrowserHarness({ entries });
    try {
      const leader = await tab(desktop, 'desktop', '/?nosw', 'dedicated-worker');
      const follower = await tab(desktop, 'desktop', '/?nosw', 'follower');
      expect(await follower.evaluate(() => window.sync.execute('c-1', 2))).toMatchObject({ count: 14 });
      expect(await follower.evaluate(() => window.sync.syncNow())).toMatchObject({ pending: 0, head: 5 });
      expect(await leader.evaluate(() => window.sync.load('c-1'))).toEqual({ version: 5, count: 14 });
      expect(await laptopTab.evaluate(() => window.sync.waitFor('c-1', 5, 14))).toEqual({
        version: 5,
        count: 14,
      });
      await leader.close();
      expect(await follower.evaluate(() => window.sync.waitStatus({ state: 'live', head: 5 }))).toMatchObject(
        {
          pending: 0,
        },
      );
      expect(await laptopTab.evaluate(() => window.sync.execute('c-1', 1))).toEqual({
        version: 6,
        count: 15,
      });
      await follower.evaluate(() => window.sync.subscribe('c-1'));
      expect(await follower.evaluate(() => window.sync.waitFor('c-1', 6, 15))).toEqual({
        version: 6,
        count: 15,
      });
    } finally {
      await desktop.close();
    }
  });
});
