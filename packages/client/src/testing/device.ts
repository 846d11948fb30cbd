import { openIdbEventStore } from '@tidelog/idb';
import { IDBKeyRange as FakeIDBKeyRange, IDBFactory } from 'fake-indexeddb';
import type { SyncOptions } from '../sync/host.js';
import { createTestLink, type TestLink } from './link.js';

/** Options of `createTestDevice`. */
export interface TestDeviceOptions {
  /** The server to sync with: `createTestServer()` or anything with `url` and `fetch`. */
  server: { url: string; fetch: typeof fetch };
  /** The space to sync. */
  space: string;
  /** The IndexedDB database name (default `tidelog`). */
  name?: string;
  /** Follow the server live (default true). */
  live?: boolean;
  /** A bearer token, or a function asked for one. */
  token?: string;
  getToken?: () => string | Promise<string>;
}

/** One simulated device: its own IndexedDB, its own link to the server. */
export interface TestDevice {
  /** This device's link: take it offline, make it drop requests, cut its live stream. */
  readonly link: TestLink;
  /** This device's IndexedDB (fake-indexeddb): it outlives runtimes, as a browser's does. */
  readonly indexedDB: IDBFactory;
  /**
   * What to spread into `createTidelog`: the device's store and sync options. Create a
   * runtime with it again after closing one to simulate a restart (a reload, a crash).
   */
  options(): {
    store: () => ReturnType<typeof openIdbEventStore>;
    sync: SyncOptions;
  };
}

/**
 * A simulated device for sync tests in Node: a fresh fake-indexeddb "browser" and a link
 * to the server. Its data survives closing the runtime, so a restart is closing one
 * runtime and creating another with `device.options()`.
 *
 * @example
 * const server = await createTestServer();
 * const phone = createTestDevice({ server, space: 'team-1' });
 * const tidelog = await createTidelog({ aggregates: [Todo], ...phone.options() });
 * phone.link.offline();
 */
export function createTestDevice(options: TestDeviceOptions): TestDevice {
  // The IndexedDB store builds key ranges with the global IDBKeyRange, which Node lacks.
  const scope = globalThis as { IDBKeyRange?: unknown };
  scope.IDBKeyRange ??= FakeIDBKeyRange;
  const indexedDB = new IDBFactory();
  const link = createTestLink(options.server.fetch);
  const name = options.name ?? 'tidelog';
  return {
    link,
    indexedDB,
    options() {
      const sync: SyncOptions = { url: options.server.url, space: options.space, fetch: link.fetch };
      if (options.live !== undefined) sync.live = options.live;
      if (options.token !== undefined) sync.token = options.token;
      if (options.getToken !== undefined) sync.getToken = options.getToken;
      return { store: () => openIdbEventStore({ name, indexedDB }), sync };
    },
  };
}
