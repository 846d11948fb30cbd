import 'fake-indexeddb/auto';
import { MemoryEventStore } from '@tidelog/core';
import { openIdbEventStore } from '@tidelog/idb';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TidelogOptions } from '../options.js';
import { createTidelog, type Tidelog } from '../runtime.js';
import type { SyncOptions } from '../sync/host.js';
import { Counter } from '../test-fixtures.js';
import { createTestServer, type TestServer } from '../testing/index.js';
import { inPageClient } from './in-page.js';
import type { Link } from './remote-client.js';
import { TidelogClient } from './remote-client.js';
import type { RuntimeInit } from './serve.js';

/**
 * Exclusive Web Locks shared by several "tabs" of one origin, as a browser keeps them:
 * each tab has its own `navigator.locks`, and closing a tab frees what it holds.
 */
function lockRegistry() {
  type Waiter = { tab: number; callback: (lock: unknown) => unknown };
  const held = new Map<string, number>();
  const queues = new Map<string, Waiter[]>();
  const grant = (name: string, waiter: Waiter) => {
    held.set(name, waiter.tab);
    void Promise.resolve(waiter.callback({ name })).finally(() => release(name, waiter.tab));
  };
  const release = (name: string, tab: number) => {
    if (held.get(name) !== tab) return;
    held.delete(name);
    const next = queues.get(name)?.shift();
    if (next) grant(name, next);
  };
  return {
    tab(tab: number) {
      return {
        request(name: string, ...args: unknown[]) {
          const options = (args.length > 1 ? args[0] : {}) as { ifAvailable?: boolean };
          const callback = args.at(-1) as (lock: unknown) => unknown;
          if (!held.has(name)) grant(name, { tab, callback });
          else if (options.ifAvailable) void Promise.resolve(callback(null));
          else queues.set(name, [...(queues.get(name) ?? []), { tab, callback }]);
          return Promise.resolve();
        },
      };
    },
    /** The tab closes: its locks go to whoever waits, its place in queues is dropped. */
    close(tab: number) {
      for (const [name, queue] of queues)
        queues.set(
          name,
          queue.filter((w) => w.tab !== tab),
        );
      for (const [name, holder] of [...held]) if (holder === tab) release(name, holder);
    },
  };
}

/**
 * An origin whose tabs each open `inPageClient`, with runtimes on `store` (one object for
 * every tab, or a function that opens a store per runtime).
 */
function origin(sync: SyncOptions, store: TidelogOptions<typeof Counter>['store']) {
  const locks = lockRegistry();
  const inits: RuntimeInit[] = [];
  const runtimes: Tidelog[] = [];
  const createRuntime = async (init: RuntimeInit) => {
    inits.push(init);
    const runtime = await createTidelog({ aggregates: [Counter], store, ...init });
    runtimes.push(runtime as Tidelog);
    return runtime;
  };
  const start = async (link: Link) => {
    const client = new TidelogClient<typeof Counter>(link, 'in-page');
    await client.ready;
    return client;
  };
  const openTab = (tab: number) => {
    vi.stubGlobal('navigator', { locks: locks.tab(tab) });
    return inPageClient('app', createRuntime, sync, start);
  };
  return { locks, inits, runtimes, openTab };
}

let server: TestServer | undefined;
afterEach(async () => {
  vi.unstubAllGlobals();
  await server?.close();
  server = undefined;
});

describe('the in-page fallback with sync', () => {
  it('lets one tab sync; the others keep commands pending until one takes over when it closes', async () => {
    server = await createTestServer();
    const sync: SyncOptions = { url: server.url, space: 'in-page', fetch: server.fetch, live: false };
    // One origin, one store, as IndexedDB is.
    const { locks, inits, runtimes, openTab } = origin(sync, new MemoryEventStore());

    const first = await openTab(1);
    const second = await openTab(2);
    expect(inits).toEqual([{ sync }, { pending: true }]);
    await expect(second.sync.now()).rejects.toMatchObject({ code: 'SYNC_DISABLED' });
    // The second tab's command waits in the shared outbox; the syncing tab pushes it.
    await second.execute(Counter, 'c-1', 'increment', { by: 2 });
    expect(await first.sync.now()).toMatchObject({ pending: 0, cursor: 1, head: 1 });
    expect(await server.events('in-page')).toHaveLength(1);

    // The syncing tab closes: the second one gets the lock and a syncing runtime.
    await first.close();
    const reattach = second.reattach.bind(second);
    const takenOver = new Promise<void>((resolve) => {
      second.reattach = async (link, mode) => {
        await reattach(link, mode);
        resolve();
      };
    });
    locks.close(1);
    await takenOver;
    expect(inits[2]).toEqual({ sync });
    await second.execute(Counter, 'c-1', 'increment', { by: 3 });
    expect(await second.sync.now()).toMatchObject({ pending: 0, head: 2 });
    expect((await second.load(Counter, 'c-1')).state).toEqual({ count: 5 });
    await second.close();
    for (const runtime of runtimes) await runtime.close();
  });

  it("pushes another tab's command at once, without being asked", async () => {
    server = await createTestServer();
    const sync: SyncOptions = { url: server.url, space: 'in-page', fetch: server.fetch, live: false };
    // One database, a store (connection) per runtime: as in tabs, a store tells only its own
    // runtime what was written through it.
    const indexedDB = new IDBFactory();
    const { runtimes, openTab } = origin(sync, () => openIdbEventStore({ name: 'app', indexedDB }));
    const first = await openTab(1);
    const second = await openTab(2);
    await first.sync.now(); // the syncing tab has run its rounds; nothing wakes it but a change
    await second.execute(Counter, 'c-1', 'increment', { by: 2 });
    await vi.waitFor(async () => expect(await server?.events('in-page')).toHaveLength(1));
    // The syncing tab's runtime (the first one made) pulled it back: confirmed, nothing pending.
    await vi.waitFor(() => expect(runtimes[0]?.sync.status).toMatchObject({ pending: 0, cursor: 1 }));
    await second.close();
    await first.close();
    for (const runtime of runtimes) await runtime.close();
  });
});
