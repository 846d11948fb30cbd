import type { AnyAggregate } from '@tidelog/core';
import type { Tidelog } from '../runtime.js';
import type { SyncOptions } from '../sync/host.js';
import type { ClientMode } from '../types.js';
import { registerErrorTransfer } from './error-transfer.js';
import { followerLink, serveFollowers } from './follower.js';
import { inPageClient } from './in-page.js';
import { portLink } from './links.js';
import { forever, holdIfFree, holdLifeLock, type LockManagerLike, locksOf } from './locks.js';
import { type Link, TidelogClient } from './remote-client.js';
import { CONNECT_MESSAGE, type RuntimeInit } from './serve.js';

/**
 * Connect to a runtime served with `servePort`/`serveTidelog` on a port you already have
 * (a MessageChannel in tests, a worker port).
 *
 * @example
 * const client = await connectPort<typeof Counter>(port);
 * await client.execute(Counter, 'c-1', 'increment', { by: 1 });
 */
export async function connectPort<R extends AnyAggregate = AnyAggregate>(
  port: MessagePort,
  options: { mode?: ClientMode; tabLock?: string } = {},
): Promise<TidelogClient<R>> {
  registerErrorTransfer();
  const client = new TidelogClient<R>(portLink(port), options.mode ?? 'in-process', options.tabLock);
  await client.ready;
  return client;
}

export interface ConnectOptions<R extends AnyAggregate> {
  /** One runtime per name and origin: the SharedWorker's name and the leader lock's. */
  name: string;
  /** The worker script (a module calling `serveTidelog`). */
  url?: string | URL;
  /** A SharedWorker you created yourself. */
  sharedWorker?: SharedWorker;
  /** A dedicated Worker you created yourself (this tab only, no leader election). */
  worker?: Worker;
  /** The app's aggregates: only their types are used, to type `execute` and friends. */
  aggregates?: readonly R[];
  /**
   * The last resort when neither SharedWorker nor Worker + Web Locks exist: a runtime in
   * this page. It gets `{ sync }` in the one tab of the origin that may sync; pass it on
   * to `createTidelog`.
   */
  createRuntime?: (init: RuntimeInit) => Promise<Tidelog<R>>;
  /**
   * Sync options for the in-page fallback's runtime (a worker's runtime syncs with the
   * options given to `serveTidelog`, in the worker).
   */
  sync?: SyncOptions;
}

function workerLink(worker: Worker): Link {
  const { port1, port2 } = new MessageChannel();
  worker.postMessage(CONNECT_MESSAGE, [port2]);
  return portLink(port1);
}

/**
 * Connect a page to the app's runtime, wherever it can live here: a SharedWorker (one per
 * origin and name, shared by all tabs); without SharedWorker a dedicated Worker in the tab
 * that holds the leader lock, with the other tabs following it over BroadcastChannel (and
 * taking over when it closes); without Workers or Web Locks an in-page runtime.
 * `client.mode` says which.
 *
 * @example
 * const client = await connectTidelog({
 *   name: 'app',
 *   url: new URL('./tidelog.worker.js', import.meta.url),
 *   aggregates: [Counter],
 * });
 * await client.execute(Counter, 'c-1', 'increment', { by: 1 });
 */
export async function connectTidelog<const R extends AnyAggregate>(
  options: ConnectOptions<R>,
): Promise<TidelogClient<R>> {
  registerErrorTransfer();
  // Held while this tab lives: the runtime watches it to release the tab's subscriptions.
  const tabLock = await holdLifeLock('tidelog:tab:');
  const start = async (link: Link, mode: ClientMode) => {
    const client = new TidelogClient<R>(link, mode, tabLock);
    await client.ready;
    return client;
  };
  if (options.sharedWorker) return start(portLink(options.sharedWorker.port), 'shared-worker');
  if (options.worker) return start(workerLink(options.worker), 'dedicated-worker');
  const url = options.url;
  if (url !== undefined && typeof SharedWorker === 'function') {
    return start(
      portLink(new SharedWorker(url, { type: 'module', name: options.name }).port),
      'shared-worker',
    );
  }
  const locks = locksOf();
  if (url !== undefined && typeof Worker === 'function' && typeof BroadcastChannel === 'function' && locks) {
    return leadOrFollow(options.name, url, locks, start);
  }
  if (options.createRuntime) return inPageClient(options.name, options.createRuntime, options.sync, start);
  throw new Error(
    'connectTidelog: no SharedWorker, no Worker with Web Locks, and no createRuntime to fall back on',
  );
}

async function leadOrFollow<R extends AnyAggregate>(
  name: string,
  url: string | URL,
  locks: LockManagerLike,
  start: (link: Link, mode: ClientMode) => Promise<TidelogClient<R>>,
): Promise<TidelogClient<R>> {
  const lead = () => {
    const worker = new Worker(url, { type: 'module', name });
    serveFollowers(name, () => workerLink(worker));
    return workerLink(worker);
  };
  const leaderLock = `tidelog:leader:${name}`;
  if (await holdIfFree(locks, leaderLock)) return start(lead(), 'dedicated-worker');
  let client: TidelogClient<R> | undefined;
  const link = followerLink(name, () => void client?.reattach(link, 'follower'));
  await link.leaderReady;
  client = await start(link, 'follower');
  const follower = client;
  // Queue for the leader lock: when the leader's tab closes, one follower takes over.
  void locks.request(leaderLock, () => {
    link.close?.();
    void follower.reattach(lead(), 'dedicated-worker');
    return forever();
  });
  return follower;
}
